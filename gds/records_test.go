package gds_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/statecraft/statecraft/gds"
)

// citizen is the Go record of the equivalence tests; citizenFields
// declares the same fields as data.
type citizen struct {
	Wealth float64
	Age    int64
	Active bool
	Role   string
}

var citizenFields = []gds.RecordField{
	{Name: "wealth", Kind: gds.KindFloat, Doc: "money held"},
	{Name: "age", Kind: gds.KindInt},
	{Name: "active", Kind: gds.KindBool},
	{Name: "role", Kind: gds.KindString},
}

// the field indices of citizenFields
const (
	fWealth = iota
	fAge
	fActive
	fRole
)

func citizenCols(recs ...citizen) gds.Columns {
	c := gds.MakeColumns(citizenFields, len(recs))
	for i, r := range recs {
		c.Floats[fWealth][i], c.Ints[fAge][i], c.Bools[fActive][i], c.Strings[fRole][i] = r.Wealth, r.Age, r.Active, r.Role
	}
	return c
}

func cols(r row, name string) gds.Columns { return r.V[name].(gds.Columns) }

// TestRecordsSemantics: a Records variable follows the PSUB rules of every
// variable: blocks read the records before the PSUB (the update too, while
// it changes next), the update's result is current after the PSUB and
// seen by the next PSUB, records can be appended, and records that no
// update writes carry over.
func TestRecordsSemantics(t *testing.T) {
	tests := []struct {
		name  string
		build func(t *testing.T, b *gds.Builder)
		T     int
		check func(t *testing.T, rec *recorder)
	}{
		{"reads see the pre-PSUB records", func(t *testing.T, b *gds.Builder) {
			pop := b.Records("pop", citizenFields, citizenCols(citizen{Wealth: 1}, citizen{Wealth: 2}))
			obs := b.Records("obs", citizenFields, gds.MakeColumns(citizenFields, 0))
			sum := b.Float("sum", 0)
			b.PSUB("p",
				pop.Update(func(c *gds.Ctx, next *gds.Columns) {
					before := slices.Clone(pop.Floats(c, fWealth))
					for i := range next.N {
						next.Floats[fWealth][i] *= 10
					}
					if got := pop.Floats(c, fWealth); !slices.Equal(got, before) {
						t.Errorf("t=%d: the update's own read saw %v after changing next; want %v", c.T, got, before)
					}
				}),
				// both run after pop's update and must see pop before the block
				obs.Update(func(c *gds.Ctx, next *gds.Columns) {
					next.Resize(pop.Len(c))
					next.Floats[fWealth] = pop.Floats(c, fWealth) // a current column: copied
				}),
				sum.Update(func(c *gds.Ctx) float64 {
					s := 0.0
					for _, w := range pop.Floats(c, fWealth) {
						s += w
					}
					return s
				}),
			)
		}, 3, func(t *testing.T, rec *recorder) {
			for ts := 1; ts <= 3; ts++ {
				prev := cols(rec.at(t, ts-1, max(0, min(ts-1, 1))), "pop").Floats[fWealth]
				if got := cols(rec.at(t, ts, 1), "obs").Floats[fWealth]; !slices.Equal(got, prev) {
					t.Errorf("t=%d: obs = %v; want pop before the PSUB, %v", ts, got, prev)
				}
				if got, want := rec.at(t, ts, 1).f("sum"), prev[0]+prev[1]; got != want {
					t.Errorf("t=%d: sum = %v; want %v", ts, got, want)
				}
				if got, want := cols(rec.at(t, ts, 1), "pop").Floats[fWealth], []float64{prev[0] * 10, prev[1] * 10}; !slices.Equal(got, want) {
					t.Errorf("t=%d: pop = %v; want %v", ts, got, want)
				}
			}
		}},
		{"a later PSUB sees the earlier PSUB's records", func(t *testing.T, b *gds.Builder) {
			pop := b.Records("pop", citizenFields, citizenCols(citizen{Wealth: 1, Role: "a"}))
			b.PSUB("double", pop.Update(func(c *gds.Ctx, next *gds.Columns) { next.Floats[fWealth][0] *= 2 }))
			b.PSUB("inc", pop.Update(func(c *gds.Ctx, next *gds.Columns) {
				next.Floats[fWealth][0] = pop.Floats(c, fWealth)[0] + 1
				next.Ints[fAge][0]++
			}))
		}, 3, func(t *testing.T, rec *recorder) {
			w, age := 1.0, int64(0)
			for ts := 1; ts <= 3; ts++ {
				w *= 2
				if got := cols(rec.at(t, ts, 1), "pop"); got.Floats[fWealth][0] != w || got.Ints[fAge][0] != age {
					t.Errorf("row (%d,1): %+v; want wealth %v age %d", ts, got, w, age)
				}
				w++
				age++
				if got := cols(rec.at(t, ts, 2), "pop"); got.Floats[fWealth][0] != w || got.Ints[fAge][0] != age {
					t.Errorf("row (%d,2): %+v; want wealth %v age %d", ts, got, w, age)
				}
			}
		}},
		{"records are appended", func(t *testing.T, b *gds.Builder) {
			pop := b.Records("pop", citizenFields, gds.Columns{})
			n := b.Int("n", 0)
			b.PSUB("join",
				pop.Update(func(c *gds.Ctx, next *gds.Columns) {
					// one by Resize, one by appending to every column
					next.Resize(next.N + 1)
					next.Floats[fWealth][next.N-1] = float64(c.T)
					next.Strings[fRole][next.N-1] = fmt.Sprint("r", c.T)
					next.Floats[fWealth] = append(next.Floats[fWealth], -float64(c.T))
					next.Ints[fAge] = append(next.Ints[fAge], int64(c.T))
					next.Bools[fActive] = append(next.Bools[fActive], true)
					next.Strings[fRole] = append(next.Strings[fRole], "")
					next.N++
				}),
				n.Update(func(c *gds.Ctx) int64 { return int64(pop.Len(c)) }),
			)
		}, 3, func(t *testing.T, rec *recorder) {
			want := citizenCols()
			if got := cols(rec.at(t, 0, 0), "pop"); !reflect.DeepEqual(got, want) {
				t.Errorf("row 0: %+v; want %+v", got, want)
			}
			var recs []citizen
			for ts := 1; ts <= 3; ts++ {
				recs = append(recs, citizen{Wealth: float64(ts), Role: fmt.Sprint("r", ts)}, citizen{Wealth: -float64(ts), Age: int64(ts), Active: true})
				if got, want := cols(rec.at(t, ts, 1), "pop"), citizenCols(recs...); !reflect.DeepEqual(got, want) {
					t.Errorf("row (%d,1): %+v; want %+v", ts, got, want)
				}
				if got := rec.at(t, ts, 1).i("n"); got != int64(2*ts-2) {
					t.Errorf("row (%d,1): n = %d; want the count before the PSUB, %d", ts, got, 2*ts-2)
				}
			}
		}},
		{"records no update writes carry over", func(t *testing.T, b *gds.Builder) {
			pop := b.Records("pop", citizenFields, citizenCols(citizen{Wealth: 5, Role: "x"}))
			x := b.Float("x", 0)
			b.PSUB("write", pop.Update(func(c *gds.Ctx, next *gds.Columns) {
				if c.T%2 == 0 {
					next.Floats[fWealth][0]++
				} // odd timesteps: next unchanged
			}))
			b.PSUB("other", x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + 1 }))
		}, 4, func(t *testing.T, rec *recorder) {
			w := 5.0
			for ts := 1; ts <= 4; ts++ {
				if ts%2 == 0 {
					w++
				}
				for k := 1; k <= 2; k++ {
					if got, want := cols(rec.at(t, ts, k), "pop"), citizenCols(citizen{Wealth: w, Role: "x"}); !reflect.DeepEqual(got, want) {
						t.Errorf("row (%d,%d): %+v; want %+v", ts, k, got, want)
					}
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := gds.NewBuilder("records")
			tc.build(t, b)
			tc.check(t, runT(t, mustBuild(t, b), tc.T))
		})
	}
}

