package runner

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"golang.org/x/sync/errgroup"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/decide"
	"github.com/statecraft/statecraft/decide/optimize"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/runner/dataset"
)

// An optimisation ([optimize]) searches the parameters' bounds for the
// values that maximise or minimise a KPI's mean over every simulation and
// Monte Carlo run. Each evaluation runs those jobs on the worker pool,
// recording nothing but the KPIs; every evaluation draws the same random
// numbers run by run (the streams depend on the run only), so the
// objective is a smooth function of the parameters. Run then runs the
// experiment at the optimum and writes it as usual, with the trace of
// evaluations as a table of its own.

// Optimum is the outcome of an optimisation.
type Optimum struct {
	KPI      string             `json:"kpi"`
	Sense    string             `json:"sense"`
	Method   string             `json:"method"`
	Params   map[string]float64 `json:"params"` // the best point
	Value    decide.Float       `json:"value"`  // the objective there (null if NaN)
	Evals    int                `json:"evaluations"`
	Status   string             `json:"status"`
	Trace    []optimize.Eval    `json:"-"`
	names    []string
	kpiMeans [][]float64 // by evaluation: every KPI's mean
}

// optimizeParams returns the optimised parameters in the model's order.
func (p *Plan) optimizeParams() ([]optimize.Param, error) {
	x := p.Config
	dims, err := designDims(x, p.Sims[0].Model, x.Optimize.Bounds)
	if err != nil {
		return nil, err
	}
	out := make([]optimize.Param, len(dims))
	for i, d := range dims {
		out[i] = optimize.Param{Name: d.Name, Min: d.Min, Max: d.Max, Log: d.Log, Int: d.Int}
	}
	return out, nil
}

// optimizeRun runs the optimisation on workers goroutines.
func (p *Plan) optimizeRun(ctx context.Context, workers int) (*Optimum, error) {
	o := p.Config.Optimize
	params, err := p.optimizeParams()
	if err != nil {
		return nil, err
	}
	target := slices.Index(p.KPIs, o.KPI)
	res := &Optimum{KPI: o.KPI, Sense: o.Sense.String(), Method: o.Method.String(), Params: map[string]float64{}}
	for _, pr := range params {
		res.names = append(res.names, pr.Name)
	}
	means := map[string][]float64{} // by point, for the trace
	var mu sync.Mutex
	objective := func(ctx context.Context, at []float64) (float64, error) {
		rows, err := p.evaluate(ctx, res.names, at, workers)
		if err != nil {
			return 0, err
		}
		m := make([]float64, len(p.KPIs))
		for _, r := range rows {
			for k, v := range r {
				m[k] += v / float64(len(rows))
			}
		}
		mu.Lock()
		means[fmt.Sprint(at)] = m
		mu.Unlock()
		return m[target], nil
	}
	method := optimize.NelderMead
	if o.Method == configs.CMAES {
		method = optimize.CMAES
	}
	r, err := optimize.Run(ctx, params, objective, optimize.Settings{Method: method, Maximize: o.Sense == configs.Maximize,
		MaxEvals: o.MaxEvals, Seed: mix(uint64(p.Config.Seed) ^ 0x0b7141)})
	if err != nil {
		return nil, fmt.Errorf("optimize: %w", err)
	}
	for i, n := range res.names {
		res.Params[n] = r.X[i]
	}
	res.Value, res.Evals, res.Status, res.Trace = decide.Float(r.F), len(r.Evals), r.Status, r.Evals
	for _, e := range r.Evals {
		res.kpiMeans = append(res.kpiMeans, means[fmt.Sprint(e.X)])
	}
	return res, nil
}

