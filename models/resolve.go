package models

import (
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// Ref is a model as an experiment names it, with where to look for it.
type Ref struct {
	// Name is a registered model's name, or a model file's path (ending in
	// .toml).
	Name string
	// Dir is the directory a relative path is relative to.
	Dir string
	// Embedded says that Dir is a directory of the repository tree whose
	// files are embedded in the binary (configs/..., whose model files are
	// models/..., that is Files), not of the file system.
	Embedded bool
}

// IsFile reports whether the reference is a model file rather than a
// registered name.
func (r Ref) IsFile() bool { return strings.HasSuffix(r.Name, ".toml") }

// Resolver finds the model a Ref names: a registered model, a model file
// on disk, or an embedded model file. It compiles each model file once.
// The zero value resolves names in Default and compiles model files with
// the zero modelfile.Compiler (the blocks registered in blocks.Default).
// A Resolver is safe for concurrent use; do not copy one after first use.
type Resolver struct {
	// Registry holds the registered models (nil: Default).
	Registry *Registry
	// Compiler compiles the model files.
	Compiler modelfile.Compiler

	files sync.Map // cache key -> *fileModel
}

type fileModel struct {
	once sync.Once
	m    *gds.Model
	err  error
}

// Resolve returns the model that ref names.
func (r *Resolver) Resolve(ref Ref) (*gds.Model, error) {
	if !ref.IsFile() {
		reg := r.Registry
		if reg == nil {
			reg = Default
		}
		return reg.Lookup(ref.Name)
	}
	if ref.Embedded {
		p := path.Clean(path.Join(ref.Dir, ref.Name))
		rel, ok := strings.CutPrefix(p, "models/")
		if !ok {
			return nil, fmt.Errorf("model file %s: embedded configs can only use embedded model files (under models/)", ref.Name)
		}
		return r.cached("embedded:"+p, func() (*gds.Model, error) {
			data, err := fs.ReadFile(Files, rel)
			if err != nil {
				return nil, fmt.Errorf("model file %s: not embedded", p)
			}
			return r.Compiler.Parse(p, data)
		})
	}
	p := ref.Name
	if !filepath.IsAbs(p) {
		p = filepath.Join(ref.Dir, p)
	}
	p = filepath.Clean(p)
	return r.cached(p, func() (*gds.Model, error) { return r.Compiler.Load(p) })
}

func (r *Resolver) cached(key string, load func() (*gds.Model, error)) (*gds.Model, error) {
	v, _ := r.files.LoadOrStore(key, &fileModel{})
	fm := v.(*fileModel)
	fm.once.Do(func() { fm.m, fm.err = load() })
	return fm.m, fm.err
}

// DefaultResolver resolves names in Default and model files with the
// default compiler; programs that do not build their own use it.
var DefaultResolver = &Resolver{}
