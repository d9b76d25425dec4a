package report

import (
	"sync"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/runner"
)

// A Collector keeps, as a run writes its substep table, the rows that the
// report's charts over time read: those at the time points the charts
// show (every stride timesteps and the last), of the sweep points they
// show and the runs they draw. Handed to Write (Options.Rows), it spares
// the report reading the dataset back, which took longer than the run
// itself on the peer benchmarks (pp's 4 M rows: 0.27-0.31 s against 0.17
// s), for the fraction of a percent of the rows the charts use. The values
// are those of the records written, so the charts are the same as from
// the files (TestCollectorSameReport).
//
// It keeps at most Options.Budget values; a run with more such rows is
// read back as before. Add and Drop may be called from several
// goroutines.
type Collector struct {
	bins          timeBins
	vec           configs.VectorStat
	panels, runs  int // subsets per simulation, and runs per point, kept
	budget        int
	mu            sync.Mutex
	cols          []string // the numeric columns, ids first, from the first record
	vals          [][]float64
	off           bool // over the budget, or a record of other columns: read the dataset
	used          bool // a report read the rows (batch)
	sim, sub, run int  // the id columns' positions in cols
}

// NewCollector returns a Collector for a run of x, for a report written
// with opt.
func NewCollector(x *configs.Experiment, opt Options) *Collector {
	opt = opt.withDefaults()
	return &Collector{bins: newTimeBins(x.Timesteps, x.Output.Every, x.Report.Points), vec: x.Report.VectorStat,
		panels: opt.MaxPanels, runs: opt.MaxRuns, budget: opt.Budget, off: x.Output.FinalOnly}
}

// Add keeps the rows of rec, a record of the run's substep table, that
// the charts read; it is runner.Options.Rows.
func (c *Collector) Add(rec arrow.Record) {
	// The rows at the charts' time points, of the points and runs they
	// show, found without the lock from the id columns (their types are
	// the substep table's, runner.IDColumns): a few in a thousand rows.
	var rows []int
	ok := rec.NumCols() >= int64(len(runner.IDColumns()))
	if ok {
		sub, okSub := rec.Column(1).(*array.Int32)
		run, okRun := rec.Column(2).(*array.Int32)
		ts, okTS := rec.Column(3).(*array.Int64)
		if ok = okSub && okRun && okTS; ok {
			rows = c.binRows(ts.Int64Values(), sub.Int32Values(), run.Int32Values())
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.off {
		return
	}
	if !ok || c.cols == nil && !c.columns(rec.Schema()) {
		c.stop()
		return
	}
	for k, name := range c.cols {
		idx := rec.Schema().FieldIndices(name)
		if len(idx) != 1 {
			c.stop()
			return
		}
		get, err := accessor(rec.Column(idx[0]), c.vec)
		if err != nil {
			c.stop()
			return
		}
		for _, i := range rows {
			c.vals[k] = append(c.vals[k], get(i))
		}
	}
	if len(c.vals[0])*len(c.cols) > c.budget {
		c.stop()
	}
}

// binRows returns the rows, by their timestep, subset and run, that the
// charts read: c.bins.bin(t) >= 0 without a division a row, since a job's
// rows go up a timestep at a time (several rows a timestep with every
// substep written) and t's remainder follows the one before it.
func (c *Collector) binRows(ts []int64, subs, runs []int32) []int {
	stride, T := int64(c.bins.stride), int64(c.bins.T)
	panels, maxRun := int32(c.panels), int32(min(c.runs, 1<<31-1))
	var rows []int
	prev, rem := int64(-2), int64(0)
	for i, t := range ts {
		switch {
		case t == prev:
		case t == prev+1:
			if rem++; rem == stride {
				rem = 0
			}
		default:
			rem = t % stride
		}
		prev = t
		if (rem == 0 || t == T) && t >= 0 && t <= T && i < len(subs) && i < len(runs) && subs[i] < panels && runs[i] <= maxRun {
			rows = append(rows, i)
		}
	}
	return rows
}

// columns sets the columns kept from the substep table's schema: the id
// columns and every column the charts can read. It reports false if the
// id columns are not the table's first.
func (c *Collector) columns(sch *arrow.Schema) bool {
	ids := runner.IDColumns()
	if sch.NumFields() < len(ids) {
		return false
	}
	for k, name := range ids {
		if sch.Field(k).Name != name {
			return false
		}
	}
	c.sim, c.sub, c.run = 0, 1, 2 // then timestep and substep
	for _, f := range sch.Fields() {
		if charted(f.Type) {
			c.cols = append(c.cols, f.Name)
		}
	}
	c.vals = make([][]float64, len(c.cols))
	return len(c.cols) >= len(ids)
}

// charted reports whether the charts can read a column of type t: the
// types accessor reads.
func charted(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.FLOAT64, arrow.FLOAT32, arrow.INT64, arrow.INT32, arrow.BOOL:
		return true
	case arrow.LIST:
		return t.(*arrow.ListType).Elem().ID() == arrow.FLOAT64
	}
	return false
}

func (c *Collector) stop() { c.off, c.cols, c.vals = true, nil, nil }

// Drop removes the rows of a job that failed, which the dataset does not
// hold; it is runner.Options.Failed.
func (c *Collector) Drop(spec runner.JobSpec) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.off || c.cols == nil {
		return
	}
	sim, sub, run := float64(spec.Simulation), float64(spec.Subset), float64(spec.Run)
	n := 0
	for i := range c.vals[0] {
		if c.vals[c.sim][i] == sim && c.vals[c.sub][i] == sub && c.vals[c.run][i] == run {
			continue
		}
		for k := range c.vals {
			c.vals[k][n] = c.vals[k][i]
		}
		n++
	}
	for k := range c.vals {
		c.vals[k] = c.vals[k][:n]
	}
}

// batch returns the kept rows' columns cols as one scan batch, if the
// Collector kept them for bins.
func (c *Collector) batch(cols []string, bins timeBins, panels, runs int) (*scanBatch, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.off || c.bins != bins || c.panels < panels || c.runs < runs {
		return nil, false
	}
	b := &scanBatch{cols: make([]func(int) float64, len(cols))}
	if c.cols == nil {
		c.used = true
		return b, true // no rows written
	}
	b.rows = len(c.vals[0])
	for k, name := range cols {
		j := -1
		for i, have := range c.cols {
			if have == name {
				j = i
			}
		}
		if j < 0 {
			return nil, false
		}
		v := c.vals[j]
		b.cols[k] = func(i int) float64 { return v[i] }
	}
	c.used = true
	return b, true
}
