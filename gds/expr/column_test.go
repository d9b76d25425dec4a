package expr_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
)

// TestOverColumns: over(pop, x) evaluated a column at a time (fields
// declared with their columns) gives the bits of the agent-by-agent
// evaluation (the same fields declared without), fails where it fails,
// and evaluates a column at a time unless an agent would fail.
func TestOverColumns(t *testing.T) {
	x := []float64{3, -1, math.NaN(), 1.5, math.Copysign(0, -1), math.Inf(1), 2}
	k := []int64{1, 5, -3, 0, 7, 2, 2}
	s := []string{"a", "b", "a", "c", "b", "a", "a"}
	on := []bool{true, false, true, true, false, false, true}
	short := []float64{10, 20, 30} // shorter than the population
	n := len(x)
	tests := []struct {
		src      string
		fallback bool // an agent fails or a shared value does: agent by agent
		err      string
	}{
		{src: "x * 2 + 1"},
		{src: "(x - float(k)) / (float(k) + x) * x"},
		{src: "p - x"},
		{src: "-x / (x - 2)"},
		{src: "ifelse(s == \"a\", x, float(k))"},
		{src: "ifelse(s != \"b\" && on, k, 0)"},
		{src: "min(x, float(k), 0.5)"},
		{src: "max(x, p)"},
		{src: "min(p, x) + max(0.5, x)"},
		{src: "max(min(x, nan), nan)"},
		{src: "k > 1 || !on"},
		{src: "float(k) * p - t"},
		{src: "ifelse(len(short) > agent, short[agent], -1.0)"},
		{src: "on && len(short) > agent && short[agent] > 15"},
		{src: "x - sum(over(pop, x))"},
		{src: "x + sum(over(pop, s == \"a\" && on))"},
		{src: "x + sum(over(pop, short[agent] > 15))", fallback: true, err: "index 3 out of range"},
		{src: "x + sum(w)"},
		{src: "ifelse(k == 2, w[agent], 0.0) + float(agent)"},
		{src: "short[agent]", fallback: true, err: "index 3 out of range"},
		{src: "ifelse(on, short[agent], 0.0)", fallback: true, err: "index 3 out of range"},
		{src: "ifelse(agent > 100, short[5], x)", fallback: true},
		{src: "x * normal(0, 1)"}, // draws per agent: never a column
		{src: "k + 1"},            // int arithmetic is checked: per agent
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			run := func(columns bool) ([]float64, int64, error) {
				b := gds.NewBuilder("pop")
				out := b.Float("out", 0)
				p := b.ParamFloat("p", 0.25, "")
				agent := expr.NewEnv(b)
				agent.FloatParam("p", p)
				agent.Vec("short", func(*gds.Ctx) []float64 { return short })
				agent.Vec("w", func(*gds.Ctx) []float64 { return []float64{1, 2, 3, 4, 5, 6, 7} })
				agent.Shared()
				agent.AgentIndex("agent")
				if columns {
					agent.FloatField("x", func(c *gds.Ctx) float64 { return x[c.Agent] }, func(*gds.Ctx) []float64 { return x })
					agent.IntField("k", func(c *gds.Ctx) int64 { return k[c.Agent] }, func(*gds.Ctx) []int64 { return k })
					agent.StringField("s", func(c *gds.Ctx) string { return s[c.Agent] }, func(*gds.Ctx) []string { return s })
					agent.BoolField("on", func(c *gds.Ctx) bool { return on[c.Agent] }, func(*gds.Ctx) []bool { return on })
				} else {
					agent.Float("x", func(c *gds.Ctx) float64 { return x[c.Agent] })
					agent.Int("k", func(c *gds.Ctx) int64 { return k[c.Agent] })
					agent.String("s", func(c *gds.Ctx) string { return s[c.Agent] })
					agent.Bool("on", func(c *gds.Ctx) bool { return on[c.Agent] })
				}
				size := func(*gds.Ctx) int { return n }
				env := expr.NewEnv(b)
				env.Population("pop", size, agent, nil, nil)
				agent.Population("pop", size, agent, nil, nil)
				e, err := expr.Compile("over(pop, "+tt.src+")", env)
				if err != nil {
					t.Fatal(err)
				}
				var got []float64
				b.PSUB("p", out.Update(func(c *gds.Ctx) float64 {
					got = append(got[:0], e.Vec(c)...)
					return 0
				}))
				before := expr.ColumnFallbacks()
				m, err := b.Build() // runs the update once, tracing it
				if err != nil {
					return nil, expr.ColumnFallbacks() - before, err
				}
				err = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 2, Seed: [2]uint64{1, 2}}, discard{})
				return got, expr.ColumnFallbacks() - before, err
			}
			want, _, werr := run(false)
			got, fallbacks, gerr := run(true)
			if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
				t.Fatalf("errors: columns %v, agent by agent %v", gerr, werr)
			}
			if tt.err != "" && (gerr == nil || !strings.Contains(gerr.Error(), tt.err)) {
				t.Fatalf("error %v, want one saying %q", gerr, tt.err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d values, want %d", len(got), len(want))
			}
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Errorf("agent %d: %v, agent by agent %v", i, got[i], want[i])
				}
			}
			if tt.fallback != (fallbacks > 0) {
				t.Errorf("%d fallbacks to agent by agent; want them: %v", fallbacks, tt.fallback)
			}
		})
	}
}