// evaluate runs every simulation's runs at the parameter values at (over
// each simulation's first sweep point) and returns their KPIs.
func (p *Plan) evaluate(ctx context.Context, names []string, at []float64, workers int) ([][]float64, error) {
	type job struct {
		sim, run int
		params   *gds.Params
	}
	var jobs []job
	for s, sim := range p.Sims {
		pt := sim.Points[0].Clone()
		for i, n := range names {
			v := any(at[i])
			if pi, _ := sim.Model.Param(n); pi.Kind == gds.KindInt {
				v = int64(math.Round(at[i]))
			}
			if err := pt.Set(n, v); err != nil {
				return nil, err
			}
		}
		for r := 1; r <= p.Config.Runs; r++ {
			jobs = append(jobs, job{s, r, pt})
		}
	}
	rows := make([][]float64, len(jobs)) // by job, its KPIs
	var next atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	for range max(1, min(workers, len(jobs))) {
		g.Go(func() error {
			engines := map[*gds.Model]*gds.Engine{}
			recs := map[*gds.Model]*kpiOnly{}
			for {
				k := int(next.Add(1)) - 1
				if k >= len(jobs) || gctx.Err() != nil {
					return gctx.Err()
				}
				j := jobs[k]
				m := p.Sims[j.sim].Model
				e := engines[m]
				if e == nil {
					e = m.NewEngine()
					engines[m] = e
				}
				rec := recs[m]
				if rec == nil {
					kr, err := newKPIRun(p.kpis[m], m)
					if err != nil {
						return err
					}
					rec = &kpiOnly{kr}
					recs[m] = rec
				}
				spec := JobSpec{Simulation: j.sim, Subset: 0, Run: j.run}
				gj := p.GDSJob(spec)
				gj.Params = j.params
				gj.Schedule = gds.Schedule{FinalOnly: true}
				rec.kr.reset(p.Config.Timesteps)
				if err := e.Run(gctx, gj, rec); err != nil {
					return fmt.Errorf("simulation %d, run %d: %w", j.sim, j.run, err)
				}
				rec.kr.finish()
				rows[k] = slices.Clone(rec.kr.vals)
			}
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return rows, nil
}

// kpiOnly is the Recorder of an evaluation: it keeps the KPIs only.
type kpiOnly struct{ kr *kpiRun }

func (k *kpiOnly) Record(*gds.Row) error { return nil }
func (k *kpiOnly) Observe(r *gds.Row)    { k.kr.observe(r) }

// atOptimum returns a copy of the plan whose simulations run the optimum.
func (p *Plan) atOptimum(o *Optimum) (*Plan, error) {
	q := *p
	q.Sims = slices.Clone(p.Sims)
	for s := range q.Sims {
		sim := &q.Sims[s]
		pt := sim.Points[0].Clone()
		for _, n := range o.names {
			v := any(o.Params[n])
			if pi, _ := sim.Model.Param(n); pi.Kind == gds.KindInt {
				v = int64(math.Round(o.Params[n]))
			}
			if err := pt.Set(n, v); err != nil {
				return nil, err
			}
		}
		sim.Points = []*gds.Params{pt}
	}
	return &q, nil
}

// WriteText writes the optimum as a short report.
func (o *Optimum) WriteText(w io.Writer) {
	verb := "maximised"
	if o.Sense == "min" {
		verb = "minimised"
	}
	fmt.Fprintf(w, "optimisation (%s, %d evaluations, %s): mean %s %s = %.6g at", o.Method, o.Evals, o.Status, o.KPI, verb, float64(o.Value))
	for _, n := range o.names {
		fmt.Fprintf(w, " %s=%.6g", n, o.Params[n])
	}
	fmt.Fprintln(w)
}

// writeTrace writes the optimisation's evaluations as the trace table:
// eval (1, 2, ... in the order the method asked), the parameters, the
// objective, then every KPI's mean.
func writeTrace(ds *dataset.Shard, p *Plan, o *Optimum) (*dataset.TableInfo, error) {
	fields := []arrow.Field{{Name: "eval", Type: arrow.PrimitiveTypes.Int32}}
	for _, n := range o.names {
		fields = append(fields, arrow.Field{Name: n, Type: arrow.PrimitiveTypes.Float64})
	}
	fields = append(fields, arrow.Field{Name: "objective", Type: arrow.PrimitiveTypes.Float64})
	for _, k := range p.KPIs {
		fields = append(fields, arrow.Field{Name: "mean_" + k, Type: arrow.PrimitiveTypes.Float64})
	}
	schema := arrow.NewSchema(fields, arrowMeta(datasetMeta(p)))
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i, e := range o.Trace {
		b.Field(0).(*array.Int32Builder).Append(int32(e.N))
		for k, v := range e.X {
			b.Field(1 + k).(*array.Float64Builder).Append(v)
		}
		b.Field(1 + len(o.names)).(*array.Float64Builder).Append(e.F)
		for k := range p.KPIs {
			v := math.NaN()
			if m := o.kpiMeans[i]; m != nil {
				v = m[k]
			}
			b.Field(2 + len(o.names) + k).(*array.Float64Builder).Append(v)
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	info := dataset.FileInfo{Name: ds.TraceFile(), Rows: rec.NumRows()}
	if err := writeTempTable(ds, info.Name, schema, p.Config.Output.Compression, func(write func(arrow.Record) error) error { return write(rec) }); err != nil {
		return nil, fmt.Errorf("optimisation trace: %w", err)
	}
	return &dataset.TableInfo{Dir: dataset.TableDir(dataset.TraceTable), Rows: info.Rows, Columns: ColumnsOf(schema), Files: []dataset.FileInfo{info}}, nil
}
