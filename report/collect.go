package report

import (
	"maps"
	"slices"
	"sync"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/runner"
	"github.com/statecraft/statecraft/runner/dataset"
)

// A Collector keeps, as a run writes its tables, the rows that the
// report's charts read, so that the report of the run need not read the
// dataset back: of the substep table, the rows at the time points the
// charts over time show (every stride timesteps and the last); of each
// agent table, the agents of every run's last recorded substep. Only of
// the sweep points the charts show and the runs they draw. Reading the
// tables back took longer than the run itself on the peer benchmarks
// (pp's 4 M rows: 0.27-0.31 s against 0.17 s; abm's 12 M agent rows: 1.2
// s against 0.36 s), for the fraction of a percent of the rows the
// charts use. The values are those of the records written, so the report
// is the same as from the files (TestCollectorSameReport).
//
// It keeps at most Options.Budget values; a table with more such rows is
// read back as before. Add may be called from several goroutines.
type Collector struct {
	bins         timeBins
	vec          configs.VectorStat
	panels, runs int   // subsets per simulation, and runs per point, kept
	last         int64 // a run's last agents are at this timestep or after
	budget       int
	x            *configs.Experiment // the agent fields charted (chartedFields)
	rows         int                 // the substep table's rows the charts read, at most
	every        int                 // output.every: the recorded timesteps' multiple

	mu     sync.Mutex
	values int              // kept, in every table
	tables map[string]*kept // "" is the substep table
}

// kept is what a Collector keeps of one table.
type kept struct {
	name   string // the table's, as runner.Options.Rows names it
	agents bool
	off    bool     // over the budget, or records of another shape: read the files
	cols   []string // the columns the charts can read, the five ids first
	// skip and only leave columns out of cols: those in skip, and if only
	// is set, those not in it
	skip, only map[string]bool
	// The substep table's kept rows, by column; an agent table's, by
	// job, in jobs.
	vals [][]float64
	jobs map[[3]int32]*agentLast
}

// agentLast is what a Collector keeps of a job's rows of an agent table:
// those of the latest timestep and substep so far.
type agentLast struct {
	t, sub int64
	vals   [][]float64 // by column, of the kept columns after the ids
}

// NewCollector returns a Collector for a run of p, for a report written
// with opt.
func NewCollector(p *runner.Plan, opt Options) *Collector {
	opt = opt.withDefaults()
	x := p.Config
	every := max(x.Output.Every, 1)
	last := lastAgentsFrom(x)
	c := &Collector{bins: newTimeBins(x.Timesteps, x.Output.Every, x.Report.Points), vec: x.Report.VectorStat,
		panels: opt.MaxPanels, runs: opt.MaxRuns, last: last, budget: opt.Budget, every: int(every), x: x,
		tables: map[string]*kept{"": {off: x.Output.FinalOnly}}}
	for _, v := range p.AgentTables() {
		c.tables[v.Name] = &kept{name: v.Name, agents: true, jobs: map[[3]int32]*agentLast{}}
	}
	// the substep table's columns the charts over time may read
	// (chartedVars): report.variables, or all but the swept columns
	st := c.tables[""]
	st.skip = map[string]bool{}
	for _, pc := range p.ParamCols {
		st.skip[pc.Name] = true
	}
	for _, v := range p.InitCols {
		st.skip[runner.InitColumn(v.Name)] = true
	}
	if len(x.Report.Variables) > 0 {
		st.only = map[string]bool{}
		for _, v := range x.Report.Variables {
			st.only[v] = true
		}
	}
	// a row a time point of each job the charts show, the most the
	// substep table's columns hold: sized once, not grown by copies
	for _, sim := range p.Sims {
		c.rows += min(len(sim.Points), c.panels) * min(x.Runs, c.runs) * c.bins.n
	}
	return c
}

// lastAgentsFrom is a timestep at or before every run's last recorded
// agents in a run of x: the engine records the multiples of every, and
// the agent tables take those of agents_every and the last timestep.
func lastAgentsFrom(x *configs.Experiment) int64 {
	T, every := int64(x.Timesteps), int64(max(x.Output.Every, 1))
	last := T / every * every
	if k := int64(x.Output.AgentsEvery); k > 0 {
		last = min(last, T/k*k)
	}
	if x.Output.FinalOnly {
		last = T
	}
	return last
}