// TestRecordsRowAccessors: VarInfo.Fields lists the declared fields;
// Row.AgentCount and AppendAgentFloats, Ints, Bools and Strings give
// exactly the columns (after what dst held); Row.Agents is a *Columns
// whose columns are the engine's buffers, which the next PSUB's blocks
// read, not copies.
func TestRecordsRowAccessors(t *testing.T) {
	b := gds.NewBuilder("accessors")
	pop := b.Records("pop", citizenFields, citizenCols(citizen{1, 2, true, "a"}, citizen{3, 4, false, "b"}), gds.Doc("the people"))
	seen := b.Int("seen", 0)
	var shown unsafe.Pointer // the data of the wealth column of the last row recorded
	b.PSUB("grow", pop.Update(func(c *gds.Ctx, next *gds.Columns) {
		for i := range next.N {
			next.Floats[fWealth][i] += 0.5
			next.Ints[fAge][i]++
			next.Bools[fActive][i] = !next.Bools[fActive][i]
			next.Strings[fRole][i] += "+"
		}
	}))
	b.PSUB("look", seen.Update(func(c *gds.Ctx) int64 {
		if shown != nil && unsafe.Pointer(unsafe.SliceData(pop.Floats(c, fWealth))) != shown {
			t.Errorf("t=%d: the column the block reads is not the one Row.Agents showed", c.T)
		}
		return seen.Get(c) + 1
	}))
	m := mustBuild(t, b)
	v, _ := m.Var("pop")
	if v.Kind != gds.KindAgents || v.Doc != "the people" || v.Lags != 0 {
		t.Fatalf("Var(pop) = %+v", v)
	}
	var got []gds.FieldInfo
	for _, f := range v.Fields {
		got = append(got, gds.FieldInfo{Name: f.Name, Kind: f.Kind, Doc: f.Doc})
	}
	want := []gds.FieldInfo{{Name: "wealth", Kind: gds.KindFloat, Doc: "money held"}, {Name: "age", Kind: gds.KindInt}, {Name: "active", Kind: gds.KindBool}, {Name: "role", Kind: gds.KindString}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fields %+v; want %+v", got, want)
	}
	rows := 0
	rec := recFunc(func(r *gds.Row) error {
		cs, ok := r.Agents(v.Slot).(*gds.Columns)
		if !ok {
			t.Fatalf("Row.Agents = %T; want *gds.Columns", r.Agents(v.Slot))
		}
		shown = unsafe.Pointer(unsafe.SliceData(cs.Floats[fWealth]))
		rows++
		n := r.AgentCount(v.Slot)
		if n != cs.N || n != 2 {
			t.Errorf("row (%d,%d): AgentCount %d, Columns.N %d; want 2", r.Timestep, r.Substep, n, cs.N)
		}
		w := 1 + 0.5*float64(r.Timestep)
		wantCols := citizenCols(
			citizen{w, 2 + int64(r.Timestep), r.Timestep%2 == 0, "a" + strings.Repeat("+", r.Timestep)},
			citizen{w + 2, 4 + int64(r.Timestep), r.Timestep%2 == 1, "b" + strings.Repeat("+", r.Timestep)})
		if !reflect.DeepEqual(*cs, wantCols) {
			t.Errorf("row (%d,%d): Row.Agents = %+v; want %+v", r.Timestep, r.Substep, *cs, wantCols)
		}
		if got := r.AppendAgentFloats([]float64{-1}, v.Slot, fWealth); !slices.Equal(got, append([]float64{-1}, wantCols.Floats[fWealth]...)) {
			t.Errorf("AppendAgentFloats = %v", got)
		}
		if got := r.AppendAgentInts([]int64{-1}, v.Slot, fAge); !slices.Equal(got, append([]int64{-1}, wantCols.Ints[fAge]...)) {
			t.Errorf("AppendAgentInts = %v", got)
		}
		if got := r.AppendAgentBools([]bool{true}, v.Slot, fActive); !slices.Equal(got, append([]bool{true}, wantCols.Bools[fActive]...)) {
			t.Errorf("AppendAgentBools = %v", got)
		}
		if got := r.AppendAgentStrings([]string{"z"}, v.Slot, fRole); !slices.Equal(got, append([]string{"z"}, wantCols.Strings[fRole]...)) {
			t.Errorf("AppendAgentStrings = %v", got)
		}
		return nil
	})
	if err := m.NewEngine().Run(t.Context(), &gds.Job{Run: 1, Timesteps: 3}, rec); err != nil {
		t.Fatal(err)
	}
	if rows != 7 {
		t.Errorf("%d rows; want 7", rows)
	}
}

