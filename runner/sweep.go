package runner

import (
	"fmt"
	"strings"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/names"
)

// sweepValues splits a config value into the values it sweeps: a list for
// scalar parameters, a list of lists for vector parameters.
func sweepValues(kind gds.Kind, v any) ([]any, bool) {
	list, ok := v.([]any)
	if !ok {
		return []any{v}, false
	}
	if kind == gds.KindVec {
		if len(list) > 0 {
			if _, nested := list[0].([]any); nested {
				return list, true
			}
		}
		return []any{v}, false
	}
	return list, true
}

// sweep expands one simulation's parameters into sweep points.
func sweep(x *configs.Experiment, m *gds.Model, params map[string]any, sim int) ([]*gds.Params, error) {
	keyOf := func(name string) string {
		if sim < len(x.Scenarios) {
			if _, ok := x.Scenarios[sim].Params[name]; ok {
				return fmt.Sprintf("scenarios.%d.params.%s", sim, name)
			}
		}
		return "params." + name
	}
	base := m.Defaults()
	type swept struct {
		name string
		vals []any
	}
	var lists []swept
	// Parameters in model declaration order, so that sweeps are
	// deterministic whatever the order of keys in the file.
	for _, name := range sortedKeys(params) {
		if _, ok := m.Param(name); !ok {
			return nil, x.ErrorAt(keyOf(name), "model %q has no parameter %q%s", m.Name(), name, names.Suggest(name, paramNames(m)))
		}
	}
	for _, pi := range m.Params() {
		v, ok := params[pi.Name]
		if !ok {
			continue
		}
		vals, isList := sweepValues(pi.Kind, v)
		if isList && len(vals) == 0 {
			return nil, x.ErrorAt(keyOf(pi.Name), "an empty list sweeps nothing; give at least one value")
		}
		for _, val := range vals {
			if err := base.Clone().Set(pi.Name, val); err != nil {
				return nil, x.ErrorAt(keyOf(pi.Name), "%v", err)
			}
		}
		if !isList {
			_ = base.Set(pi.Name, vals[0])
			continue
		}
		lists = append(lists, swept{pi.Name, vals})
	}

	var points []*gds.Params
	switch x.Sweep.Mode {
	case configs.SweepZip:
		n := 1
		for _, l := range lists {
			n = max(n, len(l.vals))
		}
		var bad []string
		for _, l := range lists {
			if len(l.vals) != 1 && len(l.vals) != n {
				bad = append(bad, fmt.Sprintf("%s has %d", l.name, len(l.vals)))
			}
		}
		if len(bad) > 0 {
			var all []string
			for _, l := range lists {
				all = append(all, fmt.Sprintf("%s (%d)", l.name, len(l.vals)))
			}
			return nil, x.ErrorAt("sweep.mode", "zip sweep: every list must have length 1 or %d, but %s (lists: %s)", n, strings.Join(bad, ", "), strings.Join(all, ", "))
		}
		for i := 0; i < n; i++ {
			pt := base.Clone()
			for _, l := range lists {
				_ = pt.Set(l.name, l.vals[min(i, len(l.vals)-1)])
			}
			points = append(points, pt)
		}
	case configs.SweepGrid:
		idx := make([]int, len(lists))
		for {
			pt := base.Clone()
			for k, l := range lists {
				_ = pt.Set(l.name, l.vals[idx[k]])
			}
			points = append(points, pt)
			k := len(lists) - 1 // the last parameter varies fastest
			for ; k >= 0; k-- {
				idx[k]++
				if idx[k] < len(lists[k].vals) {
					break
				}
				idx[k] = 0
			}
			if k < 0 {
				break
			}
		}
	case configs.SweepPoints:
		if len(lists) > 0 {
			return nil, x.ErrorAt(keyOf(lists[0].name), "a list in params with sweep mode points: give swept values in sweep.points, or use mode zip or grid")
		}
		for i, table := range x.Sweep.Points {
			pt := base.Clone()
			for _, name := range sortedKeys(table) {
				if err := pt.Set(name, table[name]); err != nil {
					return nil, x.ErrorAt("sweep.points", "point %d: %v", i, err)
				}
			}
			points = append(points, pt)
		}
	}
	return points, nil
}
