package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"golang.org/x/sync/errgroup"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/cachepad"
	"github.com/statecraft/statecraft/runner/dataset"
)

// Options control one execution of a plan.
type Options struct {
	// Dir is the dataset directory (default: the config's output.dir, or
	// out/<config name>).
	Dir string
	// Workers is the size of the pool (default: the config's workers, or
	// GOMAXPROCS).
	Workers int
	// Shard and Shards select a deterministic share of the jobs: job i runs
	// in shard i mod Shards. Shards 0 or 1 runs everything.
	Shard, Shards int
	// Overwrite removes the dataset files a previous run left in Dir (only
	// files Statecraft writes; with shards, only this shard's).
	Overwrite bool
	// Progress, if set, is called about every ProgressEvery from another
	// goroutine, and once at the end.
	Progress      func(Progress)
	ProgressEvery time.Duration
}

// Progress is a snapshot of a running experiment.
type Progress struct {
	JobsDone, Jobs int
	Rows           int64
	Elapsed        time.Duration
}

// Result describes a finished execution.
type Result struct {
	Dir         string
	Manifest    string                        // path of the manifest file
	Jobs        int                           // jobs run by this shard
	Rows        int64                         // rows written by this shard
	Files       []dataset.FileInfo            // the substep table's part files
	Tables      map[string]*dataset.TableInfo // the agent tables by variable name; nil with none or output.agents = "list"
	Failed      []dataset.JobFailure
	Anomalies   []dataset.JobAnomaly
	Report      *dataset.Report // the criteria's pass rates, if the config has [report]
	ReportTable string          // path of the report's Markdown table, if the config has [report]
	Elapsed     time.Duration
}

// JobsFailedError reports that some jobs failed; the others' rows were
// written and the manifest says the dataset is incomplete.
type JobsFailedError struct {
	Failed []dataset.JobFailure
	Jobs   int
}

func (e *JobsFailedError) Error() string {
	f := e.Failed[0]
	more := ""
	if len(e.Failed) > 1 {
		more = fmt.Sprintf(" (and %d more; see the manifest)", len(e.Failed)-1)
	}
	return fmt.Sprintf("%d of %d jobs failed; first: %s; parameters %s%s", len(e.Failed), e.Jobs, f.Error, fmtParams(f.Params), more)
}

func fmtParams(p map[string]any) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%v", k, p[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// OutputDirError reports an output directory that cannot take the dataset
// (not empty, holding other files, not writable); nothing was run.
type OutputDirError struct{ Err error }

func (e *OutputDirError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *OutputDirError) Unwrap() error { return e.Err }

// ShardJobs returns the indices of the jobs of shard i of n.
func (p *Plan) ShardJobs(i, n int) []int {
	if n <= 1 {
		n, i = 1, 0
	}
	var out []int
	for j := i; j < p.jobs; j += n {
		out = append(out, j)
	}
	return out
}