// populationModel builds the same population model with AgentsOf
// (records false) or with Records: citizens whose wealth follows a random
// walk, who age, join every 3rd timestep and leave past age 6 every 5th,
// and are taxed in a second PSUB; a third PSUB leaves them alone. Both
// draw the same random numbers in the same order.
func populationModel(t testing.TB, records bool) *gds.Model {
	b := gds.NewBuilder("population")
	total := b.Float("total", 0)
	active := b.Int("active", 0)
	x := b.Float("x", 0)
	rate := b.ParamFloat("rate", 0.9)
	init := []citizen{{Wealth: 1, Role: "founder"}, {Wealth: 2, Age: 3, Active: true, Role: "founder"}}
	var live, tax gds.Block
	var sum func(c *gds.Ctx) float64
	var count func(c *gds.Ctx) int64
	if records {
		pop := b.Records("pop", citizenFields, citizenCols(init...))
		live = pop.Update(func(c *gds.Ctx, next *gds.Columns) {
			w, age, on := next.Floats[fWealth], next.Ints[fAge], next.Bools[fActive]
			for i := range next.N {
				w[i] += c.Rand.NormFloat64()
				age[i]++
				on[i] = w[i] > 0
			}
			if c.T%5 == 0 {
				next.Keep(func(i int) bool { return age[i] <= 6 })
			}
			if c.T%3 == 0 {
				next.Resize(next.N + 1)
				next.Floats[fWealth][next.N-1] = float64(c.T)
				next.Strings[fRole][next.N-1] = fmt.Sprint("n", c.T)
			}
		})
		tax = pop.Update(func(c *gds.Ctx, next *gds.Columns) {
			for i, on := range pop.Bools(c, fActive) {
				if on {
					next.Floats[fWealth][i] *= rate.Get(c)
					next.Strings[fRole][i] = "taxed"
				}
			}
		})
		sum = func(c *gds.Ctx) float64 {
			s := 0.0
			for _, w := range pop.Floats(c, fWealth) {
				s += w
			}
			return s
		}
		count = func(c *gds.Ctx) int64 {
			n := int64(0)
			for _, on := range pop.Bools(c, fActive) {
				if on {
					n++
				}
			}
			return n
		}
	} else {
		pop := gds.AgentsOf(b, "pop", init)
		live = pop.Update(func(c *gds.Ctx, dst []citizen) []citizen {
			for _, a := range pop.Get(c) {
				a.Wealth += c.Rand.NormFloat64()
				a.Age++
				a.Active = a.Wealth > 0
				if c.T%5 != 0 || a.Age <= 6 {
					dst = append(dst, a)
				}
			}
			if c.T%3 == 0 {
				dst = append(dst, citizen{Wealth: float64(c.T), Role: fmt.Sprint("n", c.T)})
			}
			return dst
		})
		tax = pop.Update(func(c *gds.Ctx, dst []citizen) []citizen {
			for _, a := range pop.Get(c) {
				if a.Active {
					a.Wealth *= rate.Get(c)
					a.Role = "taxed"
				}
				dst = append(dst, a)
			}
			return dst
		})
		sum = func(c *gds.Ctx) float64 {
			s := 0.0
			for _, a := range pop.Get(c) {
				s += a.Wealth
			}
			return s
		}
		count = func(c *gds.Ctx) int64 {
			n := int64(0)
			for _, a := range pop.Get(c) {
				if a.Active {
					n++
				}
			}
			return n
		}
	}
	b.PSUB("live", live, total.Update(sum))
	b.PSUB("tax", tax, active.Update(count))
	b.PSUB("idle", x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + c.Rand.Float64() }))
	return mustBuild(t, b)
}

