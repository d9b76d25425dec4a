package golden

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

const sample = `simulation,subset,run,timestep,substep,v,x,n
0,0,1,0,0,"[1.0, 0.1]",0.1,11
0,0,1,1,1,"[2.5, -0.0]",1e+16,-3
0,1,2,1,1,"[]",inf,0
`

func mustRead(t *testing.T, s string) *Table {
	t.Helper()
	tab, err := Read(strings.NewReader(s), "sample")
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestRead(t *testing.T) {
	tab := mustRead(t, sample)
	if !slices.Equal(tab.Columns, []string{"v", "x", "n"}) || !slices.Equal(tab.Kinds, []Kind{Vec, Float, Int}) {
		t.Fatalf("columns %v, kinds %v", tab.Columns, tab.Kinds)
	}
	if len(tab.Rows) != 3 {
		t.Fatalf("%d rows, want 3", len(tab.Rows))
	}
	r := tab.Rows[1]
	if r.ID != (ID{0, 0, 1, 1, 1}) {
		t.Fatalf("ids %+v", r.ID)
	}
	if v := r.Values[0].V; len(v) != 2 || v[0] != 2.5 || !math.Signbit(v[1]) {
		t.Fatalf("vector %v, want [2.5 -0]", v)
	}
	if r.Values[1].F != 1e16 || r.Values[2].I != -3 {
		t.Fatalf("values %v", r.Values)
	}
	if tab.Rows[0].Values[1].F != 0.1 || !math.IsInf(tab.Rows[2].Values[1].F, 1) || len(tab.Rows[2].Values[0].V) != 0 {
		t.Fatalf("values %v / %v", tab.Rows[0].Values, tab.Rows[2].Values)
	}
	if got := r.Values[0].String(); got != "[2.5, -0]" {
		t.Fatalf("String() = %q", got)
	}
}

func TestReadErrors(t *testing.T) {
	for _, s := range []string{
		"",
		"sim,subset,run,timestep,substep,x\n0,0,1,0,0,1.0\n",
		"simulation,subset,run,timestep,substep,x\n0,0,one,0,0,1.0\n",
		"simulation,subset,run,timestep,substep,x\n0,0,1,0,0,1.0x\n",
		"simulation,subset,run,timestep,substep,v\n0,0,1,0,0,\"[1.0,\"\n",
	} {
		if _, err := Read(strings.NewReader(s), "bad"); err == nil {
			t.Errorf("Read(%q) succeeded", s)
		}
	}
}

func TestLoadGoldenFiles(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "golden")
	for name, want := range map[string]struct {
		rows  int
		kinds []Kind
	}{
		"pp_det":        {306, []Kind{Float, Float}},
		"amm_det":       {484, []Kind{Float, Float, Float, Float, Float}},
		"robot_marbles": {31, []Kind{Int, Int}},
		"policy_max":    {21, []Kind{Float, Float}},
		"lag":           {25, []Kind{Float, Float, Float}},
		"vector":        {102, []Kind{Vec, Float}},
		"ab_pp":         {248, []Kind{Float, Float}},
	} {
		tab, err := Load(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if tab.Case != name || len(tab.Rows) != want.rows || !slices.Equal(tab.Kinds, want.kinds) {
			t.Errorf("%s: case %q, %d rows, kinds %v; want %d rows, kinds %v", name, tab.Case, len(tab.Rows), tab.Kinds, want.rows, want.kinds)
		}
	}
}

// clone returns a deep copy of a table.
func clone(t *Table) *Table {
	c := *t
	c.Rows = make([]Row, len(t.Rows))
	for i, r := range t.Rows {
		c.Rows[i] = Row{ID: r.ID, Values: slices.Clone(r.Values)}
		for j, v := range r.Values {
			c.Rows[i].Values[j].V = slices.Clone(v.V)
		}
	}
	return &c
}

func TestCompare(t *testing.T) {
	want := mustRead(t, sample)
	if err := Compare(want, clone(want), Options{}).Err(); err != nil {
		t.Fatalf("identical tables: %v", err)
	}

	oneULP := clone(want)
	oneULP.Rows[0].Values[1].F = math.Nextafter(0.1, 1)
	res := Compare(want, oneULP, Options{Mode: Exact})
	if res.Err() == nil || res.Total != 1 {
		t.Fatalf("one ulp, exact: %v (total %d)", res.Err(), res.Total)
	}
	m := res.Mismatches[0]
	if m.Case != "sample" || m.Row != 0 || m.Column != "x" || m.Want != "0.1" || m.Got != "0.10000000000000002" {
		t.Fatalf("mismatch %+v", m)
	}
	for _, part := range []string{"sample", "row 0", "column x", "want 0.1", "got 0.10000000000000002"} {
		if !strings.Contains(res.Err().Error(), part) {
			t.Errorf("error %q does not mention %q", res.Err(), part)
		}
	}
	res = Compare(want, oneULP, Options{Mode: Relative, Tol: 1e-12})
	if err := res.Err(); err != nil {
		t.Fatalf("one ulp, relative: %v", err)
	}
	if res.MaxRelErr == 0 || res.MaxRelErr > 2e-16 {
		t.Fatalf("max relative error %g", res.MaxRelErr)
	}

	far := clone(want)
	far.Rows[1].Values[0].V[0] = 2.5 * (1 + 1e-11)
	if Compare(want, far, Options{Mode: Relative, Tol: 1e-12}).Err() == nil {
		t.Fatal("a vector element off by 1e-11 passed a 1e-12 tolerance")
	}

	zero := clone(want)
	zero.Rows[1].Values[0].V[1] = 0 // +0 for -0
	if Compare(want, zero, Options{Mode: Exact}).Err() == nil {
		t.Fatal("+0 for -0 passed in exact mode")
	}
	if err := Compare(want, zero, Options{Mode: Relative, Tol: 1e-12}).Err(); err != nil {
		t.Fatalf("+0 for -0 in relative mode: %v", err)
	}

	inf := clone(want)
	inf.Rows[2].Values[1].F = math.MaxFloat64
	if Compare(want, inf, Options{Mode: Relative, Tol: 1}).Err() == nil {
		t.Fatal("a finite value for +Inf passed")
	}

	ints := clone(want)
	ints.Rows[0].Values[2].I = 12
	if Compare(want, ints, Options{Mode: Relative, Tol: 1}).Err() == nil {
		t.Fatal("a different integer passed")
	}

	short := clone(want)
	short.Rows = short.Rows[:2]
	if err := Compare(want, short, Options{}).Err(); err == nil || !strings.Contains(err.Error(), "row count: want 3, got 2") {
		t.Fatalf("missing row: %v", err)
	}

	ids := clone(want)
	ids.Rows[1].Timestep = 2
	res = Compare(want, ids, Options{})
	if res.Total != 1 || res.Mismatches[0].Column != "timestep" {
		t.Fatalf("wrong timestep: %v", res.Err())
	}

	cols := clone(want)
	cols.Columns = []string{"x", "v", "n"}
	cols.Kinds = []Kind{Float, Vec, Int}
	for i := range cols.Rows {
		v := cols.Rows[i].Values
		v[0], v[1] = v[1], v[0]
	}
	res = Compare(want, cols, Options{})
	if res.Err() == nil || len(res.Problems) != 1 || res.Total != 0 {
		t.Fatalf("columns in another order: problems %v, %d mismatches", res.Problems, res.Total)
	}
}

func TestCadCAD053Runs(t *testing.T) {
	one := CadCAD053Runs(1)
	for _, c := range []struct{ subset, golden, run int }{{0, 1, 1}, {1, 2, 1}, {4, 5, 1}} {
		if run, ok := one(c.subset, c.golden); !ok || run != c.run {
			t.Errorf("N=1: subset %d, golden run %d -> %d, %v; want %d", c.subset, c.golden, run, ok, c.run)
		}
	}
	if _, ok := one(1, 1); ok {
		t.Error("N=1: golden run 1 in subset 1 accepted; cadCAD 0.5.3 writes 2")
	}
	two := CadCAD053Runs(2)
	for _, c := range []struct{ subset, golden int }{{0, 1}, {0, 2}, {3, 1}, {3, 2}} {
		if run, ok := two(c.subset, c.golden); !ok || run != c.golden {
			t.Errorf("N=2: subset %d, golden run %d -> %d, %v", c.subset, c.golden, run, ok)
		}
	}
	if _, ok := two(0, 3); ok {
		t.Error("N=2: golden run 3 accepted")
	}

	// With the mapping, a golden N=1 dataset of two subsets matches rows
	// numbered run 1 in both; without it, subset 1 mismatches.
	want := mustRead(t, "simulation,subset,run,timestep,substep,x\n0,0,1,0,0,1.0\n0,1,2,0,0,1.0\n")
	got := mustRead(t, "simulation,subset,run,timestep,substep,x\n0,0,1,0,0,1.0\n0,1,1,0,0,1.0\n")
	if err := Compare(want, got, Options{MapRun: one}).Err(); err != nil {
		t.Fatal(err)
	}
	if res := Compare(want, got, Options{}); res.Total != 1 || res.Mismatches[0].Column != "run" {
		t.Fatalf("without the mapping: %v", res.Err())
	}
	bad := mustRead(t, "simulation,subset,run,timestep,substep,x\n0,0,1,0,0,1.0\n0,1,1,0,0,1.0\n")
	if Compare(bad, got, Options{MapRun: one}).Err() == nil {
		t.Fatal("a golden N=1 row with run 1 in subset 1 passed the mapping")
	}
}

func TestRecorder(t *testing.T) {
	b := gds.NewBuilder("rec")
	x := b.Float("x", 0.5)
	n := b.Int("n", 3)
	v := b.Vec("v", []float64{1, 2})
	b.PSUB("step",
		x.Update(func(c *gds.Ctx) float64 { return x.Get(c) * 2 }),
		n.Update(func(c *gds.Ctx) int64 { return n.Get(c) + 1 }),
		v.Update(func(c *gds.Ctx, dst []float64) []float64 {
			for _, e := range v.Get(c) {
				dst = append(dst, e+1)
			}
			return dst
		}),
	)
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	rec, err := NewRecorder("rec", m)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Subset: 1, Run: 2, Timesteps: 2}, rec); err != nil {
		t.Fatal(err)
	}
	want := mustRead(t, `simulation,subset,run,timestep,substep,x,n,v
0,1,2,0,0,0.5,3,"[1.0, 2.0]"
0,1,2,1,1,1.0,4,"[2.0, 3.0]"
0,1,2,2,1,2.0,5,"[3.0, 4.0]"
`)
	want.Case = "rec"
	if err := Compare(want, rec.Table(), Options{}).Err(); err != nil {
		t.Fatal(err)
	}

	bb := gds.NewBuilder("flags")
	flag := bb.Bool("on", false)
	bb.PSUB("p", flag.Update(func(c *gds.Ctx) bool { return !flag.Get(c) }))
	fm, err := bb.Build()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewRecorder("flags", fm); err == nil {
		t.Fatal("NewRecorder accepted a bool variable")
	}
}
