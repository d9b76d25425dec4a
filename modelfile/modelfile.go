package modelfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
	"github.com/statecraft/statecraft/internal/tomlerr"
)

// Error is a problem at a place in a model file: File is the source
// given to Parse or the path given to Load. It is the type of
// configs.Error too, so errors.As finds it with either.
type Error = tomlerr.Error

// Compiler compiles model files into models. The zero Compiler uses the
// blocks registered in blocks.Default.
type Compiler struct {
	// Blocks is the registry that use = "family.block" looks names up in;
	// nil means blocks.Default.
	Blocks *blocks.Registry
}

// Load compiles the model file at path with the zero Compiler.
func Load(path string) (*gds.Model, error) { return Compiler{}.Load(path) }

// Parse compiles model-file text with the zero Compiler; source names
// the text in errors.
func Parse(source string, data []byte) (*gds.Model, error) { return Compiler{}.Parse(source, data) }

func (c Compiler) registry() *blocks.Registry {
	if c.Blocks == nil {
		return blocks.Default
	}
	return c.Blocks
}

// Load reads and compiles the model file at path.
func (c Compiler) Load(path string) (*gds.Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("model file %s: no such file", path)
		}
		return nil, fmt.Errorf("model file %s: %w", path, err)
	}
	return c.Parse(path, data)
}

// Parse compiles model-file text into a model; source names the text in
// errors. Every problem is an *Error located in the text, except those
// that gds.Builder.Build finds, which are wrapped with the source.
func (c Compiler) Parse(source string, data []byte) (*gds.Model, error) {
	f, order, err := decode(source, data)
	if err != nil {
		return nil, err
	}
	l := &loader{src: source, data: data, f: f, order: order, reg: c.registry()}
	return l.build()
}

// loader compiles one model file: it declares the file's names on a
// builder, compiles its policies and updates, and builds the model.
type loader struct {
	compiled []*expr.Expr // every expression compiled, in order: what a block traces (psub)
	src      string
	data     []byte
	f        *modelFile
	order    map[string][]string
	reg      *blocks.Registry
	b        *gds.Builder
	// ledger holds the tokens, agents and wallets (ledger.go).
	ledger *ledger
	// pops are the populations (population.go), popList in file order.
	pops    map[string]*popDecl
	popList []string

	kinds   map[string]string // name -> "variable" | "parameter" | "signal"
	vars    map[string]varH
	params  map[string]paramH
	signals map[string]sigH
	varList []string
	// accs holds, for every declared name, how expressions read it;
	// filled at declaration so that building an environment is one loop.
	accs map[string]accessor
	// envCache is env() when accs had envNames names (sharedEnv).
	envCache *expr.Env
	envNames int
}

// build declares the variables, parameters and signals in file order,
// compiles the PSUBs and builds the model.
func (l *loader) build() (*gds.Model, error) {
	f := l.f
	name := f.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(l.src), filepath.Ext(l.src))
	}
	l.b = gds.NewBuilder(name)
	l.kinds = map[string]string{}
	l.vars, l.params, l.signals = map[string]varH{}, map[string]paramH{}, map[string]sigH{}
	l.accs = map[string]accessor{}
	claim := func(kind, n, key string) error {
		if prev, dup := l.kinds[n]; dup {
			return l.errAt(key, "", "%q is already a %s; variables, parameters and signals need distinct names", n, prev)
		}
		l.kinds[n] = kind
		return nil
	}
	if len(f.Variables) == 0 && len(f.Agents) == 0 && len(f.Populations) == 0 {
		return nil, &Error{File: l.src, Key: "variables", Msg: "a model needs at least one state variable (or an agent with a wallet)"}
	}
	sections := []struct {
		kind, table string
		decls       map[string]any
		declare     func(name, key string, raw any) error
	}{
		{"variable", "variables", f.Variables, l.declareVar},
		{"parameter", "params", f.Params, l.declareParam},
		{"signal", "signals", f.Signals, l.declareSignal},
	}
	for _, sec := range sections {
		for _, n := range l.ordered(sec.table, sec.decls) {
			key := sec.table + "." + n
			if err := claim(sec.kind, n, key); err != nil {
				return nil, err
			}
			if err := sec.declare(n, key, sec.decls[n]); err != nil {
				return nil, err
			}
		}
		if sec.table == "variables" { // the agents' wallets and fields follow the variables
			if err := l.declareTokens(); err != nil {
				return nil, err
			}
			if err := l.declareAgents(claim); err != nil {
				return nil, err
			}
			if err := l.declarePopulations(claim); err != nil {
				return nil, err
			}
			if err := l.declareMintBurn(claim); err != nil {
				return nil, err
			}
		}
	}
	if len(f.PSUBs) == 0 {
		return nil, &Error{File: l.src, Key: "psubs", Msg: "a model needs at least one [[psubs]] block"}
	}
	for i, ps := range f.PSUBs {
		if err := l.psub(i, ps); err != nil {
			return nil, err
		}
	}
	m, err := l.b.Build()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.src, err)
	}
	return m, nil
}

// errAt returns an error located at key; the line is found from the key, or
// from where text (an expression) appears in the file.
func (l *loader) errAt(key, text string, format string, args ...any) error {
	line := 0
	if text != "" {
		line = l.lineOf(text)
	}
	if line == 0 {
		line = tomlerr.KeyLine(l.data, toml.Key(strings.Split(key, ".")))
	}
	return &Error{File: l.src, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)}
}

// lineOf finds the line where an expression's text appears, quoted.
func (l *loader) lineOf(text string) int {
	for _, q := range []string{`"` + text + `"`, `'` + text + `'`, text} {
		if i := bytes.Index(l.data, []byte(q)); i >= 0 {
			return bytes.Count(l.data[:i], []byte("\n")) + 1
		}
	}
	return 0
}