// Add keeps the rows of rec, a record of table (runner.Options.Rows: ""
// for the substep table), that the charts read.
func (c *Collector) Add(table string, rec arrow.Record) {
	c.mu.Lock()
	k := c.tables[table]
	off := k == nil || k.off
	c.mu.Unlock()
	if off {
		return
	}
	// The rows the charts read, found without the lock from the id
	// columns (their types are every table's, runner.IDColumns).
	rp := rowsPool.Get().(*[]int)
	defer rowsPool.Put(rp)
	rows := (*rp)[:0]
	var sim, sub, run, sst *array.Int32
	var ts *array.Int64
	ok := rec.NumCols() >= int64(len(runner.IDColumns()))
	if ok {
		var ok0, ok1, ok2, ok3, ok4 bool
		sim, ok0 = rec.Column(0).(*array.Int32)
		sub, ok1 = rec.Column(1).(*array.Int32)
		run, ok2 = rec.Column(2).(*array.Int32)
		ts, ok3 = rec.Column(3).(*array.Int64)
		sst, ok4 = rec.Column(4).(*array.Int32)
		if ok = ok0 && ok1 && ok2 && ok3 && ok4; ok {
			if k.agents {
				rows = c.lastRows(rows, ts.Int64Values(), sub.Int32Values(), run.Int32Values())
			} else {
				rows = c.binRows(rows, ts.Int64Values(), sim.Int32Values(), sub.Int32Values(), run.Int32Values())
			}
			*rp = rows
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if k.off {
		return
	}
	if k.cols == nil {
		if !ok || !k.columns(rec, c.vec, c.x) {
			c.stop(k)
			return
		}
		if !k.agents {
			k.reserve(c.rows, c.budget)
		}
	}
	if !ok {
		c.stop(k)
		return
	}
	gets := make([]func(int) float64, len(k.cols))
	for j, name := range k.cols {
		idx := rec.Schema().FieldIndices(name)
		if len(idx) != 1 {
			c.stop(k)
			return
		}
		get, err := accessor(rec.Column(idx[0]), c.vec)
		if err != nil {
			c.stop(k)
			return
		}
		gets[j] = get
	}
	if k.agents {
		c.addAgents(k, rows, [3][]int32{sim.Int32Values(), sub.Int32Values(), run.Int32Values()}, ts.Int64Values(), sst.Int32Values(), gets)
	} else {
		c.addRows(k, rows, gets)
	}
	if c.values > c.budget {
		c.stop(k)
	}
}

// addRows keeps the substep-table rows rows of a record: of a job's rows
// at one timestep, the last (the charts read the last substep), which
// overwrites the one before it.
func (c *Collector) addRows(k *kept, rows []int, gets []func(int) float64) {
	sim, sub, run, ts := gets[0], gets[1], gets[2], gets[3]
	for _, i := range rows {
		n := len(k.vals[0])
		if n > 0 && k.vals[3][n-1] == ts(i) && k.vals[2][n-1] == run(i) && k.vals[1][n-1] == sub(i) && k.vals[0][n-1] == sim(i) {
			for j, get := range gets {
				k.vals[j][n-1] = get(i)
			}
			continue
		}
		for j, get := range gets {
			k.vals[j] = append(k.vals[j], get(i))
		}
		c.values += len(gets)
	}
}

// addAgents keeps the agent rows rows of a record: of each job, those of
// its latest timestep and substep.
func (c *Collector) addAgents(k *kept, rows []int, ids [3][]int32, ts []int64, sst []int32, gets []func(int) float64) {
	sim, sub, run := ids[0], ids[1], ids[2]
	gets = gets[len(runner.IDColumns()):] // a job's ids are its key, t and sub
	var j *agentLast
	var key [3]int32
	for _, i := range rows {
		if kk := [3]int32{sim[i], sub[i], run[i]}; j == nil || kk != key {
			key, j = kk, k.jobs[kk]
			if j == nil {
				j = &agentLast{t: -1, vals: make([][]float64, len(gets))}
				k.jobs[key] = j
			}
		}
		t, s := ts[i], int64(sst[i])
		if t < j.t || t == j.t && s < j.sub {
			continue
		}
		if t > j.t || s > j.sub {
			j.t, j.sub = t, s
			for f := range j.vals {
				c.values -= len(j.vals[f])
				j.vals[f] = j.vals[f][:0]
			}
		}
		for f, get := range gets {
			j.vals[f] = append(j.vals[f], get(i))
		}
		c.values += len(gets)
	}
}

// rowsPool holds the scratch of Add's row numbers.
var rowsPool = sync.Pool{New: func() any { return new([]int) }}

// binRows appends to rows the rows, by their timestep, subset and run,
// that the charts over time read: those at a multiple of the stride and
// at the last timestep. A job's rows go up in time, each recorded
// timestep (a multiple of every) with a row or more, so from a row
// between two time points the scan skips the rows that cannot reach the
// next one, a row per recorded timestep, when the row it lands on is of
// the same job and not past that point (else it goes on row by row).
func (c *Collector) binRows(rows []int, ts []int64, sims, subs, runs []int32) []int {
	stride, T, every := int64(c.bins.stride), int64(c.bins.T), int64(c.every)
	panels, maxRun := int32(c.panels), int32(min(c.runs, 1<<31-1))
	n := min(len(ts), len(sims), len(subs), len(runs))
	for i := 0; i < n; {
		t := ts[i]
		if t < 0 || t > T {
			i++
			continue
		}
		if t%stride == 0 || t == T {
			if subs[i] < panels && runs[i] <= maxRun {
				rows = append(rows, i)
			}
			i++
			continue
		}
		next := min((t/stride+1)*stride, T) // the next time point
		j := i + 1
		if t%every == 0 && next%every == 0 {
			j = i + int((next-t)/every) // a row for each recorded timestep in (t, next)
		}
		if j >= n || ts[j] > next || ts[j] < t || sims[j] != sims[i] || subs[j] != subs[i] || runs[j] != runs[i] {
			j = i + 1
		}
		i = j
	}
	return rows
}

// lastRows appends to rows the rows, by their timestep, subset and run, that may
// be of a run's last recorded timestep, which the agent charts read.
func (c *Collector) lastRows(rows []int, ts []int64, subs, runs []int32) []int {
	panels, maxRun := int32(c.panels), int32(min(c.runs, 1<<31-1))
	for i, t := range ts {
		if t >= c.last && i < len(subs) && i < len(runs) && subs[i] < panels && runs[i] <= maxRun {
			rows = append(rows, i)
		}
	}
	return rows
}

// columns sets the columns kept from a table's first record: the id
// columns and every column the charts can read (accessor reads it); of an
// agent table, the fields x's report charts (chartedFields). It reports
// false if the id columns are not the table's first, or if the charts
// read none of an agent table's fields.
func (k *kept) columns(rec arrow.Record, vec configs.VectorStat, x *configs.Experiment) bool {
	ids := runner.IDColumns()
	sch := rec.Schema()
	if sch.NumFields() < len(ids) {
		return false
	}
	for i, name := range ids {
		if sch.Field(i).Name != name {
			return false
		}
	}
	if k.agents {
		af := chartedFields(k.name, runner.ColumnsOf(sch), x)
		if len(af.fields) == 0 {
			return false
		}
		k.only = map[string]bool{}
		for _, f := range af.fields {
			k.only[f] = true
		}
	}
	for i, f := range sch.Fields() {
		if _, err := accessor(rec.Column(i), vec); err == nil && (i < len(ids) || !k.skip[f.Name] && (k.only == nil || k.only[f.Name])) {
			k.cols = append(k.cols, f.Name)
		}
	}
	k.vals = make([][]float64, len(k.cols))
	return len(k.cols) > len(ids) || !k.agents && len(k.cols) == len(ids)
}

// reserve sizes the substep table's columns for rows rows, within budget
// values in all.
func (k *kept) reserve(rows, budget int) {
	n := min(rows, budget/max(1, len(k.cols))+1)
	for j := range k.vals {
		k.vals[j] = make([]float64, 0, n)
	}
}

// stop gives up keeping a table's rows: the report reads it.
func (c *Collector) stop(k *kept) {
	for _, v := range k.vals {
		c.values -= len(v)
	}
	for _, j := range k.jobs {
		for _, v := range j.vals {
			c.values -= len(v)
		}
	}
	k.off, k.cols, k.vals, k.jobs = true, nil, nil, nil
}

// drop removes the rows of the jobs that failed, which the dataset does
// not hold (its manifest lists them).
func (c *Collector) drop(failed []dataset.JobFailure) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range failed {
		c.dropJob([3]int32{int32(f.Simulation), int32(f.Subset), int32(f.Run)})
	}
}

func (c *Collector) dropJob(key [3]int32) {
	for _, k := range c.tables {
		if k.off || k.cols == nil {
			continue
		}
		if k.agents {
			if j := k.jobs[key]; j != nil {
				for _, v := range j.vals {
					c.values -= len(v)
				}
				delete(k.jobs, key)
			}
			continue
		}
		sim, sub, run := float64(key[0]), float64(key[1]), float64(key[2])
		n := 0
		for i := range k.vals[0] {
			if k.vals[0][i] == sim && k.vals[1][i] == sub && k.vals[2][i] == run {
				continue
			}
			for f := range k.vals {
				k.vals[f][n] = k.vals[f][i]
			}
			n++
		}
		c.values -= (len(k.vals[0]) - n) * len(k.vals)
		for f := range k.vals {
			k.vals[f] = k.vals[f][:n]
		}
	}
}

// batch returns the rows the Collector kept of table (runner.Options.Rows'
// names) as one scan batch of the columns cols, if it kept them for a
// report with these bins (the substep table's), panels and runs. The
// report reads it as it reads a file's batches, so both draw the same.
func (c *Collector) batch(table string, cols []string, bins timeBins, panels, runs int) (*scanBatch, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.tables[table]
	if k == nil || k.off || c.panels < panels || c.runs < runs || !k.agents && c.bins != bins {
		return nil, false
	}
	b := &scanBatch{cols: make([]func(int) float64, len(cols))}
	if k.cols == nil {
		return b, true // no rows written
	}
	if k.agents {
		return k.agentBatch(b, cols)
	}
	b.rows = len(k.vals[0])
	for i, name := range cols {
		j := slices.Index(k.cols, name)
		if j < 0 {
			return nil, false
		}
		v := k.vals[j]
		b.cols[i] = func(r int) float64 { return v[r] }
	}
	return b, true
}

// agentBatch fills b with the columns cols of an agent table's kept rows:
// each job's latest agents, the jobs in the order of their ids, read in
// place.
func (k *kept) agentBatch(b *scanBatch, cols []string) (*scanBatch, bool) {
	keys := slices.SortedFunc(maps.Keys(k.jobs), compareKeys)
	jobs := make([]*agentLast, len(keys))
	var of []int32 // of[r]: the job of row r
	var start []int
	for n, key := range keys {
		j := k.jobs[key]
		jobs[n] = j
		start = append(start, len(of))
		if len(j.vals) > 0 {
			for range j.vals[0] {
				of = append(of, int32(n))
			}
		}
	}
	b.rows = len(of)
	nid := len(runner.IDColumns())
	for i, name := range cols {
		c := slices.Index(k.cols, name)
		switch {
		case c < 0:
			return nil, false
		case c < 3: // simulation, subset, run: the job's key
			b.cols[i] = func(r int) float64 { return float64(keys[of[r]][c]) }
		case c == 3:
			b.cols[i] = func(r int) float64 { return float64(jobs[of[r]].t) }
		case c == 4:
			b.cols[i] = func(r int) float64 { return float64(jobs[of[r]].sub) }
		default:
			b.cols[i] = func(r int) float64 { n := of[r]; return jobs[n].vals[c-nid][r-start[n]] }
		}
	}
	return b, true
}

// compareKeys orders jobs' keys (simulation, subset, run).
func compareKeys(a, b [3]int32) int { return slices.Compare(a[:], b[:]) }
