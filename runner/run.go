package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"golang.org/x/sync/errgroup"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/cachepad"
)

// Options control one execution of a plan.
type Options struct {
	// Dir is the dataset directory (default: the config's output.dir).
	Dir string
	// Workers is the size of the pool (default: the config's workers).
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
	Dir       string
	Manifest  string                // path of the manifest file
	Jobs      int                   // jobs run by this shard
	Rows      int64                 // rows written by this shard
	Files     []FileInfo            // the substep table's part files
	Tables    map[string]*TableInfo // the agent tables by variable name; nil with none or output.agents = "list"
	Failed    []JobFailure
	Anomalies []JobAnomaly
	Report    *Report // the criteria's pass rates, if the config has [report]
	Elapsed   time.Duration
}

// FileInfo is a part file of the dataset. Name is relative to the dataset
// directory, with forward slashes: part-0000-000-0000.parquet for the
// substep table, agents/part-0000-000-0000.parquet for agent table agents.
type FileInfo struct {
	Name string `json:"name"`
	Rows int64  `json:"rows"`
}

// TableInfo describes an agent table: the records of one agent variable,
// one row per agent per recorded substep, in the directory named after the
// variable. Its part files have the names of the substep table's.
type TableInfo struct {
	Dir     string     `json:"dir"` // relative to the dataset directory
	Rows    int64      `json:"rows"`
	Columns []Column   `json:"columns"`
	Files   []FileInfo `json:"files"`
}

// JobFailure is a job that did not finish; its rows are not in the dataset.
type JobFailure struct {
	Simulation int            `json:"simulation"`
	Subset     int            `json:"subset"`
	Run        int            `json:"run"`
	Params     map[string]any `json:"params"`
	Error      string         `json:"error"`
}

// JobAnomaly is a NaN or ±Inf flagged in a job (on_nan = "flag"). Value
// is written as text (NaN, +Inf, -Inf), which JSON numbers cannot hold.
type JobAnomaly struct {
	Simulation int     `json:"simulation"`
	Subset     int     `json:"subset"`
	Run        int     `json:"run"`
	Timestep   int     `json:"timestep"`
	Substep    int     `json:"substep"`
	PSUB       string  `json:"psub"`
	Block      string  `json:"block"`
	Var        string  `json:"variable"`
	Value      float64 `json:"-"`
	ValueText  string  `json:"value"`
}

