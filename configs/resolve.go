package configs

import (
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
	"github.com/statecraft/statecraft/models"

	// The block families that model files can use by name.
	_ "github.com/statecraft/statecraft/blocks/all"
)

// IsModelPath reports whether a config's model reference is a model file
// rather than a registered name.
func IsModelPath(ref string) bool { return strings.HasSuffix(ref, ".toml") }

var fileModels sync.Map // resolved path -> *fileModel

type fileModel struct {
	once sync.Once
	m    *gds.Model
	err  error
}

// ResolveModel returns the model a config names: a registered model, or a
// declarative model file whose path is relative to the config file. An
// embedded config resolves paths in the embedded repository tree, so
// "../models/x.toml" from configs/ is models.Files' "x.toml". A model file
// is built once per process.
func (x *Experiment) ResolveModel(ref string) (*gds.Model, error) {
	if !IsModelPath(ref) {
		return models.Lookup(ref)
	}
	if name, ok := strings.CutPrefix(x.Source, "embedded:"); ok {
		p := path.Clean(path.Join("configs", path.Dir(name), ref))
		rel, ok := strings.CutPrefix(p, "models/")
		if !ok {
			return nil, fmt.Errorf("model file %s: embedded configs can only use embedded model files (under models/)", ref)
		}
		return cached("embedded:"+p, func() (*gds.Model, error) {
			data, err := fs.ReadFile(models.Files, rel)
			if err != nil {
				return nil, fmt.Errorf("model file %s: not embedded", p)
			}
			return modelfile.Parse(p, data)
		})
	}
	p := ref
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(x.Source), ref)
	}
	return cached(filepath.Clean(p), func() (*gds.Model, error) { return modelfile.Load(p) })
}

func cached(key string, load func() (*gds.Model, error)) (*gds.Model, error) {
	v, _ := fileModels.LoadOrStore(key, &fileModel{})
	fm := v.(*fileModel)
	fm.once.Do(func() { fm.m, fm.err = load() })
	return fm.m, fm.err
}