// Run executes the plan's jobs (or a shard of them) on a worker pool and
// writes the dataset. If ctx is cancelled, the part files are removed and
// no manifest is written; the error is ctx's. If some jobs fail, the others
// are written, the manifest lists the failures, and the error is a
// *JobsFailedError.
func Run(ctx context.Context, p *Plan, opt Options) (*Result, error) {
	start := time.Now()
	x := p.Config
	dir := opt.Dir
	if dir == "" {
		dir = x.Output.Dir
	}
	if dir == "" {
		dir = filepath.Join("out", x.Name())
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = x.Workers
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	shards, shard := max(opt.Shards, 1), opt.Shard
	if shard < 0 || shard >= shards {
		return nil, fmt.Errorf("shard %d/%d: want 0 <= i < n", shard, shards)
	}
	format, ok := formats[x.Output.Format]
	if !ok {
		return nil, fmt.Errorf("output format %q: want parquet, arrow or csv", x.Output.Format)
	}
	ds := &dataset.Shard{Dir: dir, Index: shard, Count: shards, Ext: format.ext}
	for _, v := range p.AgentTables() {
		ds.Tables = append(ds.Tables, v.Name)
	}
	if err := ds.Prepare(opt.Overwrite); err != nil {
		return nil, &OutputDirError{Err: err}
	}

	jobs := p.ShardJobs(shard, shards)
	workers = max(1, min(workers, len(jobs)))
	meta := datasetMeta(p)
	schema := p.Schema(meta)
	agentSchemas := p.AgentSchemas(meta)
	res := &Result{Dir: dir, Jobs: len(jobs), Report: newReport(p)}

	var (
		next     atomic.Int64
		jobsDone atomic.Int64
		rows     atomic.Int64
		mu       sync.Mutex
	)
	stopProgress := startProgress(opt, len(jobs), &jobsDone, &rows, start)

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	ws := make([]*worker, workers)
	for w := range ws {
		wk := &worker{id: w, plan: p, ds: ds, format: format, schema: schema, mem: memory.DefaultAllocator,
			opts:    writerOptions{compression: x.Output.Compression, rowGroupRows: x.Output.RowGroupRows, parquet: parquetWriters{}},
			engines: map[*gds.Model]*gds.Engine{}}
		wk.batch = newBatch(p, schema, agentSchemas)
		// A batch flushes at row_group_rows rows or maxBatchCells values;
		// flat rows reach the first, and no run writes more rows than the
		// plan has.
		wk.batch.reserve(int(min(int64(x.Output.RowGroupRows), int64(maxBatchCells/(5+len(wk.batch.cols))+1), p.Rows())))
		wk.tableFiles = make([][]dataset.FileInfo, len(ds.Tables))
		ws[w] = wk
		g.Go(func() error {
			for {
				k := int(next.Add(1)) - 1
				if k >= len(jobs) || gctx.Err() != nil {
					return wk.finish()
				}
				spec := p.Job(jobs[k])
				n, anomalies, jobErr, err := wk.run(gctx, spec)
				if err != nil {
					return err // I/O failure or cancellation: stop everything
				}
				mu.Lock()
				if jobErr == nil && res.Report != nil {
					res.Report.Add(spec.Simulation, wk.pass)
				}
				if jobErr != nil {
					res.Failed = append(res.Failed, dataset.JobFailure{Simulation: spec.Simulation, Subset: spec.Subset, Run: spec.Run,
						Params: p.paramValues(spec), Error: jobErr.Error()})
				}
				for _, a := range anomalies {
					res.Anomalies = append(res.Anomalies, dataset.JobAnomaly{Simulation: spec.Simulation, Subset: spec.Subset, Run: spec.Run,
						Timestep: a.Timestep, Substep: a.Substep, PSUB: a.PSUB, Block: a.Block, Var: a.Var, Value: a.Value, ValueText: fmt.Sprint(a.Value)})
				}
				mu.Unlock()
				rows.Add(n)
				jobsDone.Add(1)
			}
		})
	}
	err := g.Wait()
	defer func() { // the workers are done with their batches
		for _, wk := range ws {
			wk.batch.free()
		}
	}()
	if err == nil {
		err = ctx.Err()
	}
	stopProgress()
	if err != nil {
		for _, wk := range ws {
			wk.abort()
		}
		ds.RemoveTemps()
		return nil, err
	}
	for _, wk := range ws {
		res.Files = append(res.Files, wk.files...)
	}
	dataset.SortFiles(res.Files)
	all := res.Files
	for k, name := range ds.Tables {
		t := &dataset.TableInfo{Dir: dataset.TableDir(name), Columns: columnsOf(agentSchemas[k]), Files: []dataset.FileInfo{}}
		for _, wk := range ws {
			t.Files = append(t.Files, wk.tableFiles[k]...)
		}
		dataset.SortFiles(t.Files)
		for _, f := range t.Files {
			t.Rows += f.Rows
		}
		if res.Tables == nil {
			res.Tables = map[string]*dataset.TableInfo{}
		}
		res.Tables[name] = t
		all = append(all[:len(all):len(all)], t.Files...)
	}
	sort.Slice(res.Failed, func(i, j int) bool {
		return lessIDs(res.Failed[i].Simulation, res.Failed[i].Subset, res.Failed[i].Run, res.Failed[j].Simulation, res.Failed[j].Subset, res.Failed[j].Run)
	})
	sort.Slice(res.Anomalies, func(i, j int) bool {
		a, b := res.Anomalies[i], res.Anomalies[j]
		return lessIDs(a.Simulation, a.Subset, a.Run, b.Simulation, b.Subset, b.Run)
	})
	res.Rows = rows.Load()
	if err := ds.Commit(all); err != nil {
		ds.RemoveTemps()
		return nil, err
	}
	res.Elapsed = time.Since(start)
	if res.Report != nil {
		if err := ds.WriteReport(res.Report); err != nil {
			return nil, err
		}
		_, res.ReportTable = ds.ReportPaths()
	}
	if res.Manifest, err = ds.WriteManifest(manifestOf(ds, p, res, schema)); err != nil {
		return nil, err
	}
	if len(res.Failed) > 0 {
		return res, &JobsFailedError{Failed: res.Failed, Jobs: len(jobs)}
	}
	return res, nil
}

func lessIDs(a1, a2, a3, b1, b2, b3 int) bool {
	if a1 != b1 {
		return a1 < b1
	}
	if a2 != b2 {
		return a2 < b2
	}
	return a3 < b3
}

// paramValues returns every parameter of a job, for error reports.
func (p *Plan) paramValues(spec JobSpec) map[string]any {
	sim := p.Sims[spec.Simulation]
	out := map[string]any{}
	for _, pi := range sim.Model.Params() {
		out[pi.Name], _ = sim.Points[spec.Subset].Get(pi.Name)
	}
	return out
}

func startProgress(opt Options, jobs int, done, rows *atomic.Int64, start time.Time) func() {
	if opt.Progress == nil {
		return func() {}
	}
	every := opt.ProgressEvery
	if every <= 0 {
		every = 200 * time.Millisecond
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	snap := func() Progress {
		return Progress{JobsDone: int(done.Load()), Jobs: jobs, Rows: rows.Load(), Elapsed: time.Since(start)}
	}
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				opt.Progress(snap())
			}
		}
	}()
	return func() {
		close(stop)
		wg.Wait()
		opt.Progress(snap())
	}
}

