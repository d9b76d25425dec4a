// Command layout measures three Parquet layouts of the abm benchmark's
// agents (100 agents {cash, tokens, trades} per row) for docs/performance.md:
//
//	list     one row per substep, agents as list<struct<cash, tokens, trades>>
//	         (what the runner writes with output.agents = "list")
//	struct   one row per substep, agents as struct<cash: list<double>,
//	         tokens: list<double>, trades: list<int64>>
//	long     one row per substep without the agents, plus a second table
//	         with one row per agent per substep: simulation, subset, run,
//	         timestep, substep, agent, cash, tokens, trades (the runner's
//	         default, output.agents = "table")
//
// It runs the abm config's jobs (configs/bench/abm.toml) with one engine,
// writes each layout with the runner's Parquet settings (snappy, 32 KiB
// pages, statistics, version 2 pages where there are lists) and reports the
// time spent appending and writing, and the bytes. Read it back with
// tests/bench/duck.mjs (the queries are in docs/performance.md).
//
//	go run ./tests/bench/layout -out /tmp/layout [-timesteps 3000] [-runs 10]
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models/bench"
	_ "github.com/statecraft/statecraft/runner" // the runner's snappy and zstd codecs (runner/format_parquet.go)
)

var sweep = []float64{0.3, 0.43333333333333335, 0.5666666666666667, 0.7}

func main() {
	out := flag.String("out", "/tmp/statecraft-layout", "directory for the three datasets")
	T := flag.Int("timesteps", 3000, "timesteps per run")
	N := flag.Int("runs", 10, "runs per sweep point")
	batchRows := flag.Int("batch", 2048, "substep rows per flush (x100 agent rows for the long table)")
	flag.Parse()

	m, err := bench.NewABM()
	check(err)
	for _, layout := range []string{"list", "struct", "long"} {
		dir := filepath.Join(*out, layout)
		check(os.RemoveAll(dir))
		check(os.MkdirAll(dir, 0o755))
		w := newWriter(layout, dir, *batchRows)
		e := m.NewEngine()
		start := time.Now()
		var engine time.Duration
		for sub, act := range sweep {
			p := m.Defaults()
			check(p.Set("activity", act))
			w.act = act
			for run := 1; run <= *N; run++ {
				job := &gds.Job{Subset: sub, Run: run, Timesteps: *T, Params: p, Seed: [2]uint64{uint64(sub), uint64(run)}}
				check(e.Run(context.Background(), job, w))
			}
		}
		w.flush()
		check(w.close())
		total := time.Since(start)
		engine = total - w.appendT - w.writeT
		var size int64
		files, _ := filepath.Glob(filepath.Join(dir, "*.parquet"))
		for _, f := range files {
			st, _ := os.Stat(f)
			size += st.Size()
		}
		fmt.Printf("%-6s total %.3f s: engine+recording %.3f s, building Arrow %.3f s, Parquet write %.3f s; %d files, %.1f MB\n",
			layout, total.Seconds(), engine.Seconds(), w.appendT.Seconds(), w.writeT.Seconds(), len(files), float64(size)/1e6)
	}
}

// writer records abm rows in one of the layouts.
type writer struct {
	layout string
	act    float64
	batch  int

	// substep rows
	sim, sub, run, sst []int32
	ts                 []int64
	actv, price        []float64
	offs               []int32
	cash, tokens       []float64
	trades             []int64
	// long table ids (one per agent row)
	lsim, lsub, lrun, lsst, agent []int32
	lts                           []int64

	main, agents     *pqarrow.FileWriter
	mainF, agentsF   *os.File
	mainB, agentsB   *bufio.Writer
	mainS, agentsS   *arrow.Schema
	appendT, writeT  time.Duration
	agentStructType  *arrow.StructType
	agentListsStruct *arrow.StructType
}

