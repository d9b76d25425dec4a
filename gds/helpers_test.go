package gds_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

// row is a recorded row, copied out of the engine: its ids and every
// variable's value by name (float64, int64, bool, string, []float64, a
// copy of the agents slice, or a gds.Columns copy of a Records variable).
type row struct {
	Sim, Subset, Run int
	T, K             int
	V                map[string]any
}

func (r row) f(name string) float64   { return r.V[name].(float64) }
func (r row) i(name string) int64     { return r.V[name].(int64) }
func (r row) b(name string) bool      { return r.V[name].(bool) }
func (r row) s(name string) string    { return r.V[name].(string) }
func (r row) v(name string) []float64 { return r.V[name].([]float64) }
func (r row) id() [2]int              { return [2]int{r.T, r.K} }

// recorder copies every recorded row.
type recorder struct {
	m    *gds.Model
	rows []row
}

func (r *recorder) Record(x *gds.Row) error {
	vals := map[string]any{}
	for _, v := range r.m.Vars() {
		switch v.Kind {
		case gds.KindFloat:
			vals[v.Name] = x.Floats()[v.Slot]
		case gds.KindInt:
			vals[v.Name] = x.Ints()[v.Slot]
		case gds.KindBool:
			vals[v.Name] = x.Bools()[v.Slot]
		case gds.KindString:
			vals[v.Name] = x.Strings()[v.Slot]
		case gds.KindVec:
			vals[v.Name] = append([]float64{}, x.Vec(v.Slot)...)
		case gds.KindAgents:
			if cols, ok := x.Agents(v.Slot).(*gds.Columns); ok {
				vals[v.Name] = cols.Clone()
				continue
			}
			rv := reflect.ValueOf(x.Agents(v.Slot))
			cp := reflect.MakeSlice(rv.Type(), rv.Len(), rv.Len())
			reflect.Copy(cp, rv)
			vals[v.Name] = cp.Interface()
		}
	}
	r.rows = append(r.rows, row{Sim: x.Simulation, Subset: x.Subset, Run: x.Run, T: x.Timestep, K: x.Substep, V: vals})
	return nil
}

// at returns the row with ids (t, k).
func (r *recorder) at(t *testing.T, ts, k int) row {
	t.Helper()
	for _, x := range r.rows {
		if x.T == ts && x.K == k {
			return x
		}
	}
	t.Fatalf("no row (%d, %d)", ts, k)
	return row{}
}

func mustBuild(t testing.TB, b *gds.Builder) *gds.Model {
	t.Helper()
	m, err := b.Build()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return m
}

// runJob runs job on a fresh engine and returns the recorded rows.
func runJob(t testing.TB, m *gds.Model, job *gds.Job) *recorder {
	t.Helper()
	rec := &recorder{m: m}
	if err := m.NewEngine().Run(context.Background(), job, rec); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rec
}

// runT runs the model on its defaults for T timesteps.
func runT(t testing.TB, m *gds.Model, T int) *recorder {
	t.Helper()
	return runJob(t, m, &gds.Job{Run: 1, Timesteps: T, Seed: [2]uint64{1, 2}})
}

// buildErr builds and returns the *BuildError, failing if Build succeeds.
func buildErr(t *testing.T, b *gds.Builder) *gds.BuildError {
	t.Helper()
	m, err := b.Build()
	if err == nil {
		t.Fatalf("Build succeeded (model %q); want an error", m.Name())
	}
	var be *gds.BuildError
	if !errors.As(err, &be) {
		t.Fatalf("Build error %T %v; want *gds.BuildError", err, err)
	}
	return be
}

// wantContains fails unless msg contains every string of want.
func wantContains(t *testing.T, msg string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not contain %q", msg, w)
		}
	}
}

func vecEq(a, b []float64) bool { return slices.Equal(a, b) }

func fmtRows(rows []row, names ...string) string {
	var sb strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&sb, "(%d,%d)", r.T, r.K)
		for _, n := range names {
			fmt.Fprintf(&sb, " %s=%v", n, r.V[n])
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}