// TestExprColumns: an expression of a per-agent Env evaluated a column at
// a time (Expr.FloatColumn, IntColumn, BoolColumn) gives, for every
// agent, the bits of its per-agent evaluation, in every timestep (the
// fields change from one to the next); it has no column where an agent
// would fail or where it draws; and the subexpressions that read only
// fields, the agent index, parameters and t are computed once per PSUB
// for all the expressions of one ColumnCache, never those that read a
// signal.
func TestExprColumns(t *testing.T) {
	const n = 7
	x0 := []float64{3, -1, math.NaN(), 1.5, math.Copysign(0, -1), math.Inf(1), 2}
	k0 := []int64{1, 5, -3, 0, 7, 2, 2}
	s0 := []string{"a", "b", "a", "c", "b", "a", "a"}
	short := []float64{10, 20, 30}
	tests := []struct {
		src    string
		column bool // has a column evaluation (where no agent fails)
	}{
		{"x * 2 + 1", true},
		{"ifelse(s == \"a\", x, float(k))", true},
		{"ifelse(s == \"a\" && k > 1, 1.0, x)", true},
		{"ifelse(s != \"b\", k, 0)", true},
		{"k", true},
		{"agent", true},
		{"s == \"a\" || x > p", true},
		{"min(x, p) - max(float(k), sig)", true},
		{"ifelse(len(short) > agent, short[agent], 0.0)", true},
		{"p * 2", true}, // agent-independent: the same value for every agent
		{"short[agent]", false},
		{"x * normal(0, 1)", false},
		{"k * 2", false}, // int arithmetic
	}
	for _, shared := range []bool{false, true} {
		b := gds.NewBuilder("pop")
		out := b.Float("out", 0)
		p := b.ParamFloat("p", 0.25, "")
		sig := b.FloatSignal("sig", gds.Sum)
		cc := expr.NewColumnCache(b)
		// the fields at timestep T: shifted by T
		at := func(c *gds.Ctx, i int) int { return (i + c.T) % n }
		xs, ks, ss := make([]float64, n), make([]int64, n), make([]string, n)
		reads := 0 // calls of s's column
		env := func() *expr.Env {
			e := expr.NewEnv(b)
			e.FloatParam("p", p)
			e.FloatSignal("sig", sig)
			e.Vec("short", func(*gds.Ctx) []float64 { return short })
			e.Shared()
			e.AgentIndex("agent")
			e.FloatField("x", func(c *gds.Ctx) float64 { return x0[at(c, c.Agent)] },
				func(c *gds.Ctx) []float64 {
					for i := range xs {
						xs[i] = x0[at(c, i)]
					}
					return xs
				})
			e.IntField("k", func(c *gds.Ctx) int64 { return k0[at(c, c.Agent)] },
				func(c *gds.Ctx) []int64 {
					for i := range ks {
						ks[i] = k0[at(c, i)]
					}
					return ks
				})
			e.StringField("s", func(c *gds.Ctx) string { return s0[at(c, c.Agent)] },
				func(c *gds.Ctx) []string {
					reads++
					for i := range ss {
						ss[i] = s0[at(c, i)]
					}
					return ss
				})
			if shared {
				e.CacheColumns(cc)
			}
			return e
		}
		xs2 := make([]*expr.Expr, len(tests))
		for i, tt := range tests {
			x, err := expr.Compile(tt.src, env()) // an Env each, as model files compile them
			if err != nil {
				t.Fatalf("%s: %v", tt.src, err)
			}
			xs2[i] = x
		}
		var bad []string
		check := func(c *gds.Ctx) {
			for i, tt := range tests {
				x := xs2[i]
				col, ok, msg := columnOf(x, c, n)
				if msg != "" {
					bad = append(bad, tt.src+": "+msg)
				}
				if ok != tt.column {
					bad = append(bad, fmt.Sprintf("%s: column evaluation %v, want %v", tt.src, ok, tt.column))
				}
				if !ok {
					continue
				}
				for agent := range n {
					c.Agent = agent
					if got, want := col(agent), agentValue(x, c); !same(got, want) {
						bad = append(bad, fmt.Sprintf("%s at timestep %d, agent %d: column %v, agent by agent %v", tt.src, c.T, agent, got, want))
					}
				}
			}
		}
		b.PSUB("p",
			// before sig is emitted in this PSUB, an expression that reads
			// it has another column than after: a cache must not keep it
			gds.Policy("early", func(c *gds.Ctx) {
				if !c.Tracing() {
					xs2[7].FloatColumn(c, n) // min(x, p) - max(float(k), sig)
				}
			}),
			gds.Policy("emit", func(c *gds.Ctx) { sig.Emit(c, float64(c.T)) }),
			out.Update(func(c *gds.Ctx) float64 {
				if c.Tracing() {
					return 0
				}
				before := reads
				check(c)
				// s == "a" in three expressions, s != "b" in one (whose
				// IntColumn and FloatColumn both read it): five reads, or
				// two columns each read once in a PSUB with a cache
				if want := map[bool]int{false: 5, true: 2}[shared]; reads-before != want {
					bad = append(bad, fmt.Sprintf("s's column read %d times in a PSUB, want %d", reads-before, want))
				}
				return 0
			}))
		m, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 3, Seed: [2]uint64{1, 2}}, discard{}); err != nil {
			t.Fatal(err)
		}
		for _, msg := range bad {
			t.Errorf("cache %v: %s", shared, msg)
		}
		if shared {
			// x * 2 + 1's x * 2 and itself, the comparisons, the ifelses, ...;
			// none of min(x, p) - max(float(k), sig)'s that read sig
			if got := expr.CachedColumns(cc); got < 10 {
				t.Errorf("%d columns cached, want the pass-invariant ones", got)
			}
		}
	}
}

