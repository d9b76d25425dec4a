package runner

import (
	"strings"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/names"
)

// planReport checks the report's keys against the recorded variables: the
// variables charted over time must be recorded numeric (or vector)
// variables, and the agent-table fields must be numeric fields of a
// recorded agent variable. A mistake is an error before the run, not a
// missing chart after it.
func (p *Plan) planReport() error {
	x := p.Config
	recorded := map[string]gds.VarInfo{}
	var recordedNames []string
	for _, v := range p.Vars {
		recorded[v.Name] = v
		recordedNames = append(recordedNames, v.Name)
	}
	variable := func(key, name string) error {
		v, ok := recorded[name]
		if !ok {
			if _, exists := p.Sims[0].Model.Var(name); exists {
				return x.ErrorAt(key, "variable %q is not recorded: add it to output.variables", name)
			}
			return x.ErrorAt(key, "model %q has no state variable %q%s", p.Sims[0].Model.Name(), name, names.Suggest(name, recordedNames))
		}
		switch v.Kind {
		case gds.KindFloat, gds.KindInt, gds.KindBool, gds.KindVec:
			return nil
		}
		return x.ErrorAt(key, "variable %q is a %s variable; charts over time show float, int, bool and vector variables", name, v.Kind)
	}
	for _, name := range x.Report.Variables {
		if err := variable("report.variables", name); err != nil {
			return err
		}
	}
	for _, name := range x.Report.Log {
		if err := variable("report.log", name); err != nil {
			return err
		}
	}
	field := func(key, f string) error {
		vname, fname, _ := strings.Cut(f, ".")
		v, ok := recorded[vname]
		if !ok || v.Kind != gds.KindAgents {
			if _, exists := p.Sims[0].Model.Var(vname); exists && !ok {
				return x.ErrorAt(key, "%s: agent variable %q is not recorded: add it to output.variables", f, vname)
			}
			var agents []string
			for _, v := range p.Vars {
				if v.Kind == gds.KindAgents {
					agents = append(agents, v.Name)
				}
			}
			return x.ErrorAt(key, "%s: %q is not a recorded agent variable (recorded agent variables: %s)", f, vname, orNone(agents))
		}
		var fields []string
		for _, fi := range v.Fields {
			if fi.Name == fname {
				if fi.Kind == gds.KindFloat || fi.Kind == gds.KindInt {
					return nil
				}
				return x.ErrorAt(key, "%s: field %q is a %s field; charts show float and int fields", f, fname, fi.Kind)
			}
			fields = append(fields, fi.Name)
		}
		return x.ErrorAt(key, "%s: agent variable %q has no field %q%s", f, vname, fname, names.Suggest(fname, fields))
	}
	for _, f := range x.Report.Histograms {
		if err := field("report.histograms", f); err != nil {
			return err
		}
	}
	for _, f := range x.Report.Lorenz {
		if err := field("report.lorenz", f); err != nil {
			return err
		}
	}
	for _, sc := range x.Report.Scatter {
		for _, f := range []string{sc.X, sc.Y} {
			if err := field("report.scatter", f); err != nil {
				return err
			}
		}
	}
	return nil
}

// orNone joins names, or says "none".
func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
