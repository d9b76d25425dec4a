package decide

import (
	"errors"
	"fmt"
	"slices"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
)

// AllCriteria is the name that stands for all criteria together: a run
// passes "all" when it passes every criterion. No criterion may take it.
const AllCriteria = "all"

// Criterion is a named boolean expression over KPI names, e.g.
// {Name: "gini_ok", Expr: "gini <= 0.7"}.
type Criterion struct{ Name, Expr string }

// CriterionError is a criterion that does not compile: an empty or
// duplicate name, an expression with an error, or one that is not a
// condition. When Err is an *expr.Error its column locates the problem in
// the criterion's expression.
type CriterionError struct {
	Index int    // the criterion's index in the list given to CompileCriteria
	Name  string // the criterion's name ("" when it has none)
	Err   error
}

// Error returns "criterion NAME: message" (or "criterion #INDEX: ..."
// when the criterion has no name).
func (e *CriterionError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("criterion #%d: %v", e.Index+1, e.Err)
	}
	return fmt.Sprintf("criterion %s: %v", e.Name, e.Err)
}

// Unwrap returns Err, so errors.As finds an *expr.Error or *expr.EvalError.
func (e *CriterionError) Unwrap() error { return e.Err }

// CompiledCriteria are criteria checked against the KPI names, ready to
// be evaluated on a row's KPI values. Its expressions read the values
// from one buffer, so a CompiledCriteria must be used from one goroutine
// at a time.
type CompiledCriteria struct {
	kpis     []string
	criteria []Criterion
	exprs    []*expr.Expr
	cur      []float64 // the KPI values the expressions read
}

// CompileCriteria compiles each criterion's expression over the KPI
// names, each a float name. The expression must be a condition (a bool);
// the run's built-in names (t, run, ...), lag and random draws are
// errors, since a criterion is evaluated once per finished run, outside
// it. Errors are *CriterionError values.
func CompileCriteria(kpis []string, cs []Criterion) (*CompiledCriteria, error) {
	if err := uniqueNames("KPI", kpis); err != nil {
		return nil, err
	}
	c := &CompiledCriteria{
		kpis:     slices.Clone(kpis),
		criteria: slices.Clone(cs),
		cur:      make([]float64, len(kpis)),
	}
	env := expr.NewEnv(nil)
	env.Detach()
	for k, name := range c.kpis {
		env.Float(name, func(*gds.Ctx) float64 { return c.cur[k] })
	}
	seen := map[string]bool{}
	for i, cr := range cs {
		fail := func(err error) (*CompiledCriteria, error) {
			return nil, &CriterionError{Index: i, Name: cr.Name, Err: err}
		}
		switch {
		case cr.Name == "":
			return fail(errors.New("it has no name"))
		case cr.Name == AllCriteria:
			return fail(fmt.Errorf("the name %q stands for all criteria together; choose another", AllCriteria))
		case seen[cr.Name]:
			return fail(errors.New("the name is used twice"))
		}
		seen[cr.Name] = true
		x, err := expr.Compile(cr.Expr, env)
		if err != nil {
			return fail(err)
		}
		if x.Kind != gds.KindBool {
			a := "a"
			if x.Kind == gds.KindInt {
				a = "an"
			}
			return fail(fmt.Errorf("%q is %s %s, not a condition (compare it, as in gini <= 0.7)", cr.Expr, a, x.Kind))
		}
		c.exprs = append(c.exprs, x)
	}
	return c, nil
}

// KPIs returns the KPI names the criteria were compiled over (nil for a
// nil *CompiledCriteria, as are Criteria and Names).
func (c *CompiledCriteria) KPIs() []string {
	if c == nil {
		return nil
	}
	return slices.Clone(c.kpis)
}

// Criteria returns the criteria, in order.
func (c *CompiledCriteria) Criteria() []Criterion {
	if c == nil {
		return nil
	}
	return slices.Clone(c.criteria)
}

// Names returns the criteria's names, in order.
func (c *CompiledCriteria) Names() []string {
	if c == nil {
		return nil
	}
	out := make([]string, len(c.criteria))
	for i, cr := range c.criteria {
		out[i] = cr.Name
	}
	return out
}

// Len returns the number of criteria (0 for a nil *CompiledCriteria).
func (c *CompiledCriteria) Len() int {
	if c == nil {
		return 0
	}
	return len(c.exprs)
}

// Eval evaluates every criterion on one run's KPI values (one per KPI,
// in the order given to CompileCriteria) and appends the results to
// pass[:0]. A comparison with a NaN value is false, as IEEE says, so
// gini <= 0.7 fails on a NaN gini while !(gini > 0.7) passes. An
// evaluation that fails (int(x) of a NaN, say) returns a *CriterionError
// wrapping the *expr.EvalError.
func (c *CompiledCriteria) Eval(kpi []float64, pass []bool) (_ []bool, err error) {
	if len(kpi) != len(c.kpis) {
		return nil, fmt.Errorf("decide: %d KPI values for %d KPIs", len(kpi), len(c.kpis))
	}
	copy(c.cur, kpi)
	pass = pass[:0]
	i := 0
	defer func() {
		if r := recover(); r != nil {
			ev, ok := r.(*expr.EvalError)
			if !ok {
				panic(r)
			}
			err = &CriterionError{Index: i, Name: c.criteria[i].Name, Err: ev}
		}
	}()
	for ; i < len(c.exprs); i++ {
		pass = append(pass, c.exprs[i].Bool(nil))
	}
	return pass, nil
}

// forTable checks that the criteria were compiled over the table's KPIs.
func (c *CompiledCriteria) forTable(t *Table) error {
	if c == nil || slices.Equal(c.kpis, t.KPIs) {
		return nil
	}
	return fmt.Errorf("decide: the criteria were compiled for the KPIs %v, but the table has %v", c.kpis, t.KPIs)
}

// index returns the criterion's index, -1 for AllCriteria.
func (c *CompiledCriteria) index(name string) (int, bool) {
	if name == AllCriteria {
		return -1, true
	}
	i := slices.Index(c.Names(), name)
	return i, i >= 0
}