// TestColumnCacheAcrossPSUBs: a cached column that reads only fields
// whose writes are declared (Env.FieldWrites), parameters and the agent
// index is computed again only after a PSUB writes one of its fields, the
// population's size changes or a new job begins; one that reads t (or a
// state variable) in every PSUB. Its values are always the per-agent
// evaluation's.
func TestColumnCacheAcrossPSUBs(t *testing.T) {
	b := gds.NewBuilder("pop")
	out := b.Float("out", 0)
	p := b.ParamFloat("p", 2, "")
	cc := expr.NewColumnCache(b)
	var s []string
	var x []float64
	var lastWrite uint64 // the pass of the PSUB that last wrote s or x
	sReads := 0
	env := func() *expr.Env {
		e := expr.NewEnv(b)
		e.FloatParam("p", p)
		e.AgentIndex("agent")
		e.StringField("s", func(c *gds.Ctx) string { return s[c.Agent] }, func(*gds.Ctx) []string { sReads++; return s })
		e.FloatField("x", func(c *gds.Ctx) float64 { return x[c.Agent] }, func(*gds.Ctx) []float64 { return x })
		e.FieldWrites("s", func(*gds.Ctx) uint64 { return lastWrite })
		e.FieldWrites("x", func(*gds.Ctx) uint64 { return lastWrite })
		e.CacheColumns(cc)
		return e
	}
	srcs := []string{
		`ifelse(s == "a", x * p, float(agent))`, // lives until s or x is written
		`ifelse(s == "a" && t > 2, 1.0, 0.0)`,   // reads t: for its PSUB only
	}
	xs := make([]*expr.Expr, len(srcs))
	for i, src := range srcs {
		var err error
		if xs[i], err = expr.Compile(src, env()); err != nil {
			t.Fatal(err)
		}
	}
	var bad []string
	read := func(c *gds.Ctx) {
		for i, x := range xs {
			v, ok := x.FloatColumn(c, len(s))
			if !ok {
				bad = append(bad, srcs[i]+": no column")
				continue
			}
			for agent := range s {
				c.Agent = agent
				if want := x.Float(c); !same(v[agent], want) {
					bad = append(bad, fmt.Sprintf("job %d, timestep %d, PSUB %d: %s for agent %d: column %v, agent by agent %v",
						c.Job(), c.T, c.Substep, srcs[i], agent, v[agent], want))
				}
			}
		}
	}
	reader := func(name string) gds.Block {
		return out.Update(func(c *gds.Ctx) float64 {
			if !c.Tracing() {
				read(c)
			}
			return 0
		}).Named(name)
	}
	// PSUB 1 writes the fields on even timesteps, and grows the
	// population at timestep 5; PSUBs 2 and 3 read
	writer := out.Update(func(c *gds.Ctx) float64 {
		if c.Tracing() {
			return 0
		}
		if c.T%2 == 0 {
			s[0], x[1] = map[string]string{"a": "b", "b": "a"}[s[0]], x[1]+1
			lastWrite = c.Pass()
		}
		if c.T == 5 { // no write declared: the new size alone is a new column
			s, x = append(s, "a"), append(x, 7)
		}
		return 0
	})
	b.PSUB("write", writer)
	b.PSUB("read", reader("read"))
	b.PSUB("read_again", reader("read_again"))
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	e := m.NewEngine()
	// the second job begins with as many agents as the first ended with,
	// and other values, which nothing writes at first
	starts := [][]string{{"a", "b", "a"}, {"a", "b", "a", "b"}}
	for job, start := range starts {
		s, x = slices.Clone(start), []float64{1, 2, 3, 4}[:len(start)]
		sReads = 0
		if err := e.Run(context.Background(), &gds.Job{Run: job + 1, Timesteps: 6}, discard{}); err != nil {
			t.Fatal(err)
		}
		// s == "a": computed in PSUB 2 of timesteps 1 (the job's first),
		// 2, 4, 5 and 6 (after the writes), and again in every PSUB for
		// the expression that reads t (which shares s == "a")
		if want := 5; sReads != want {
			t.Errorf("job %d: s's column read %d times, want %d", job+1, sReads, want)
		}
	}
	for _, msg := range bad {
		t.Error(msg)
	}
}

