package gds_test

import (
	"context"
	"fmt"
	"strings"

	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"

	"github.com/statecraft/statecraft/gds"
)

// printRows is a Recorder that prints every row.
type printRows struct{ m *gds.Model }

func (p printRows) Record(r *gds.Row) error {
	fmt.Printf("t=%d k=%d", r.Timestep, r.Substep)
	for _, v := range p.m.Vars() {
		switch v.Kind {
		case gds.KindFloat:
			fmt.Printf(" %s=%.4g", v.Name, r.Floats()[v.Slot])
		case gds.KindInt:
			fmt.Printf(" %s=%d", v.Name, r.Ints()[v.Slot])
		case gds.KindString:
			fmt.Printf(" %s=%s", v.Name, r.Strings()[v.Slot])
		case gds.KindVec:
			fmt.Printf(" %s=%v", v.Name, r.Vec(v.Slot))
		}
	}
	fmt.Println()
	return nil
}

// A two-PSUB model: the first grows a population from two policies whose
// signals are summed, the second reads the grown value.
func ExampleBuilder() {
	b := gds.NewBuilder("growth")
	pop := b.Float("pop", 100)
	seen := b.Float("seen", 0)
	rate := b.ParamFloat("rate", 0.1, "growth per timestep")
	births := b.FloatSignal("births", gds.Sum)

	b.PSUB("grow",
		gds.Policy("natural", func(c *gds.Ctx) { births.Emit(c, rate.Get(c)*pop.Get(c)) }),
		gds.Policy("immigration", func(c *gds.Ctx) { births.Emit(c, 5) }),
		pop.Update(func(c *gds.Ctx) float64 { return pop.Get(c) + births.Get(c) }),
	)
	b.PSUB("observe",
		seen.Update(func(c *gds.Ctx) float64 { return pop.Get(c) }),
	)
	m, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}

	p := m.Defaults()
	_ = p.Set("rate", 0.5) // as a sweep would
	job := &gds.Job{Run: 1, Timesteps: 2, Params: p}
	if err := m.NewEngine().Run(context.Background(), job, printRows{m}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// t=0 k=0 pop=100 seen=0
	// t=1 k=1 pop=155 seen=0
	// t=1 k=2 pop=155 seen=155
	// t=2 k=1 pop=237.5 seen=155
	// t=2 k=2 pop=237.5 seen=237.5
}

// A custom reducer keeps the highest bid; ties keep the earlier policy's.
func ExampleSignalOf() {
	type bid struct {
		Who    string
		Amount float64
	}
	b := gds.NewBuilder("auction")
	winner := b.String("winner", "")
	best := gds.SignalOf(b, "best", func(acc, v bid) bid {
		if v.Amount > acc.Amount {
			return v
		}
		return acc
	})
	b.PSUB("auction",
		gds.Policy("ann", func(c *gds.Ctx) { best.Emit(c, bid{"ann", float64(c.T)}) }),
		gds.Policy("bob", func(c *gds.Ctx) { best.Emit(c, bid{"bob", 2}) }),
		winner.Update(func(c *gds.Ctx) string { return best.Get(c).Who }),
	)
	m, _ := b.Build()
	_ = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 3}, printRows{m})
	// Output:
	// t=0 k=0 winner=
	// t=1 k=1 winner=bob
	// t=2 k=1 winner=ann
	// t=3 k=1 winner=ann
}

// Agents are a slice of a struct. An update copies the records into the
// spare buffer dst and changes them; Row reads one field of every record.
func ExampleAgentsOf() {
	type holder struct {
		Name    string
		Balance float64
		Trades  int `gds:"n_trades"`
	}
	b := gds.NewBuilder("holders")
	hs := gds.AgentsOf(b, "holders", []holder{{"ann", 10, 0}, {"bob", 5, 0}})
	b.PSUB("trade", hs.Update(func(c *gds.Ctx, dst []holder) []holder {
		dst = append(dst, hs.Get(c)...)
		dst[0].Balance -= 1 // ann pays bob
		dst[1].Balance += 1
		dst[0].Trades++
		return dst
	}))
	m, _ := b.Build()
	v, _ := m.Var("holders")
	for _, f := range v.Fields {
		fmt.Printf("%s:%s;", f.Name, f.Kind)
	}
	fmt.Println()
	var bal []float64
	var trades []int64
	rec := recFunc(func(r *gds.Row) error {
		bal = r.AppendAgentFloats(bal[:0], v.Slot, 1)
		trades = r.AppendAgentInts(trades[:0], v.Slot, 2)
		fmt.Println(r.Timestep, bal, trades)
		return nil
	})
	_ = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 2}, rec)
	// Output:
	// name:string;balance:float;n_trades:int;
	// 0 [10 5] [0 0]
	// 1 [9 6] [1 0]
	// 2 [8 7] [2 0]
}

