package modelfile

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/statecraft/statecraft/internal/names"
	"github.com/statecraft/statecraft/internal/tomlerr"
)

// A declarative model file, as decoded. See docs/models.md.
type modelFile struct {
	Name        string         `toml:"name"`
	Description string         `toml:"description"`
	Variables   map[string]any `toml:"variables"`
	Params      map[string]any `toml:"params"`
	Signals     map[string]any `toml:"signals"`
	Tokens      map[string]any `toml:"tokens"`
	Agents      map[string]any `toml:"agents"`
	Populations map[string]any `toml:"populations"`
	PSUBs       []psubSpec     `toml:"psubs"`
	Meta        map[string]any `toml:"meta"` // free-form: sources, authors
}

type psubSpec struct {
	Name      string         `toml:"name"`
	Doc       string         `toml:"doc"`
	Policies  []policySpec   `toml:"policies"`
	Transfers []transferSpec `toml:"transfers"`
	Join      map[string]any `toml:"join"` // population -> its join
	Each      map[string]any `toml:"each"` // population -> its per-agent updates
	Updates   map[string]any `toml:"updates"`
}

// transferSpec is a [[psubs.transfers]] entry: see ledger.go.
type transferSpec struct {
	Name      string `toml:"name"`
	Doc       string `toml:"doc"`
	Token     string `toml:"token"`
	From      string `toml:"from"`
	To        any    `toml:"to"`     // an agent, "burn", or { agent = share }
	Amount    any    `toml:"amount"` // an expression string or a number
	Overdraft string `toml:"overdraft"`
}

type policySpec struct {
	Name string            `toml:"name"`
	Doc  string            `toml:"doc"`
	Let  map[string]string `toml:"let"`
	Emit map[string]string `toml:"emit"`
	Use  string            `toml:"use"`
	Args map[string]any    `toml:"args"`
}

// IsModelFile reports whether TOML text is a declarative model file (it
// has PSUBs) rather than an experiment config.
func IsModelFile(data []byte) bool {
	var probe struct {
		PSUBs     []map[string]any `toml:"psubs"`
		Variables map[string]any   `toml:"variables"`
	}
	_, err := toml.Decode(string(data), &probe)
	return err == nil && (len(probe.PSUBs) > 0 || len(probe.Variables) > 0)
}

// decode decodes model-file text strictly: syntax, types, and the keys of
// the fixed tables (the loader checks those of the free-form ones). It
// returns the file and, for each table, its keys in file order.
func decode(source string, data []byte) (*modelFile, map[string][]string, error) {
	var f modelFile
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&f)
	if err != nil {
		return nil, nil, tomlerr.FromDecode(source, err)
	}
	for _, k := range md.Undecoded() {
		if freeForm(k) {
			continue // checked by the loader, which knows the allowed keys
		}
		return nil, nil, &Error{File: source, Line: tomlerr.KeyLine(data, k), Key: k.String(), Msg: "unknown key" + knownModelKeys(k)}
	}
	return &f, keyOrder(md), nil
}

var modelSchema = map[string][]string{
	"":                {"name", "description", "variables", "params", "signals", "tokens", "agents", "populations", "psubs", "meta"},
	"psubs":           {"name", "doc", "policies", "transfers", "join", "each", "updates"},
	"psubs.transfers": {"name", "doc", "token", "from", "to", "amount", "overdraft"},
	"psubs.policies":  {"name", "doc", "let", "emit", "use", "args"},
	"variables.*":     {"type", "initial", "lags", "doc"},
	"params.*":        {"type", "default", "min", "max", "doc"},
	"signals.*":       {"type", "rule"},
	"psubs.updates.*": {"expr", "use", "args", "name", "doc"},
}

// freeForm reports whether a key lies inside a table the decoder keeps as
// a map (declarations, updates, block arguments, meta), whose keys the
// loader checks itself.
func freeForm(k toml.Key) bool {
	if len(k) < 2 {
		return false
	}
	switch k[0] {
	case "variables", "params", "signals", "tokens", "agents", "populations", "meta":
		return true
	case "psubs":
		for i := 1; i < len(k)-1; i++ {
			if k[i] == "updates" || k[i] == "args" || k[i] == "join" || k[i] == "each" || k[i] == "transfers" && i+1 < len(k)-1 && k[i+1] == "to" {
				return true
			}
		}
	}
	return false
}

func knownModelKeys(k toml.Key) string {
	parent := ""
	if len(k) > 1 {
		parent = strings.Join(k[:len(k)-1], ".")
	}
	keys, ok := modelSchema[parent]
	if !ok {
		return ""
	}
	if s := names.Suggest(k[len(k)-1], keys); strings.HasPrefix(s, " (did you mean") {
		return s
	}
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	return fmt.Sprintf("; known keys here: %s", strings.Join(sorted, ", "))
}

// keyOrder returns, for each table, its keys in the order of the file.
func keyOrder(md toml.MetaData) map[string][]string {
	out := map[string][]string{}
	seen := map[string]bool{}
	for _, k := range md.Keys() {
		if len(k) < 2 {
			continue
		}
		parent := strings.Join(k[:len(k)-1], ".")
		full := k.String()
		if seen[full] {
			continue
		}
		seen[full] = true
		out[parent] = append(out[parent], k[len(k)-1])
	}
	return out
}

// ordered returns the keys of m in file order (parent is the table's key
// path), then any others sorted.
func (l *loader) ordered(parent string, m map[string]any) []string {
	var out []string
	done := map[string]bool{}
	for _, k := range l.order[unindexed(parent)] {
		if _, ok := m[k]; ok && !done[k] {
			out = append(out, k)
			done[k] = true
		}
	}
	var rest []string
	for k := range m {
		if !done[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// unindexed drops the array indexes from a key path ("psubs.0.join.x" is
// "psubs.join.x"), as the decoder's key order has them. Tables of
// different elements of an array share their order there; the loader
// reads the keys of one element at a time, so the union's order is
// theirs.
func unindexed(key string) string {
	parts := strings.Split(key, ".")
	out := parts[:0]
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err != nil {
			out = append(out, p)
		}
	}
	return strings.Join(out, ".")
}

func orderedS(l *loader, parent string, m map[string]string) []string {
	mm := make(map[string]any, len(m))
	for k, v := range m {
		mm[k] = v
	}
	return l.ordered(parent, mm)
}