// FuzzColumns: any expression that compiles in a per-agent Env either
// has no column for these agents (FloatColumn and the like report false)
// or has the per-agent evaluation's values, bit for bit, for every
// agent; and when its column exists no agent's evaluation fails. Two
// Envs share a ColumnCache, so the fuzzed expression also reads columns
// entered by another.
func FuzzColumns(f *testing.F) {
	for _, s := range []string{
		"x * 2 + 1", "ifelse(s == \"a\", x, float(k))", "min(p, x) + max(0.5, x)", "k > 1 || !on",
		"ifelse(len(short) > agent, short[agent], -1.0)", "x - sum(over(pop, x))", "float(agent) / x",
		"ifelse(on && s != \"b\", k, 0)", "-x / (x - 2)", "x + sum(over(pop, s == \"a\" && on))",
		"max(min(x, nan), nan)", "ifelse(k == 2, w[agent], 0.0)", "s == \"\"", "p * 2", "k", "on == (x > 0)",
	} {
		f.Add(s)
	}
	x := []float64{3, -1, math.NaN(), 1.5, math.Copysign(0, -1), math.Inf(1), 2}
	k := []int64{1, 5, -3, 0, 7, 2, 2}
	s := []string{"a", "b", "a", "", "b", "a", "a"}
	on := []bool{true, false, true, true, false, false, true}
	short, w := []float64{10, 20, 30}, []float64{1, 2, 3, 4, 5, 6, 7}
	n := len(x)
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 200 {
			return
		}
		b := gds.NewBuilder("pop")
		out := b.Float("out", 0)
		p := b.ParamFloat("p", 0.25, "")
		cc := expr.NewColumnCache(b)
		env := func() *expr.Env {
			e := expr.NewEnv(b)
			e.FloatParam("p", p)
			e.Vec("short", func(*gds.Ctx) []float64 { return short })
			e.Vec("w", func(*gds.Ctx) []float64 { return w })
			e.Shared()
			e.AgentIndex("agent")
			e.FloatField("x", func(c *gds.Ctx) float64 { return x[c.Agent] }, func(*gds.Ctx) []float64 { return x })
			e.IntField("k", func(c *gds.Ctx) int64 { return k[c.Agent] }, func(*gds.Ctx) []int64 { return k })
			e.StringField("s", func(c *gds.Ctx) string { return s[c.Agent] }, func(*gds.Ctx) []string { return s })
			e.BoolField("on", func(c *gds.Ctx) bool { return on[c.Agent] }, func(*gds.Ctx) []bool { return on })
			for _, f := range []string{"x", "k", "s", "on"} {
				e.FieldWrites(f, func(*gds.Ctx) uint64 { return 0 }) // never written
			}
			e.Population("pop", func(*gds.Ctx) int { return n }, e, nil, nil)
			e.CacheColumns(cc)
			return e
		}
		other, err := expr.Compile(`ifelse(s == "a" && on, x * p, float(k))`, env())
		if err != nil {
			t.Fatal(err)
		}
		xe, err := expr.Compile(src, env())
		if err != nil {
			return
		}
		var bad []string
		check := func(c *gds.Ctx) {
			other.FloatColumn(c, n)
			col, ok, msg := columnOf(xe, c, n)
			if msg != "" {
				bad = append(bad, msg)
			}
			if !ok {
				return
			}
			for agent := range n {
				c.Agent = agent
				var want any
				func() {
					defer func() {
						if r := recover(); r != nil {
							bad = append(bad, fmt.Sprintf("agent %d fails (%v), yet the column exists", agent, r))
						}
					}()
					want = agentValue(xe, c)
				}()
				if got := col(agent); want != nil && !same(got, want) {
					bad = append(bad, fmt.Sprintf("agent %d: column %v, agent by agent %v", agent, got, want))
				}
			}
		}
		b.PSUB("p", out.Update(func(c *gds.Ctx) float64 {
			if !c.Tracing() {
				check(c)
			}
			return 0
		}))
		m, err := b.Build()
		if err != nil {
			return // the expression fails on the defaults while tracing: nothing to compare
		}
		// the run evaluates the expression only where its column exists,
		// and so never fails
		if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 2, Seed: [2]uint64{1, 2}}, discard{}); err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		for _, msg := range bad {
			t.Errorf("%q: %s", src, msg)
		}
	})
}