// Records declares agent records whose fields are data, as a model file
// does, and stores them by column: a block reads a field of every agent
// as one slice (here to average it), and an update changes a copy of the
// columns and may add records.
func ExampleBuilder_Records() {
	fields := []gds.RecordField{
		{Name: "ddt", Kind: gds.KindFloat, Doc: "tokens held"},
		{Name: "type", Kind: gds.KindString},
	}
	const ddt, typ = 0, 1 // the fields' indices
	init := gds.MakeColumns(fields, 2)
	copy(init.Floats[ddt], []float64{1, 3})
	copy(init.Strings[typ], []string{"degen", "whale"})

	b := gds.NewBuilder("holders")
	members := b.Records("members", fields, init)
	mean := b.Float("mean_ddt", 0)
	b.PSUB("grow",
		members.Update(func(c *gds.Ctx, next *gds.Columns) {
			for i := range next.N {
				next.Floats[ddt][i] *= 2
			}
			next.Resize(next.N + 1) // a newcomer, with zero values
			next.Strings[typ][next.N-1] = "new"
		}),
		mean.Update(func(c *gds.Ctx) float64 { // reads the records before the PSUB
			s := 0.0
			for _, x := range members.Floats(c, ddt) {
				s += x
			}
			return s / float64(members.Len(c))
		}),
	)
	m, _ := b.Build()
	v, _ := m.Var("members")
	for _, f := range v.Fields {
		fmt.Printf("%s:%s;", f.Name, f.Kind)
	}
	fmt.Println()
	rec := recFunc(func(r *gds.Row) error {
		cols := r.Agents(v.Slot).(*gds.Columns) // the columns themselves, valid during Record
		fmt.Println(r.Timestep, cols.Floats[ddt], cols.Strings[typ], r.Floats()[0])
		return nil
	})
	_ = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 2}, rec)
	// Output:
	// ddt:float;type:string;
	// 0 [1 3] [degen whale] 0
	// 1 [2 6 0] [degen whale new] 2
	// 2 [4 12 0 0] [degen whale new new] 2.6666666666666665
}

// Lag(c, j) reads the value at the end of timestep t-j (the initial value
// while t-j <= 0), in any PSUB, up to the depth declared with Lags.
func ExampleFloat_Lag() {
	b := gds.NewBuilder("lagged")
	x := b.Float("x", 0, gds.Lags(2))
	prev2 := b.Float("prev2", -1)
	b.PSUB("step", x.Update(func(c *gds.Ctx) float64 { return 10 * float64(c.T) }))
	b.PSUB("look", prev2.Update(func(c *gds.Ctx) float64 { return x.Lag(c, 2) }))
	m, _ := b.Build()
	_ = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 4, Schedule: gds.Schedule{DropSubsteps: true}}, printRows{m})
	// Output:
	// t=0 k=0 x=0 prev2=-1
	// t=1 k=2 x=10 prev2=0
	// t=2 k=2 x=20 prev2=0
	// t=3 k=2 x=30 prev2=10
	// t=4 k=2 x=40 prev2=20
}

// A Gaussian random walk drawn with Ctx.NormFloat64 and with
// c.Rand.NormFloat64: the same numbers, so the same walk; the first is
// faster.
func ExampleCtx_NormFloat64() {
	walk := func(draw func(c *gds.Ctx) float64) *gds.Model {
		b := gds.NewBuilder("walk")
		x := b.Float("x", 0)
		b.PSUB("step", x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + draw(c) }))
		m, _ := b.Build()
		return m
	}
	fast := walk(func(c *gds.Ctx) float64 { return c.NormFloat64() })
	std := walk(func(c *gds.Ctx) float64 { return c.Rand.NormFloat64() })
	job := &gds.Job{Run: 1, Timesteps: 1000, Seed: [2]uint64{1, 2}, Schedule: gds.Schedule{FinalOnly: true}}
	for _, m := range []*gds.Model{fast, std} {
		_ = m.NewEngine().Run(context.Background(), job, printRows{m})
	}
	// Output:
	// t=1000 k=1 x=20.85
	// t=1000 k=1 x=20.85
}