// worker runs jobs one at a time into its own batch and part files.
type worker struct {
	_       cachepad.Pad
	id      int
	plan    *Plan
	ds      *dataset.Shard
	format  fileFormat
	schema  *arrow.Schema
	mem     memory.Allocator
	opts    writerOptions
	engines map[*gds.Model]*gds.Engine
	batch   *batch

	main       *part   // the worker's shared part, for completed jobs
	spill      *part   // the current job's own part, once it outgrows the batch
	spilled    []*part // the current job's full parts, closed (see maxPartRowGroups)
	jobStart   int     // rows of the batch before it belong to completed jobs
	jobRows    int64
	seq        int
	files      []dataset.FileInfo
	tableFiles [][]dataset.FileInfo // by agent table
	parts      []*part
	pass       []bool // the last job's criteria, judged on its final state
	_          cachepad.Pad
}

// part is a part of the dataset being written under temporary names: one
// file per table, the substep table's in the dataset directory and each
// agent table's, with the same name, in the table's directory. A part's
// files hold the same substep rows (an agent table the records of those
// rows); they are written, spilled, discarded and committed together.
type part struct {
	name      string     // final file name, in every table's directory
	files     []partFile // [0] the substep table, [1+k] agent table k
	discarded bool
}

// partFile is one table's file of a part.
type partFile struct {
	tmp    string
	f      *os.File
	w      partWriter
	rows   int64
	groups int // records written: row groups, in Parquet
}

func (wk *worker) newPart() (*part, error) {
	name := wk.ds.PartName(wk.id, wk.seq)
	wk.seq++
	pt := &part{name: name, files: make([]partFile, 1+len(wk.ds.Tables))}
	for k := range pt.files {
		table, schema := "", wk.schema
		if k > 0 {
			table, schema = wk.ds.Tables[k-1], wk.batch.tables[k-1].schema
		}
		pf := &pt.files[k]
		pf.tmp = wk.ds.TempPath(dataset.FileName(table, name))
		f, err := os.Create(pf.tmp)
		if err != nil {
			pt.discard()
			return nil, fmt.Errorf("output: %w", err)
		}
		pf.f = f
		if pf.w, err = wk.format.open(f, schema, wk.opts); err != nil {
			pt.discard()
			return nil, fmt.Errorf("output %s: %w", pf.tmp, err)
		}
	}
	wk.parts = append(wk.parts, pt)
	return pt, nil
}

