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

// sweep expands one simulation's parameters and initial state into sweep
// points: a list in [params] or [initial_state] sweeps that value (zip,
// grid); points and the sampled designs give each point's parameters.
// inits is nil when no initial value is swept.
func sweep(x *configs.Experiment, m *gds.Model, params, initial map[string]any, design []map[string]any, sim int) (points []*gds.Params, inits []*gds.State, err error) {
	keyOf := func(table, name string) string {
		if sim < len(x.Scenarios) {
			sc := x.Scenarios[sim]
			over := sc.Params
			if table == "initial_state" {
				over = sc.InitialState
			}
			if _, ok := over[name]; ok {
				return fmt.Sprintf("scenarios.%d.%s.%s", sim, table, name)
			}
		}
		return table + "." + name
	}
	base := m.Defaults()
	baseInit := m.InitialState()
	type swept struct {
		name string
		init bool // an initial value, not a parameter
		key  string
		vals []any
	}
	var lists []swept
	// Parameters in model declaration order, so that sweeps are
	// deterministic whatever the order of keys in the file.
	for _, name := range sortedKeys(params) {
		if _, ok := m.Param(name); !ok {
			return nil, nil, x.ErrorAt(keyOf("params", name), "model %q has no parameter %q%s", m.Name(), name, names.Suggest(name, paramNames(m)))
		}
	}
	for _, name := range sortedKeys(initial) {
		if _, ok := m.Var(name); !ok {
			return nil, nil, x.ErrorAt(keyOf("initial_state", name), "model %q has no state variable %q%s", m.Name(), name, names.Suggest(name, varNames(m)))
		}
	}
	for _, pi := range m.Params() {
		v, ok := params[pi.Name]
		if !ok {
			continue
		}
		key := keyOf("params", pi.Name)
		vals, isList := sweepValues(pi.Kind, v)
		if isList && len(vals) == 0 {
			return nil, nil, x.ErrorAt(key, "an empty list sweeps nothing; give at least one value")
		}
		for _, val := range vals {
			if err := base.Clone().Set(pi.Name, val); err != nil {
				return nil, nil, x.ErrorAt(key, "%v", err)
			}
		}
		if !isList {
			_ = base.Set(pi.Name, vals[0])
			continue
		}
		lists = append(lists, swept{name: pi.Name, key: key, vals: vals})
	}
	for _, vi := range m.Vars() {
		v, ok := initial[vi.Name]
		if !ok {
			continue
		}
		key := keyOf("initial_state", vi.Name)
		vals, isList := []any{v}, false
		if vi.Kind != gds.KindAgents {
			vals, isList = sweepValues(vi.Kind, v)
		}
		if isList && len(vals) == 0 {
			return nil, nil, x.ErrorAt(key, "an empty list sweeps nothing; give at least one value")
		}
		for _, val := range vals {
			if err := baseInit.Clone().Set(vi.Name, val); err != nil {
				return nil, nil, x.ErrorAt(key, "%v", err)
			}
		}
		if !isList {
			_ = baseInit.Set(vi.Name, vals[0])
			continue
		}
		lists = append(lists, swept{name: vi.Name, init: true, key: key, vals: vals})
	}
	add := func(pick func(k int, l swept) any) {
		pt, st := base.Clone(), baseInit
		if len(lists) > 0 {
			st = baseInit.Clone()
		}
		for k, l := range lists {
			if l.init {
				_ = st.Set(l.name, pick(k, l))
			} else {
				_ = pt.Set(l.name, pick(k, l))
			}
		}
		points = append(points, pt)
		inits = append(inits, st)
	}

	switch {
	case design != nil:
		for _, l := range lists {
			if !l.init {
				return nil, nil, x.ErrorAt(l.key, "a list in params with a sampled design: the design chooses the points; give %s a single value", l.name)
			}
		}
		if len(lists) > 0 {
			return nil, nil, x.ErrorAt(lists[0].key, "a list in initial_state with a sampled design: sweep initial values with mode zip or grid")
		}
		for i, table := range design {
			pt := base.Clone()
			for _, name := range sortedKeys(table) {
				if err := pt.Set(name, table[name]); err != nil {
					return nil, nil, x.ErrorAt(designKey(x), "point %d: %v", i, err)
				}
			}
			points = append(points, pt)
			inits = append(inits, baseInit)
		}
	case x.Sweep.Mode == configs.SweepZip:
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
			return nil, nil, x.ErrorAt("sweep.mode", "zip sweep: every list must have length 1 or %d, but %s (lists: %s)", n, strings.Join(bad, ", "), strings.Join(all, ", "))
		}
		for i := 0; i < n; i++ {
			add(func(_ int, l swept) any { return l.vals[min(i, len(l.vals)-1)] })
		}
	case x.Sweep.Mode == configs.SweepGrid:
		idx := make([]int, len(lists))
		for {
			add(func(k int, l swept) any { return l.vals[idx[k]] })
			k := len(lists) - 1 // the last list varies fastest
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
	case x.Sweep.Mode == configs.SweepPoints:
		if len(lists) > 0 {
			return nil, nil, x.ErrorAt(lists[0].key, "a list in %s with sweep mode points: give swept values in sweep.points, or use mode zip or grid", strings.SplitN(lists[0].key, ".", 2)[0])
		}
		for i, table := range x.Sweep.Points {
			pt := base.Clone()
			for _, name := range sortedKeys(table) {
				if err := pt.Set(name, table[name]); err != nil {
					return nil, nil, x.ErrorAt("sweep.points", "point %d: %v", i, err)
				}
			}
			points = append(points, pt)
			inits = append(inits, baseInit)
		}
	}
	return points, inits, nil
}

// designKey is the config key of the experiment's sampled design.
func designKey(x *configs.Experiment) string {
	switch {
	case x.Sensitivity != nil:
		return "sensitivity.bounds"
	case x.Optimize != nil:
		return "optimize.bounds"
	}
	return "sweep.bounds"
}