// snapshot is a recorded row as the runner reads it: ids, scalars, and
// every agent variable through AgentCount and AppendAgent*.
type snapshot struct {
	T, K    int
	Floats  []float64
	Ints    []int64
	Count   int
	Columns []any // by field: []float64, []int64, []bool or []string
}

type snapshotRec struct {
	m    *gds.Model
	rows []snapshot
}

func (s *snapshotRec) Record(r *gds.Row) error {
	sn := snapshot{T: r.Timestep, K: r.Substep, Floats: slices.Clone(r.Floats()), Ints: slices.Clone(r.Ints())}
	for _, v := range s.m.Vars() {
		if v.Kind != gds.KindAgents {
			continue
		}
		sn.Count += r.AgentCount(v.Slot)
		for f, fi := range v.Fields {
			switch fi.Kind {
			case gds.KindFloat:
				sn.Columns = append(sn.Columns, r.AppendAgentFloats([]float64{}, v.Slot, f))
			case gds.KindInt:
				sn.Columns = append(sn.Columns, r.AppendAgentInts([]int64{}, v.Slot, f))
			case gds.KindBool:
				sn.Columns = append(sn.Columns, r.AppendAgentBools([]bool{}, v.Slot, f))
			case gds.KindString:
				sn.Columns = append(sn.Columns, r.AppendAgentStrings([]string{}, v.Slot, f))
			}
		}
	}
	s.rows = append(s.rows, sn)
	return nil
}

func snapshots(t testing.TB, m *gds.Model, job *gds.Job) []snapshot {
	t.Helper()
	rec := &snapshotRec{m: m}
	if err := m.NewEngine().Run(context.Background(), job, rec); err != nil {
		t.Fatal(err)
	}
	return rec.rows
}

// TestRecordsMatchAgentsOf: the same model written with AgentsOf and with
// Records has the same fields and gives the same rows: at every row, the
// same scalars, the same number of records and the same AppendAgent*
// output for every field; on the declared initial state and on one set
// from a config's list of tables, for every schedule.
func TestRecordsMatchAgentsOf(t *testing.T) {
	goM, colM := populationModel(t, false), populationModel(t, true)
	gv, _ := goM.Var("pop")
	cv, _ := colM.Var("pop")
	for i := range max(len(gv.Fields), len(cv.Fields)) {
		if i >= len(gv.Fields) || i >= len(cv.Fields) || gv.Fields[i].Name != cv.Fields[i].Name || gv.Fields[i].Kind != cv.Fields[i].Kind {
			t.Fatalf("fields differ: AgentsOf %+v, Records %+v", gv.Fields, cv.Fields)
		}
	}
	tables := []any{
		map[string]any{"wealth": 3, "age": 5.0, "role": "elder", "active": true},
		map[string]any{"wealth": -1.5},
		map[string]any{"role": "kid"},
	}
	for _, init := range []string{"declared", "tables"} {
		for _, sch := range []gds.Schedule{{}, {DropSubsteps: true}, {Every: 3}, {FinalOnly: true}} {
			t.Run(fmt.Sprintf("%s/%+v", init, sch), func(t *testing.T) {
				jobs := [2]*gds.Job{}
				for i, m := range []*gds.Model{goM, colM} {
					jobs[i] = &gds.Job{Simulation: 1, Subset: 2, Run: 3, Timesteps: 40, Seed: [2]uint64{9, 10}, Schedule: sch}
					if init == "tables" {
						st := m.InitialState()
						if err := st.Set("pop", tables); err != nil {
							t.Fatal(err)
						}
						jobs[i].Init = st
					}
				}
				a, b := snapshots(t, goM, jobs[0]), snapshots(t, colM, jobs[1])
				if len(a) != len(b) || len(a) == 0 {
					t.Fatalf("%d rows with AgentsOf, %d with Records", len(a), len(b))
				}
				counts := map[int]bool{}
				for i := range a {
					if !reflect.DeepEqual(a[i], b[i]) {
						t.Fatalf("row %d differs:\nAgentsOf %+v\nRecords  %+v", i, a[i], b[i])
					}
					counts[a[i].Count] = true
				}
				if sch == (gds.Schedule{}) && len(counts) < 3 {
					t.Errorf("population sizes %v: the model should grow and shrink", counts)
				}
			})
		}
	}
}