// write writes the batch's rows [lo, hi) to the substep table's file and
// their agent records to the agent tables' files, in records of at most
// chunk agent rows.
func (pt *part) write(b *batch, mem memory.Allocator, lo, hi, chunk int) error {
	if hi <= lo {
		return nil
	}
	rec := b.record(mem, lo, hi)
	defer rec.Release()
	main := &pt.files[0]
	if err := main.w.Write(rec); err != nil {
		return fmt.Errorf("output %s: %w", main.tmp, err)
	}
	main.rows += int64(hi - lo)
	main.groups++
	for k, t := range b.tables {
		pf := &pt.files[1+k]
		err := b.writeAgents(t, mem, lo, hi, chunk, func(r arrow.Record) error {
			if err := pf.w.Write(r); err != nil {
				return fmt.Errorf("output %s: %w", pf.tmp, err)
			}
			pf.rows += r.NumRows()
			pf.groups++
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// rows returns the number of substep rows written to the part.
func (pt *part) rows() int64 { return pt.files[0].rows }

// maxPartRowGroups is the number of row groups after which a part file is
// closed and the next rows go to a new one. A Parquet writer keeps the
// metadata of every row group (~1 KB per column chunk, statistics
// included) in memory until it writes the footer, so a part file that a
// worker kept open for a whole run grew the process with the number of
// runs: abm's agent table (16384 records per row group), 51 MB peak RSS
// with 10 runs, 100 MB with 100. At 64 row groups an open file holds
// about 0.6 MB of metadata for a 9-column table.
const maxPartRowGroups = 64

// full reports whether one of the part's files has maxPartRowGroups row
// groups.
func (pt *part) full() bool {
	for k := range pt.files {
		if pt.files[k].groups >= maxPartRowGroups {
			return true
		}
	}
	return false
}

// close closes the part's files (keeping their temporary names).
func (pt *part) close() error {
	var first error
	for k := range pt.files {
		pf := &pt.files[k]
		if pf.w == nil {
			continue
		}
		err := pf.w.Close()
		if cerr := pf.f.Close(); err == nil {
			err = cerr
		}
		pf.w, pf.f = nil, nil
		if err != nil && first == nil {
			first = fmt.Errorf("output %s: %w", pf.tmp, err)
		}
	}
	return first
}

// discard closes and removes the part's files.
func (pt *part) discard() {
	for k := range pt.files {
		pf := &pt.files[k]
		if pf.f != nil {
			pf.f.Close()
		}
		pf.w, pf.f = nil, nil
		if pf.tmp != "" {
			os.Remove(pf.tmp)
		}
	}
	pt.discarded = true
}

// maxBatchCells bounds a worker's batch in values (8 bytes each, so 8 MiB
// of numbers): rows holding vectors or agent records flush before they
// reach row_group_rows, so memory stays workers × batch whatever the
// number of agents.
const maxBatchCells = 1 << 20

// Record is the gds.Recorder of a worker: it appends to the batch and
// flushes when the batch is full.
func (wk *worker) Record(r *gds.Row) error {
	b := wk.batch
	b.Record(r)
	wk.jobRows++
	if b.n < wk.opts.rowGroupRows && b.cells() < maxBatchCells {
		return nil
	}
	// The batch is full (in rows, or in values for rows that hold lists): completed jobs' rows go to the shared part file,
	// the current job's rows to its own part file, which a failure can
	// discard whole.
	if wk.jobStart > 0 {
		if wk.main == nil {
			var err error
			if wk.main, err = wk.newPart(); err != nil {
				return err
			}
		}
		if err := wk.main.write(b, wk.mem, 0, wk.jobStart, wk.opts.rowGroupRows); err != nil {
			return err
		}
		if wk.main.full() { // completed jobs' rows: the part is final
			if err := wk.main.close(); err != nil {
				return err
			}
			wk.main = nil
		}
	}
	if wk.spill == nil {
		var err error
		if wk.spill, err = wk.newPart(); err != nil {
			return err
		}
	}
	if err := wk.spill.write(b, wk.mem, wk.jobStart, b.n, wk.opts.rowGroupRows); err != nil {
		return err
	}
	if wk.spill.full() { // the job's next rows go to a new part; a failure discards both
		if err := wk.spill.close(); err != nil {
			return err
		}
		wk.spilled, wk.spill = append(wk.spilled, wk.spill), nil
	}
	b.truncate(0)
	wk.jobStart = 0
	return nil
}

// run runs one job. jobErr is the job's own failure (a panic or NaN): its
// rows are dropped and the worker goes on. err is fatal (I/O, cancellation).
func (wk *worker) run(ctx context.Context, spec JobSpec) (rows int64, anomalies []gds.Anomaly, jobErr, err error) {
	sim := &wk.plan.Sims[spec.Simulation]
	e := wk.engines[sim.Model]
	if e == nil {
		e = sim.Model.NewEngine()
		wk.engines[sim.Model] = e
	}
	job := wk.plan.GDSJob(spec)
	wk.batch.setJob(job.Params)
	wk.jobRows = 0
	runErr := e.Run(ctx, job, wk)
	var be *gds.BlockError
	var ne *gds.NaNError
	switch {
	case runErr == nil:
		if wk.spill != nil {
			if err := wk.spill.write(wk.batch, wk.mem, 0, wk.batch.n, wk.opts.rowGroupRows); err != nil {
				return 0, nil, nil, err
			}
			wk.batch.truncate(0)
			if err := wk.spill.close(); err != nil {
				return 0, nil, nil, err
			}
			wk.spill = nil
		}
		clear(wk.spilled)
		wk.spilled = wk.spilled[:0]
		wk.jobStart = wk.batch.n
		if crit := wk.plan.Criteria; len(crit) > 0 {
			final := e.Final().Bools()
			wk.pass = wk.pass[:0]
			for _, c := range crit {
				wk.pass = append(wk.pass, final[c.Slot])
			}
		}
		return wk.jobRows, e.Anomalies(), nil, nil
	case errors.As(runErr, &be), errors.As(runErr, &ne):
		wk.batch.truncate(wk.jobStart)
		if wk.spill != nil {
			wk.spill.discard()
			wk.spill = nil
		}
		for _, pt := range wk.spilled {
			pt.discard()
		}
		clear(wk.spilled)
		wk.spilled = wk.spilled[:0]
		return 0, nil, runErr, nil
	default:
		return 0, nil, nil, runErr
	}
}

// finish writes the remaining rows and closes the worker's files.
func (wk *worker) finish() error {
	if wk.jobStart > 0 {
		if wk.main == nil {
			var err error
			if wk.main, err = wk.newPart(); err != nil {
				return err
			}
		}
		if err := wk.main.write(wk.batch, wk.mem, 0, wk.jobStart, wk.opts.rowGroupRows); err != nil {
			return err
		}
		wk.batch.truncate(0)
		wk.jobStart = 0
	}
	if wk.main != nil {
		if err := wk.main.close(); err != nil {
			return err
		}
	}
	for _, pt := range wk.parts {
		switch {
		case pt.discarded, pt.files[0].w != nil: // discarded, or still open (not in a finished run)
		case pt.rows() == 0:
			pt.discard() // opened, never written
		default:
			wk.files = append(wk.files, dataset.FileInfo{Name: pt.name, Rows: pt.rows()})
			for k, table := range wk.ds.Tables {
				wk.tableFiles[k] = append(wk.tableFiles[k], dataset.FileInfo{Name: dataset.FileName(table, pt.name), Rows: pt.files[1+k].rows})
			}
		}
	}
	return nil
}

func (wk *worker) abort() {
	for _, pt := range wk.parts {
		pt.discard()
	}
}