func newWriter(layout, dir string, batch int) *writer {
	w := &writer{layout: layout, batch: batch, offs: []int32{0}}
	ids := []arrow.Field{
		{Name: "simulation", Type: arrow.PrimitiveTypes.Int32},
		{Name: "subset", Type: arrow.PrimitiveTypes.Int32},
		{Name: "run", Type: arrow.PrimitiveTypes.Int32},
		{Name: "timestep", Type: arrow.PrimitiveTypes.Int64},
		{Name: "substep", Type: arrow.PrimitiveTypes.Int32},
	}
	mainFields := append(append([]arrow.Field(nil), ids...),
		arrow.Field{Name: "activity", Type: arrow.PrimitiveTypes.Float64},
		arrow.Field{Name: "price", Type: arrow.PrimitiveTypes.Float64})
	w.agentStructType = arrow.StructOf(
		arrow.Field{Name: "cash", Type: arrow.PrimitiveTypes.Float64},
		arrow.Field{Name: "tokens", Type: arrow.PrimitiveTypes.Float64},
		arrow.Field{Name: "trades", Type: arrow.PrimitiveTypes.Int64})
	w.agentListsStruct = arrow.StructOf(
		arrow.Field{Name: "cash", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
		arrow.Field{Name: "tokens", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
		arrow.Field{Name: "trades", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)})
	switch layout {
	case "list":
		mainFields = append(mainFields, arrow.Field{Name: "agents", Type: arrow.ListOf(w.agentStructType)})
	case "struct":
		mainFields = append(mainFields, arrow.Field{Name: "agents", Type: w.agentListsStruct})
	case "long":
		w.agentsS = arrow.NewSchema(append(append([]arrow.Field(nil), ids...),
			arrow.Field{Name: "agent", Type: arrow.PrimitiveTypes.Int32},
			arrow.Field{Name: "cash", Type: arrow.PrimitiveTypes.Float64},
			arrow.Field{Name: "tokens", Type: arrow.PrimitiveTypes.Float64},
			arrow.Field{Name: "trades", Type: arrow.PrimitiveTypes.Int64}), nil)
		w.agents, w.agentsF, w.agentsB = open(filepath.Join(dir, "agents.parquet"), w.agentsS, 100*batch)
	}
	w.mainS = arrow.NewSchema(mainFields, nil)
	w.main, w.mainF, w.mainB = open(filepath.Join(dir, "part-0.parquet"), w.mainS, batch)
	return w
}

// open creates a Parquet file with the runner's settings (runner/format_parquet.go).
func open(path string, s *arrow.Schema, rowGroup int) (*pqarrow.FileWriter, *os.File, *bufio.Writer) {
	f, err := os.Create(path)
	check(err)
	props := []parquet.WriterProperty{
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithMaxRowGroupLength(int64(rowGroup)),
		parquet.WithDictionaryDefault(false),
		parquet.WithStats(true),
		parquet.WithDataPageSize(32 << 10),
	}
	for _, fl := range s.Fields() {
		if _, ok := fl.Type.(arrow.NestedType); ok {
			props = append(props, parquet.WithDataPageVersion(parquet.DataPageV2))
			break
		}
	}
	b := bufio.NewWriterSize(f, 1<<20)
	fw, err := pqarrow.NewFileWriter(s, b, parquet.NewWriterProperties(props...), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	check(err)
	return fw, f, b
}

func (w *writer) Record(r *gds.Row) error {
	t0 := time.Now()
	w.sim = append(w.sim, int32(r.Simulation))
	w.sub = append(w.sub, int32(r.Subset))
	w.run = append(w.run, int32(r.Run))
	w.ts = append(w.ts, int64(r.Timestep))
	w.sst = append(w.sst, int32(r.Substep))
	w.actv = append(w.actv, w.act)
	w.price = append(w.price, r.Floats()[0])
	n := r.AgentCount(0)
	w.cash = r.AppendAgentFloats(w.cash, 0, 0)
	w.tokens = r.AppendAgentFloats(w.tokens, 0, 1)
	w.trades = r.AppendAgentInts(w.trades, 0, 2)
	w.offs = append(w.offs, w.offs[len(w.offs)-1]+int32(n))
	if w.layout == "long" {
		for k := 0; k < n; k++ {
			w.lsim = append(w.lsim, int32(r.Simulation))
			w.lsub = append(w.lsub, int32(r.Subset))
			w.lrun = append(w.lrun, int32(r.Run))
			w.lts = append(w.lts, int64(r.Timestep))
			w.lsst = append(w.lsst, int32(r.Substep))
			w.agent = append(w.agent, int32(k))
		}
	}
	w.appendT += time.Since(t0)
	if len(w.sim) >= w.batch {
		w.flush()
	}
	return nil
}

func (w *writer) flush() {
	if len(w.sim) == 0 {
		return
	}
	t0 := time.Now()
	cols := []arrow.Array{i32(w.sim), i32(w.sub), i32(w.run), i64(w.ts), i32(w.sst), f64(w.actv), f64(w.price)}
	switch w.layout {
	case "list":
		st := array.NewData(w.agentStructType, len(w.cash), []*memory.Buffer{nil},
			[]arrow.ArrayData{f64(w.cash).Data(), f64(w.tokens).Data(), i64(w.trades).Data()}, 0, 0)
		cols = append(cols, list(arrow.ListOf(w.agentStructType), w.offs, st, len(w.sim)))
	case "struct":
		ls := []arrow.ArrayData{
			list(arrow.ListOf(arrow.PrimitiveTypes.Float64), w.offs, f64(w.cash).Data(), len(w.sim)).Data(),
			list(arrow.ListOf(arrow.PrimitiveTypes.Float64), w.offs, f64(w.tokens).Data(), len(w.sim)).Data(),
			list(arrow.ListOf(arrow.PrimitiveTypes.Int64), w.offs, i64(w.trades).Data(), len(w.sim)).Data(),
		}
		cols = append(cols, array.MakeFromData(array.NewData(w.agentListsStruct, len(w.sim), []*memory.Buffer{nil}, ls, 0, 0)))
	}
	rec := array.NewRecord(w.mainS, cols, int64(len(w.sim)))
	w.appendT += time.Since(t0)
	t1 := time.Now()
	check(w.main.Write(rec))
	if w.layout == "long" {
		arec := array.NewRecord(w.agentsS, []arrow.Array{i32(w.lsim), i32(w.lsub), i32(w.lrun), i64(w.lts), i32(w.lsst),
			i32(w.agent), f64(w.cash), f64(w.tokens), i64(w.trades)}, int64(len(w.cash)))
		check(w.agents.Write(arec))
	}
	w.writeT += time.Since(t1)
	w.sim, w.sub, w.run, w.ts, w.sst, w.actv, w.price = w.sim[:0], w.sub[:0], w.run[:0], w.ts[:0], w.sst[:0], w.actv[:0], w.price[:0]
	w.cash, w.tokens, w.trades, w.offs = w.cash[:0], w.tokens[:0], w.trades[:0], w.offs[:1]
	w.lsim, w.lsub, w.lrun, w.lts, w.lsst, w.agent = w.lsim[:0], w.lsub[:0], w.lrun[:0], w.lts[:0], w.lsst[:0], w.agent[:0]
}

func (w *writer) close() error {
	t0 := time.Now()
	defer func() { w.writeT += time.Since(t0) }()
	for _, c := range []struct {
		fw *pqarrow.FileWriter
		b  *bufio.Writer
		f  *os.File
	}{{w.main, w.mainB, w.mainF}, {w.agents, w.agentsB, w.agentsF}} {
		if c.fw == nil {
			continue
		}
		if err := c.fw.Close(); err != nil {
			return err
		}
		if err := c.b.Flush(); err != nil {
			return err
		}
		if err := c.f.Close(); err != nil {
			return err
		}
	}
	return nil
}

func bytesOf[T int32 | int64 | float64](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
}

func prim[T int32 | int64 | float64](t arrow.DataType, s []T) arrow.Array {
	return array.MakeFromData(array.NewData(t, len(s), []*memory.Buffer{nil, memory.NewBufferBytes(bytesOf(s))}, nil, 0, 0))
}

func i32(s []int32) arrow.Array   { return prim(arrow.PrimitiveTypes.Int32, s) }
func i64(s []int64) arrow.Array   { return prim(arrow.PrimitiveTypes.Int64, s) }
func f64(s []float64) arrow.Array { return prim(arrow.PrimitiveTypes.Float64, s) }

func list(t arrow.DataType, offs []int32, child arrow.ArrayData, n int) arrow.Array {
	return array.MakeFromData(array.NewData(t, n, []*memory.Buffer{nil, memory.NewBufferBytes(bytesOf(offs))}, []arrow.ArrayData{child}, 0, 0))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "layout:", err)
		os.Exit(1)
	}
}