// TestRecordsStateSet: State.Set takes a Columns or a config's list of
// tables keyed by field name (missing fields are zero), with the errors
// of AgentsOf's records; a job starts from the value set.
func TestRecordsStateSet(t *testing.T) {
	b := gds.NewBuilder("init")
	pop := b.Records("members", []gds.RecordField{{Name: "ddt", Kind: gds.KindFloat}, {Name: "type", Kind: gds.KindString}, {Name: "n", Kind: gds.KindInt}, {Name: "on", Kind: gds.KindBool}},
		gds.Columns{N: 1, Floats: [][]float64{{1}}, Ints: [][]int64{nil, nil, {2}}, Bools: [][]bool{nil, nil, nil, {true}}, Strings: [][]string{nil, {"a"}}})
	b.PSUB("p", pop.Update(func(*gds.Ctx, *gds.Columns) {}))
	m := mustBuild(t, b)
	mk := func(ddt []float64, typ []string, n []int64, on []bool) gds.Columns {
		return gds.Columns{N: len(ddt), Floats: [][]float64{ddt, nil, nil, nil}, Ints: [][]int64{nil, nil, n, nil}, Bools: [][]bool{nil, nil, nil, on}, Strings: [][]string{nil, typ, nil, nil}}
	}
	if got, _ := m.InitialState().Get("members"); !reflect.DeepEqual(got, mk([]float64{1}, []string{"a"}, []int64{2}, []bool{true})) {
		t.Errorf("declared initial state %+v", got)
	}
	tests := []struct {
		name string
		val  any
		want gds.Columns
		err  string
	}{
		{"list of tables", []any{map[string]any{"ddt": 1.0, "type": "degen"}, map[string]any{"ddt": 2, "n": 3.0, "on": true}},
			mk([]float64{1, 2}, []string{"degen", ""}, []int64{0, 3}, []bool{false, true}), ""},
		{"[]map", []map[string]any{{"type": "whale"}}, mk([]float64{0}, []string{"whale"}, []int64{0}, []bool{false}), ""},
		{"empty list", []any{}, mk([]float64{}, []string{}, []int64{}, []bool{}), ""},
		{"Columns", mk([]float64{4, 5}, []string{"x", "y"}, []int64{6, 7}, []bool{true, false}), mk([]float64{4, 5}, []string{"x", "y"}, []int64{6, 7}, []bool{true, false}), ""},
		{"*Columns, short lists", &gds.Columns{N: 1, Floats: [][]float64{{9}}, Ints: [][]int64{nil, nil, {1}}, Bools: [][]bool{nil, nil, nil, {false}}, Strings: [][]string{nil, {"s"}}},
			mk([]float64{9}, []string{"s"}, []int64{1}, []bool{false}), ""},
		{"unknown field", []any{map[string]any{"ddt": 1.0}, map[string]any{"tpye": "x"}}, gds.Columns{}, `initial state "members": agent 1: no field "tpye" (did you mean "type"?)`},
		{"wrong type", []any{map[string]any{"type": 3}}, gds.Columns{}, `initial state "members": agent 0, field "type": want a string, got 3 (int)`},
		{"not an integer", []any{map[string]any{"n": 1.5}}, gds.Columns{}, `agent 0, field "n": want an integer, got 1.5`},
		{"not a table", []any{map[string]any{}, "whale"}, gds.Columns{}, `agent 1: want a table, got the string "whale"`},
		{"not a list", 3, gds.Columns{}, `initial state "members": want a list of agent tables, got 3 (int)`},
		{"Columns of the wrong kind", gds.Columns{N: 1, Floats: [][]float64{{1}, {2}}}, gds.Columns{}, `field "type" is a string field, but Floats[1] holds 1 values; its column is Strings[1]`},
		{"Columns of the wrong length", mk([]float64{1, 2}, []string{"x"}, []int64{1, 2}, []bool{true, true}), gds.Columns{}, `field "type": Strings[1] has 1 values; want N = 2`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := m.InitialState()
			err := st.Set("members", tc.val)
			if tc.err != "" {
				if err == nil {
					t.Fatalf("Set succeeded; want %q", tc.err)
				}
				wantContains(t, err.Error(), tc.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := st.Get("members")
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Get = %+v; want %+v", got, tc.want)
			}
			rec := runJob(t, m, &gds.Job{Run: 1, Timesteps: 1, Init: st})
			for _, r := range rec.rows {
				if c := cols(r, "members"); !reflect.DeepEqual(c, tc.want) {
					t.Errorf("row (%d,%d): %+v; want %+v", r.T, r.K, c, tc.want)
				}
			}
		})
	}
	// Set copies a Columns: changing the caller's afterwards changes nothing.
	src := mk([]float64{1}, []string{"a"}, []int64{1}, []bool{true})
	st := m.InitialState()
	if err := st.Set("members", src); err != nil {
		t.Fatal(err)
	}
	src.Floats[0][0] = 99
	if got, _ := st.Get("members"); got.(gds.Columns).Floats[0][0] != 1 {
		t.Errorf("Set kept the caller's columns")
	}
}