// columnOf evaluates x's column for n agents (FloatColumn, IntColumn or
// BoolColumn, by its kind): agent a's value, and whether there is a
// column. An Int expression's FloatColumn must exist with its IntColumn
// and hold the same values; msg says where it does not.
func columnOf(x *expr.Expr, c *gds.Ctx, n int) (col func(agent int) any, ok bool, msg string) {
	switch x.Kind {
	case gds.KindFloat:
		v, ok := x.FloatColumn(c, n)
		return func(a int) any { return v[a] }, ok, ""
	case gds.KindInt:
		v, ok := x.IntColumn(c, n)
		f, okf := x.FloatColumn(c, n)
		if ok != okf {
			return nil, false, fmt.Sprintf("IntColumn %v, FloatColumn %v", ok, okf)
		}
		for a := range v {
			if float64(v[a]) != f[a] {
				return nil, false, "FloatColumn of an int expression differs"
			}
		}
		return func(a int) any { return v[a] }, ok, ""
	case gds.KindBool:
		v, ok := x.BoolColumn(c, n)
		return func(a int) any { return v[a] }, ok, ""
	}
	return nil, false, ""
}

// agentValue is x evaluated for the agent c.Agent.
func agentValue(x *expr.Expr, c *gds.Ctx) any {
	switch x.Kind {
	case gds.KindFloat:
		return x.Float(c)
	case gds.KindInt:
		return x.Int(c)
	case gds.KindBool:
		return x.Bool(c)
	}
	return nil
}