// A model that produces NaN or ±Inf fails at the substep where it happens
// (NaNFail, the default), or flags it and goes on (NaNFlag).
func ExampleNaNError() {
	b := gds.NewBuilder("ratio")
	supply := b.Float("supply", 2)
	price := b.Float("price", 1)
	b.PSUB("burn", supply.Update(func(c *gds.Ctx) float64 { return supply.Get(c) - 1 }))
	b.PSUB("quote", price.Update(func(c *gds.Ctx) float64 { return 100 / supply.Get(c) }))
	m, _ := b.Build()
	e := m.NewEngine()
	discard := recFunc(func(*gds.Row) error { return nil })

	err := e.Run(context.Background(), &gds.Job{Run: 1, Timesteps: 5}, discard)
	fmt.Println(err)

	_ = e.Run(context.Background(), &gds.Job{Run: 1, Timesteps: 5, OnNaN: gds.NaNFlag}, discard)
	for _, a := range e.Anomalies() {
		fmt.Printf("%s = %v at t=%d in %s\n", a.Var, a.Value, a.Timestep, a.PSUB)
	}
	// Output:
	// job (simulation 0, subset 0, run 1): timestep 2, substep 2 (PSUB "quote"): update "price" set variable "price" to +Inf
	// price = +Inf at t=2 in quote
}

// A graph variable: nodes with a record, weighted edges, changed by an
// update and read, as a gonum graph, by another.
func ExampleGraphOf() {
	type site struct{ Stock float64 }
	b := gds.NewBuilder("roads")
	net := gds.GraphOf(b, "net", gds.GraphData[site, struct{}]{
		Nodes: []site{{Stock: 1}, {Stock: 2}, {Stock: 3}},
		Edges: []gds.EdgeData[struct{}]{{From: 0, To: 1, Weight: 2}, {From: 1, To: 2, Weight: 2}, {From: 0, To: 2, Weight: 5}},
	})
	far := b.Float("far", 0)
	b.PSUB("shortcut", net.Update(func(c *gds.Ctx, tx *gds.GraphTx[site, struct{}]) {
		if c.T == 2 {
			tx.SetEdge(0, 2, 3, struct{}{}) // a cheaper road, seen from the next PSUB on
		}
	}))
	b.PSUB("measure", far.Update(func(c *gds.Ctx) float64 {
		return path.DijkstraFrom(simple.Node(0), net.Get(c).Gonum()).WeightTo(2)
	}))
	m, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	rec := recorderFunc(func(r *gds.Row) error {
		if r.Substep == 2 {
			nodes, edges := r.GraphCounts(0)
			fmt.Printf("t=%d: %d nodes, %d edges, 0→2 costs %v\n", r.Timestep, nodes, edges, r.Floats()[0])
		}
		return nil
	})
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 3}, rec); err != nil {
		fmt.Println(err)
	}
	// Output:
	// t=1: 3 nodes, 3 edges, 0→2 costs 4
	// t=2: 3 nodes, 3 edges, 0→2 costs 3
	// t=3: 3 nodes, 3 edges, 0→2 costs 3
}

// colPrinter is a ColumnRecorder with buffers of 3 rows: it prints the
// rows the engine stored each time the buffers fill, and at the end.
type colPrinter struct{ cols gds.RowColumns }

func (p *colPrinter) Record(*gds.Row) error { return nil } // not called: the rows go to the columns

func (p *colPrinter) RecordColumns(first *gds.Row) *gds.RowColumns {
	p.cols = gds.RowColumns{Timestep: make([]int64, 3), Substep: make([]int32, 3),
		FloatSlots: []int{0}, Floats: [][]float64{make([]float64, 3)}}
	return &p.cols
}

func (p *colPrinter) ColumnsFull(n int) (int, error) {
	var rows []string
	for i := p.cols.Next; i < n; i++ {
		rows = append(rows, fmt.Sprintf("t=%d k=%d x=%g", p.cols.Timestep[i], p.cols.Substep[i], p.cols.Floats[0][i]))
	}
	fmt.Println(strings.Join(rows, "  "))
	return 0, nil // the next rows from position 0 on
}

// A ColumnRecorder takes the rows as columns the engine writes into, with
// no call per row: here 7 rows (the initial one and 6 timesteps) in
// buffers of 3.
func ExampleColumnRecorder() {
	b := gds.NewBuilder("count")
	x := b.Float("x", 0)
	b.PSUB("step", x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + 1 }))
	m, _ := b.Build()
	_ = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 6}, &colPrinter{})
	// Output:
	// t=0 k=0 x=0  t=1 k=1 x=1  t=2 k=1 x=2
	// t=3 k=1 x=3  t=4 k=1 x=4  t=5 k=1 x=5
	// t=6 k=1 x=6
}