// TestRecordsBuildErrors: invalid fields and initial records that do not
// fit them are Build errors naming the variable and the field; lags and
// two writers in one PSUB are refused as for any agents variable.
func TestRecordsBuildErrors(t *testing.T) {
	f := []gds.RecordField{{Name: "x", Kind: gds.KindFloat}, {Name: "tag", Kind: gds.KindString}}
	tests := []struct {
		name   string
		fields []gds.RecordField
		init   gds.Columns
		opts   []gds.VarOption
		want   []string
	}{
		{"empty name", []gds.RecordField{{Name: "", Kind: gds.KindFloat}}, gds.Columns{}, nil, []string{`state variable "pop": field 0: empty name`}},
		{"not an identifier", []gds.RecordField{{Name: "x", Kind: gds.KindFloat}, {Name: "2x", Kind: gds.KindInt}}, gds.Columns{}, nil,
			[]string{`state variable "pop": field 1: "2x" is not an identifier`}},
		{"duplicate", []gds.RecordField{{Name: "x", Kind: gds.KindFloat}, {Name: "x", Kind: gds.KindInt}}, gds.Columns{}, nil, []string{`state variable "pop": field "x" declared twice`}},
		{"vector kind", []gds.RecordField{{Name: "v", Kind: gds.KindVec}}, gds.Columns{}, nil, []string{`field "v" has kind vector; record fields are float, int, bool or string`}},
		{"no kind", []gds.RecordField{{Name: "v"}}, gds.Columns{}, nil, []string{`field "v" has kind invalid`}},
		{"wrong length", f, gds.Columns{N: 2, Floats: [][]float64{{1, 2}}, Strings: [][]string{nil, {"a"}}}, nil,
			[]string{`state variable "pop": initial records: field "tag": Strings[1] has 1 values; want N = 2`}},
		{"wrong kind", f, gds.Columns{N: 1, Floats: [][]float64{{1}}, Ints: [][]int64{nil, {1}}, Strings: [][]string{nil, {"a"}}}, nil,
			[]string{`initial records: field "tag" is a string field, but Ints[1] holds 1 values; its column is Strings[1]`}},
		{"too many entries", f, gds.Columns{Floats: [][]float64{nil, nil, nil}}, nil, []string{`initial records: Floats has 3 entries; want at most 2, one per field`}},
		{"negative N", f, gds.Columns{N: -1}, nil, []string{`initial records: a record count of -1 (Columns.N)`}},
		{"lags", f, gds.Columns{}, []gds.VarOption{gds.Lags(1)}, []string{`state variable "pop": lags are not supported for agents variables`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := gds.NewBuilder("bad_records")
			b.Records("pop", tc.fields, tc.init, tc.opts...)
			x := b.Float("x", 0)
			b.PSUB("p", x.Update(func(c *gds.Ctx) float64 { return 1 }))
			wantContains(t, buildErr(t, b).Error(), tc.want...)
		})
	}
	t.Run("two writers", func(t *testing.T) {
		b := gds.NewBuilder("two_writers")
		pop := b.Records("pop", f, gds.Columns{})
		b.PSUB("p", pop.Update(func(*gds.Ctx, *gds.Columns) {}).Named("a"), pop.Update(func(*gds.Ctx, *gds.Columns) {}).Named("b"))
		wantContains(t, buildErr(t, b).Error(), `PSUB "p": variable "pop" is written by two updates, "a" and "b"`)
	})
	t.Run("nil update", func(t *testing.T) {
		b := gds.NewBuilder("nil_update")
		pop := b.Records("pop", f, gds.Columns{})
		b.PSUB("p", pop.Update(nil))
		wantContains(t, buildErr(t, b).Error(), `PSUB "p", update "pop": nil update function`)
	})
}