// JobsFailedError reports that some jobs failed; the others' rows were
// written and the manifest says the dataset is incomplete.
type JobsFailedError struct {
	Failed []JobFailure
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
	workers := opt.Workers
	if workers <= 0 {
		workers = x.Workers
	}
	shards, shard := max(opt.Shards, 1), opt.Shard
	if shard < 0 || shard >= shards {
		return nil, fmt.Errorf("shard %d/%d: want 0 <= i < n", shard, shards)
	}
	format, ok := formats[x.Output.Format]
	if !ok {
		return nil, fmt.Errorf("output format %v: not a format", x.Output.Format)
	}
	ds := &dataset{dir: dir, shard: shard, shards: shards, ext: format.ext}
	for _, v := range p.AgentTables() {
		ds.tables = append(ds.tables, v.Name)
	}
	if err := ds.prepare(opt.Overwrite); err != nil {
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
		wk.tableFiles = make([][]FileInfo, len(ds.tables))
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
					res.Report.add(spec.Simulation, wk.pass)
				}
				if jobErr != nil {
					res.Failed = append(res.Failed, JobFailure{Simulation: spec.Simulation, Subset: spec.Subset, Run: spec.Run,
						Params: p.paramValues(spec), Error: jobErr.Error()})
				}
				for _, a := range anomalies {
					res.Anomalies = append(res.Anomalies, JobAnomaly{Simulation: spec.Simulation, Subset: spec.Subset, Run: spec.Run,
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
		ds.removeTemps()
		return nil, err
	}
	for _, wk := range ws {
		res.Files = append(res.Files, wk.files...)
	}
	sortFiles(res.Files)
	all := res.Files
	for k, name := range ds.tables {
		t := &TableInfo{Dir: name, Columns: columnsOf(agentSchemas[k]), Files: []FileInfo{}}
		for _, wk := range ws {
			t.Files = append(t.Files, wk.tableFiles[k]...)
		}
		sortFiles(t.Files)
		for _, f := range t.Files {
			t.Rows += f.Rows
		}
		if res.Tables == nil {
			res.Tables = map[string]*TableInfo{}
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
	if err := ds.commit(all); err != nil {
		ds.removeTemps()
		return nil, err
	}
	res.Elapsed = time.Since(start)
	if res.Report != nil {
		if err := res.Report.write(ds); err != nil {
			return nil, err
		}
	}
	if res.Manifest, err = writeManifest(ds, p, res, schema); err != nil {
		return nil, err
	}
	if len(res.Failed) > 0 {
		return res, &JobsFailedError{Failed: res.Failed, Jobs: len(jobs)}
	}
	return res, nil
}

func sortFiles(f []FileInfo) {
	sort.Slice(f, func(i, j int) bool { return f[i].Name < f[j].Name })
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
	ds      *dataset
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
	files      []FileInfo
	tableFiles [][]FileInfo // by agent table
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
	name := fmt.Sprintf("part-%04d-%03d-%04d%s", wk.ds.shard, wk.id, wk.seq, wk.ds.ext)
	wk.seq++
	pt := &part{name: name, files: make([]partFile, 1+len(wk.ds.tables))}
	for k := range pt.files {
		dir, schema := wk.ds.dir, wk.schema
		if k > 0 {
			dir, schema = filepath.Join(wk.ds.dir, wk.ds.tables[k-1]), wk.batch.tables[k-1].schema
		}
		pf := &pt.files[k]
		pf.tmp = filepath.Join(dir, "."+name+".tmp")
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
			wk.files = append(wk.files, FileInfo{Name: pt.name, Rows: pt.rows()})
			for k, table := range wk.ds.tables {
				wk.tableFiles[k] = append(wk.tableFiles[k], FileInfo{Name: table + "/" + pt.name, Rows: pt.files[1+k].rows})
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

// dataset manages the files of one shard in the dataset directory: the
// substep table's part files at its top level, and each agent table's in
// the subdirectory named after the table.
type dataset struct {
	dir           string
	shard, shards int
	ext           string
	tables        []string // the agent tables' directories
}

// ownPrefix is the prefix of this shard's part files.
func (d *dataset) ownPrefix() string { return fmt.Sprintf("part-%04d-", d.shard) }

func (d *dataset) manifestName() string {
	if d.shards <= 1 {
		return "manifest.json"
	}
	return fmt.Sprintf("manifest-shard-%04d-of-%04d.json", d.shard, d.shards)
}

// ours reports whether a file name is one Statecraft writes in a dataset.
func ours(name string) bool {
	n := strings.TrimPrefix(name, ".")
	return strings.HasPrefix(n, "part-") || strings.HasPrefix(n, "manifest") && strings.HasSuffix(n, ".json") ||
		strings.HasSuffix(n, ".tmp") && strings.HasPrefix(n, "manifest") || strings.HasPrefix(n, "report")
}

// isPart reports whether a file name is a part file's (final or temporary).
func isPart(name string) bool { return strings.HasPrefix(strings.TrimPrefix(name, "."), "part-") }

// mine reports whether a file belongs to this shard.
func (d *dataset) mine(name string) bool {
	n := strings.TrimPrefix(name, ".")
	if strings.HasPrefix(n, "part-") {
		return d.shards <= 1 || strings.HasPrefix(n, d.ownPrefix())
	}
	if strings.HasPrefix(n, "manifest") {
		return d.shards <= 1 || strings.HasPrefix(n, strings.TrimSuffix(d.manifestName(), ".json"))
	}
	if strings.HasPrefix(n, "report") {
		return d.shards <= 1 || strings.HasPrefix(n, fmt.Sprintf("report-shard-%04d-", d.shard))
	}
	return false
}

// isTable reports whether name is one of this run's agent tables.
func (d *dataset) isTable(name string) bool { return slices.Contains(d.tables, name) }

// prepare creates the directory and the agent tables' directories, and
// checks that it holds nothing this run would mix with: refused unless
// empty (or, with shards, holding only other shards' files), or overwrite
// removes this run's old files. A subdirectory is an agent table of a
// dataset if it holds part files only (or is empty and one of this run's
// tables); overwrite removes this shard's part files in it, and the
// directory once empty if this run does not write that table.
func (d *dataset) prepare(overwrite bool) error {
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		return fmt.Errorf("output directory %s: %w", d.dir, err)
	}
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return fmt.Errorf("output directory %s: %w", d.dir, err)
	}
	var foreign, old, stale []string
	for _, e := range entries {
		if e.IsDir() {
			files, err := os.ReadDir(filepath.Join(d.dir, e.Name()))
			if err != nil {
				return fmt.Errorf("output directory %s: %w", d.dir, err)
			}
			table := len(files) > 0 || d.isTable(e.Name())
			for _, f := range files {
				if f.IsDir() || !isPart(f.Name()) {
					table = false
				}
			}
			if !table {
				foreign = append(foreign, e.Name()+"/")
				continue
			}
			for _, f := range files {
				if d.mine(f.Name()) {
					old = append(old, e.Name()+"/"+f.Name())
				}
			}
			if !d.isTable(e.Name()) {
				stale = append(stale, e.Name())
			}
			continue
		}
		switch {
		case !ours(e.Name()):
			foreign = append(foreign, e.Name())
		case d.mine(e.Name()):
			old = append(old, e.Name())
		case d.shards <= 1:
			old = append(old, e.Name())
		}
	}
	if d.shards > 1 {
		// other shards' files are expected; a plain manifest.json means a
		// finished dataset is here (merged, or from one machine)
		for _, e := range entries {
			if e.Name() == "manifest.json" {
				return fmt.Errorf("output directory %s holds a finished dataset (manifest.json, from one machine or 'statecraft merge'); choose another directory, or remove manifest.json to rerun shards into it", d.dir)
			}
		}
	}
	if len(foreign) > 0 {
		return fmt.Errorf("output directory %s holds files Statecraft did not write for this run (%s); choose an empty directory", d.dir, listNames(foreign))
	}
	if len(old) > 0 && !overwrite {
		return fmt.Errorf("output directory %s is not empty (%s); pass --overwrite to replace its dataset", d.dir, listNames(old))
	}
	for _, n := range old {
		if err := os.Remove(filepath.Join(d.dir, filepath.FromSlash(n))); err != nil {
			return fmt.Errorf("output directory %s: %w", d.dir, err)
		}
	}
	for _, n := range stale {
		os.Remove(filepath.Join(d.dir, n)) // only if empty: other shards' files stay
	}
	for _, t := range d.tables {
		if err := os.MkdirAll(filepath.Join(d.dir, t), 0o755); err != nil {
			return fmt.Errorf("output directory %s: %w", d.dir, err)
		}
	}
	// check that the directory is writable before running anything
	probe := filepath.Join(d.dir, fmt.Sprintf(".part-%04d-probe.tmp", d.shard))
	f, err := os.Create(probe)
	if err != nil {
		return fmt.Errorf("output directory %s is not writable: %w", d.dir, err)
	}
	f.Close()
	os.Remove(probe)
	return nil
}

func listNames(n []string) string {
	if len(n) > 3 {
		return strings.Join(n[:3], ", ") + ", and " + strconv.Itoa(len(n)-3) + " more"
	}
	return strings.Join(n, ", ")
}

// tmpPath is the temporary path of a part file (a FileInfo name).
func (d *dataset) tmpPath(name string) string {
	dir, base := path.Split(name)
	return filepath.Join(d.dir, filepath.FromSlash(dir), "."+base+".tmp")
}

// commit renames the finished part files to their final names.
func (d *dataset) commit(files []FileInfo) error {
	for _, f := range files {
		if err := os.Rename(d.tmpPath(f.Name), filepath.Join(d.dir, filepath.FromSlash(f.Name))); err != nil {
			return fmt.Errorf("output: %w", err)
		}
	}
	return nil
}

// removeTemps removes this shard's temporary files, in the agent tables'
// directories too, and those directories if this run made them and left
// them empty (with shards, other shards may be writing into them).
func (d *dataset) removeTemps() {
	for _, sub := range append([]string{""}, d.tables...) {
		dir := filepath.Join(d.dir, sub)
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") && strings.HasSuffix(e.Name(), ".tmp") && d.mine(e.Name()) {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
		if sub != "" && d.shards <= 1 {
			os.Remove(dir) // only if empty
		}
	}
}
