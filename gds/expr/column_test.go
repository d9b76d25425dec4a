package expr_test

import (
	"context"
	"math"
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
		{src: "k > 1 || !on"},
		{src: "float(k) * p - t"},
		{src: "ifelse(len(short) > agent, short[agent], -1.0)"},
		{src: "on && len(short) > agent && short[agent] > 15"},
		{src: "x - sum(over(pop, x))"},
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