// TestRecordsUpdateErrors: an update that leaves a column with a length
// other than N, a value in another kind's list, or lists of the wrong
// length, and a read of a field through the wrong kind, fail the job with
// a BlockError naming the update, the variable and the field (while
// tracing, Build reports them).
func TestRecordsUpdateErrors(t *testing.T) {
	tests := []struct {
		name string
		fn   func(c *gds.Ctx, pop gds.Records, next *gds.Columns)
		want []string
	}{
		{"one column appended", func(c *gds.Ctx, _ gds.Records, next *gds.Columns) {
			next.Floats[fWealth] = append(next.Floats[fWealth], 1)
			next.N++
		}, []string{`state variable "pop": field "age" has 1 values, but N is 2`}},
		{"N not changed", func(c *gds.Ctx, _ gds.Records, next *gds.Columns) {
			next.Floats[fWealth] = next.Floats[fWealth][:0]
		}, []string{`state variable "pop": field "wealth" has 0 values, but N is 1`}},
		{"another kind's list", func(c *gds.Ctx, _ gds.Records, next *gds.Columns) {
			next.Floats[fRole] = []float64{1}
		}, []string{`field "role" is a string field, but the update left 1 values in Floats[3]; its column is Strings[3]`}},
		{"lists replaced", func(c *gds.Ctx, _ gds.Records, next *gds.Columns) {
			next.Bools = nil
		}, []string{`the update left Floats, Ints, Bools and Strings with 4, 4, 0 and 4 entries; want 4 each`}},
		{"read through the wrong kind", func(c *gds.Ctx, pop gds.Records, next *gds.Columns) {
			_ = pop.Floats(c, fRole)
		}, []string{`state variable "pop": field 3 ("role") is a string field, not a float field`}},
		{"no such field", func(c *gds.Ctx, pop gds.Records, next *gds.Columns) {
			_ = pop.Strings(c, 7)
		}, []string{`state variable "pop" has no field 7; its fields are 0..3`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, at := range []int{1, 20} { // while tracing, and later
				b := gds.NewBuilder("bad_update")
				pop := b.Records("pop", citizenFields, citizenCols(citizen{Role: "a"}))
				b.PSUB("p", pop.Update(func(c *gds.Ctx, next *gds.Columns) {
					if c.T == at {
						tc.fn(c, pop, next)
					}
				}))
				m, err := b.Build()
				if at == 1 {
					if err == nil {
						t.Fatal("Build succeeded")
					}
					wantContains(t, err.Error(), append([]string{`PSUB "p", update "pop": panicked while tracing`}, tc.want...)...)
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				err = m.NewEngine().Run(t.Context(), &gds.Job{Run: 1, Timesteps: 25}, discardRec{})
				var be *gds.BlockError
				if !errors.As(err, &be) || be.Block != `update "pop"` || be.Timestep != 20 {
					t.Fatalf("err = %v; want a BlockError of update pop at timestep 20", err)
				}
				wantContains(t, err.Error(), tc.want...)
			}
		})
	}
}

type discardRec struct{}

func (discardRec) Record(*gds.Row) error { return nil }

// TestRecordsNoAliasing: an update may replace next's columns by any
// slice (a current column, one it keeps, another field's column); they
// are copied, so what it keeps and later changes is not the state, and
// swapped columns swap.
func TestRecordsNoAliasing(t *testing.T) {
	fields := []gds.RecordField{{Name: "a", Kind: gds.KindFloat}, {Name: "b", Kind: gds.KindFloat}, {Name: "s", Kind: gds.KindString}, {Name: "u", Kind: gds.KindString}}
	init := gds.MakeColumns(fields, 2)
	init.Floats[0], init.Floats[1], init.Strings[2], init.Strings[3] = []float64{1, 2}, []float64{3, 4}, []string{"x", "y"}, []string{"p", "q"}
	b := gds.NewBuilder("alias")
	pop := b.Records("pop", fields, init)
	other := b.Records("other", fields, gds.MakeColumns(fields, 2))
	var kept []float64
	b.PSUB("swap", pop.Update(func(c *gds.Ctx, next *gds.Columns) {
		next.Floats[0], next.Floats[1] = next.Floats[1], next.Floats[0]
		next.Strings[2], next.Strings[3] = next.Strings[3], next.Strings[2]
	}))
	b.PSUB("share", other.Update(func(c *gds.Ctx, next *gds.Columns) {
		next.Floats[0] = pop.Floats(c, 0) // the current column of another variable
		kept = append(kept[:0], float64(c.T), float64(c.T))
		next.Floats[1] = kept // a buffer the update keeps
		next.Strings[2] = next.Strings[2][1:]
		next.Strings[2] = append(next.Strings[2], "z") // a window into its own spare buffer
	}))
	b.PSUB("scribble", gds.Policy("scribble", func(c *gds.Ctx) {
		kept[0] = -1 // after the PSUB that copied it
	}))
	rec := runT(t, mustBuild(t, b), 4)
	for ts := 1; ts <= 4; ts++ {
		odd := ts%2 == 1
		wantPop := init.Clone()
		if odd {
			wantPop.Floats[0], wantPop.Floats[1] = wantPop.Floats[1], wantPop.Floats[0]
			wantPop.Strings[2], wantPop.Strings[3] = wantPop.Strings[3], wantPop.Strings[2]
		}
		for k := 1; k <= 3; k++ {
			if got := cols(rec.at(t, ts, k), "pop"); !reflect.DeepEqual(got.Floats, wantPop.Floats) || !reflect.DeepEqual(got.Strings, wantPop.Strings) {
				t.Errorf("row (%d,%d): pop %v %v; want %v %v", ts, k, got.Floats, got.Strings, wantPop.Floats, wantPop.Strings)
			}
		}
		got := cols(rec.at(t, ts, 3), "other")
		if !slices.Equal(got.Floats[0], wantPop.Floats[0]) || !slices.Equal(got.Floats[1], []float64{float64(ts), float64(ts)}) {
			t.Errorf("t=%d: other's floats %v; want %v and [%d %d]", ts, got.Floats, wantPop.Floats[0], ts, ts)
		}
	}
	// other's string column s: ["", ""] → shifted by one with "z" appended, every timestep
	if got := cols(rec.at(t, 4, 3), "other").Strings[2]; !slices.Equal(got, []string{"z", "z"}) {
		t.Errorf("other.s = %q; want [z z]", got)
	}
}

// TestRecordsNoAllocs: a fixed-size population whose fields change, read
// by other blocks and by the recorder, allocates nothing per timestep:
// a job of 300 timesteps allocates no more than one of 10 (nothing, once
// the buffers have grown).
func TestRecordsNoAllocs(t *testing.T) {
	const n = 500
	init := gds.MakeColumns(citizenFields, n)
	for i := range n {
		init.Floats[fWealth][i] = float64(i)
		init.Strings[fRole][i] = "r"
	}
	b := gds.NewBuilder("steady")
	pop := b.Records("pop", citizenFields, init)
	total := b.Float("total", 0)
	roles := [2]string{"rich", "poor"}
	b.PSUB("walk", pop.Update(func(c *gds.Ctx, next *gds.Columns) {
		w, age, on, role := next.Floats[fWealth], next.Ints[fAge], next.Bools[fActive], next.Strings[fRole]
		for i := range next.N {
			w[i] += c.Rand.NormFloat64()
			age[i]++
			on[i] = w[i] > 0
			role[i] = roles[c.T%2]
		}
	}))
	b.PSUB("sum", total.Update(func(c *gds.Ctx) float64 {
		s := 0.0
		for _, w := range pop.Floats(c, fWealth) {
			s += w
		}
		return s
	}))
	m := mustBuild(t, b)
	v, _ := m.Var("pop")
	e := m.NewEngine()
	var fb []float64
	var ib []int64
	var bb []bool
	var sb []string
	rec := recFunc(func(r *gds.Row) error {
		fb = r.AppendAgentFloats(fb[:0], v.Slot, fWealth)
		ib = r.AppendAgentInts(ib[:0], v.Slot, fAge)
		bb = r.AppendAgentBools(bb[:0], v.Slot, fActive)
		sb = r.AppendAgentStrings(sb[:0], v.Slot, fRole)
		_ = r.Agents(v.Slot).(*gds.Columns)
		return nil
	})
	allocs := func(T int) float64 {
		job := &gds.Job{Run: 1, Timesteps: T, Seed: [2]uint64{3, 4}}
		return testing.AllocsPerRun(3, func() {
			if err := e.Run(context.Background(), job, rec); err != nil {
				t.Fatal(err)
			}
		})
	}
	short, long := allocs(10), allocs(300)
	if long > short || long != 0 {
		t.Fatalf("a job on %d records allocated %v times over 300 timesteps, %v over 10; want 0", n, long, short)
	}
}

// TestRecordsDeterminism: the same job gives the same rows on a fresh
// engine and on one reused after other jobs (a longer one, one that
// failed), and a different seed gives different rows.
func TestRecordsDeterminism(t *testing.T) {
	m := populationModel(t, true)
	job := &gds.Job{Run: 1, Timesteps: 30, Seed: [2]uint64{5, 6}}
	want := runJob(t, m, job).rows
	e := m.NewEngine()
	other := &gds.Job{Run: 2, Timesteps: 60, Seed: [2]uint64{7, 8}}
	if err := e.Run(t.Context(), other, discardRec{}); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{m: m}
	if err := e.Run(t.Context(), job, rec); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rec.rows, want) {
		t.Fatalf("a reused engine gave other rows")
	}
	if got := runJob(t, m, other).rows; reflect.DeepEqual(got[len(got)-1].V["pop"], want[len(want)-1].V["pop"]) {
		t.Errorf("another seed gave the same final records")
	}
	// after a failed job too
	b := gds.NewBuilder("fails")
	pop := b.Records("pop", citizenFields, citizenCols(citizen{Wealth: 1}))
	fail := b.ParamBool("fail", false)
	b.PSUB("p", pop.Update(func(c *gds.Ctx, next *gds.Columns) {
		next.Resize(next.N + 1)
		if fail.Get(c) && c.T == 5 {
			next.N-- // leaves the columns one longer than N
		}
	}))
	fm := mustBuild(t, b)
	p := fm.Defaults()
	if err := p.Set("fail", true); err != nil {
		t.Fatal(err)
	}
	fe := fm.NewEngine()
	if err := fe.Run(t.Context(), &gds.Job{Run: 1, Timesteps: 10, Params: p}, discardRec{}); err == nil {
		t.Fatal("the failing job succeeded")
	}
	rec = &recorder{m: fm}
	if err := fe.Run(t.Context(), &gds.Job{Run: 1, Timesteps: 10}, rec); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rec.rows, runT(t, fm, 10).rows) {
		t.Errorf("an engine reused after a failed job gave other rows")
	}
}

