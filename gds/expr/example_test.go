package expr_test

import (
	"context"
	"fmt"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
)

// Expressions bound to a model's handles serve as its updates.
func ExampleCompile() {
	b := gds.NewBuilder("savings")
	balance := b.Float("balance", 100)
	history := b.Vec("history", nil)
	rate := b.ParamFloat("rate", 0.05)

	env := expr.NewEnv(b)
	env.Float("balance", balance.Get)
	env.Float("rate", rate.Get)
	env.Vec("history", history.Get)

	grow, err := expr.Compile("round(balance * (1 + rate) * 100) / 100 + ifelse(t % 2 == 0, 10, 0)", env)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(grow.Kind, grow.Names)
	b.PSUB("year",
		balance.Update(grow.Float),
		history.Update(func(c *gds.Ctx, dst []float64) []float64 {
			return append(append(dst, history.Get(c)...), balance.Get(c))
		}),
	)
	m, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	rec := printBalance{}
	_ = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 3}, rec)

	_, err = expr.Compile("balance * (1 + rat)", env)
	fmt.Println(err)
	// Output:
	// float [balance rate]
	// t=0 balance=100
	// t=1 balance=105
	// t=2 balance=120.25
	// t=3 balance=126.26
	// col 16: unknown name "rat" (did you mean "rate"?)
}

type printBalance struct{}

func (printBalance) Record(r *gds.Row) error {
	fmt.Printf("t=%d balance=%v\n", r.Timestep, r.Floats()[0])
	return nil
}

// A policy compiled from an expression emits through EmitFloat and
// reports the names it reads with Traces, so that the model's structure
// lists them.
func ExampleExpr_EmitFloat() {
	b := gds.NewBuilder("growth")
	pop := b.Float("pop", 100)
	rate := b.ParamFloat("rate", 0.02)
	dt := b.ParamFloat("dt", 0.25)
	growth := b.FloatSignal("growth", gds.Sum)
	env := expr.NewEnv(b)
	env.FloatVar("pop", pop)
	env.FloatParam("rate", rate)
	env.FloatParam("dt", dt)
	x, err := expr.Compile("pop * rate * sqrt(dt)", env) // sqrt(dt): once per job
	if err != nil {
		fmt.Println(err)
		return
	}
	b.PSUB("grow",
		gds.Policy("grow", x.EmitFloat(growth)).Traces(x.Trace),
		pop.Update(func(c *gds.Ctx) float64 { return pop.Get(c) + growth.Get(c) }),
	)
	m, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	bl := m.Structure()[0].Blocks[0]
	fmt.Println(bl.Name, "reads", bl.Reads, "params", bl.Params, "emits", bl.SignalsOut)
	// Output:
	// grow reads [pop] params [dt rate] emits [growth]
}

// A per-agent expression of a population, compiled in an Env that
// declares the agents' fields with their columns, evaluates for all the
// agents at once with FloatColumn: the values Float gives agent by agent.
// Envs sharing a ColumnCache compute a shared part (here type == "casual")
// once per PSUB.
func ExampleExpr_FloatColumn() {
	typ := []string{"casual", "power", "casual"}
	ddt := []float64{10, 100, 4}
	b := gds.NewBuilder("members")
	out := b.Float("out", 0)
	spend := b.ParamFloat("spend", 5)
	cache := expr.NewColumnCache(b)
	env := func() *expr.Env {
		e := expr.NewEnv(b)
		e.FloatParam("spend", spend)
		e.AgentIndex("agent")
		e.StringField("type", func(c *gds.Ctx) string { return typ[c.Agent] }, func(*gds.Ctx) []string { return typ })
		e.FloatField("ddt", func(c *gds.Ctx) float64 { return ddt[c.Agent] }, func(*gds.Ctx) []float64 { return ddt })
		e.CacheColumns(cache)
		return e
	}
	paid, err := expr.Compile(`ifelse(type == "casual", min(spend, ddt), 0.0)`, env())
	if err != nil {
		fmt.Println(err)
		return
	}
	kept, err := expr.Compile(`ifelse(type == "casual", ddt - min(spend, ddt), ddt)`, env())
	if err != nil {
		fmt.Println(err)
		return
	}
	b.PSUB("spend", out.Update(func(c *gds.Ctx) float64 {
		if c.Tracing() {
			return 0
		}
		p, _ := paid.FloatColumn(c, len(ddt))
		fmt.Println("paid", p)
		k, _ := kept.FloatColumn(c, len(ddt))
		fmt.Println("kept", k)
		c.Agent = 1
		fmt.Println("agent 1 keeps", kept.Float(c))
		return 0
	}))
	m, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 1}, discard{}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// paid [5 0 4]
	// kept [5 100 0]
	// agent 1 keeps 100
}