// TestRecordsStructure: Build traces the reads and writes of Records
// handles as of any variable's.
func TestRecordsStructure(t *testing.T) {
	b := gds.NewBuilder("traced")
	pop := b.Records("pop", citizenFields, citizenCols(citizen{Active: true}))
	n := b.Int("n", 0)
	seen := b.Bool("seen", false)
	b.PSUB("p",
		pop.Update(func(c *gds.Ctx, next *gds.Columns) { next.Ints[fAge][0]++ }),
		n.Update(func(c *gds.Ctx) int64 { return int64(pop.Len(c)) + pop.Ints(c, fAge)[0] }),
		seen.Update(func(c *gds.Ctx) bool { return pop.Bools(c, fActive)[0] && pop.Strings(c, fRole)[0] == "" }),
	)
	m := mustBuild(t, b)
	got := m.Structure()[0].Blocks
	if got[0].Writes != "pop" || len(got[0].Reads) != 0 {
		t.Errorf("pop's update: %+v; want writes pop, reads nothing", got[0])
	}
	for _, bl := range got[1:] {
		if !slices.Equal(bl.Reads, []string{"pop"}) {
			t.Errorf("%s: reads %v; want [pop]", bl.Name, bl.Reads)
		}
	}
	if m.Hash() == "" {
		t.Error("no hash")
	}
}

// TestColumnsHelpers: MakeColumns, Clone, Resize and Keep.
func TestColumnsHelpers(t *testing.T) {
	c := gds.MakeColumns(citizenFields, 0)
	for f := range citizenFields {
		if (c.Floats[f] != nil) != (f == fWealth) || (c.Ints[f] != nil) != (f == fAge) || (c.Bools[f] != nil) != (f == fActive) || (c.Strings[f] != nil) != (f == fRole) {
			t.Fatalf("MakeColumns: field %d's columns %+v", f, c)
		}
	}
	c = citizenCols(citizen{1, 1, true, "a"}, citizen{2, 2, false, "b"}, citizen{3, 3, true, "c"}, citizen{4, 4, false, "d"})
	d := c.Clone()
	d.Floats[fWealth][0], d.Strings[fRole][0] = 9, "z"
	if c.Floats[fWealth][0] != 1 || c.Strings[fRole][0] != "a" {
		t.Errorf("Clone shares columns")
	}
	if e := (gds.Columns{N: 1, Floats: [][]float64{nil, {}}}).Clone(); e.Floats[0] != nil || e.Floats[1] == nil || e.Ints != nil {
		t.Errorf("Clone changed nil and empty columns: %#v", e)
	}
	c.Keep(func(i int) bool { return i%2 == 1 })
	if want := citizenCols(citizen{2, 2, false, "b"}, citizen{4, 4, false, "d"}); !reflect.DeepEqual(c, want) {
		t.Errorf("Keep: %+v; want %+v", c, want)
	}
	c.Resize(3)
	if want := citizenCols(citizen{2, 2, false, "b"}, citizen{4, 4, false, "d"}, citizen{}); !reflect.DeepEqual(c, want) {
		t.Errorf("Resize(3): %+v; want %+v", c, want)
	}
	c.Resize(1)
	c.Resize(2) // the record that comes back is zero, not the old one
	if want := citizenCols(citizen{2, 2, false, "b"}, citizen{}); !reflect.DeepEqual(c, want) {
		t.Errorf("Resize(1), Resize(2): %+v; want %+v", c, want)
	}
	c.Keep(func(int) bool { return false })
	if c.N != 0 || len(c.Floats[fWealth]) != 0 || c.Floats[fWealth] == nil {
		t.Errorf("Keep nothing: %+v", c)
	}
}
