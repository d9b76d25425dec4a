package runner

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"golang.org/x/sync/errgroup"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/runner/dataset"
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
	// Rows, if set, is called with each record the run writes, and its
	// table ("" for the substep table, an agent or graph table's name),
	// before the record is released, from the workers' goroutines
	// (several at once). A job that fails may have passed rows to it
	// that the dataset does not hold: the Result lists it in Failed. The
	// HTML report of a run keeps the rows its charts read this way
	// (report.Collector), instead of reading them back.
	Rows func(table string, rec arrow.Record)
	// ShardRows, if set, returns what a shard's report keeps of the rows
	// passed to Rows, encoded; a shard that ran every one of its jobs
	// (none resumed) commits it with its manifest
	// (dataset.Manifest.ReportRows), for the report that statecraft merge
	// writes. An error leaves it out: that report reads the dataset.
	ShardRows func() ([]byte, error)
}

// Progress is a snapshot of a running experiment.
type Progress struct {
	JobsDone, Jobs int
	Rows           int64
	Elapsed        time.Duration
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
	if x.Optimize != nil && shards > 1 {
		return nil, fmt.Errorf("[optimize] runs on one machine: its evaluations depend on each other; run it without --shard")
	}
	ds := &dataset.Shard{Dir: dir, Index: shard, Count: shards, Ext: format.ext, KPIs: len(p.KPIs) > 0, Trace: x.Optimize != nil, Stage: true}
	for _, v := range p.AgentTables() {
		ds.Tables = append(ds.Tables, v.Name)
	}
	for _, t := range p.GraphTables() {
		ds.Tables = append(ds.Tables, t.Name())
	}
	release, err := ds.Lock()
	if err != nil {
		return nil, &OutputDirError{Err: err}
	}
	defer release()
	jobs := p.ShardJobs(shard, shards)
	id := identityOf(p, ds, jobs.Len())
	journal, resume, err := ds.Start(id, opt.Overwrite)
	if err != nil {
		return nil, &OutputDirError{Err: err}
	}
	if resume.Committed {
		return finishedResult(ds, jobs.Len(), start)
	}
	defer journal.Close()

	var optimum *Optimum
	if x.Optimize != nil {
		if optimum, err = p.optimizeRun(ctx, workers); err != nil {
			return nil, &StoppedError{Err: err, Dir: dir, Kept: resume.Jobs(), Jobs: jobs.Len(), Staging: ds.Staging()}
		}
		if p, err = p.atOptimum(optimum); err != nil {
			return nil, err
		}
		jobs = p.ShardJobs(shard, shards)
	}
	meta := datasetMeta(p)
	schema := p.Schema(meta)
	tableSchemas := p.TableSchemas(meta)
	res := &Result{Dir: dir, Jobs: jobs.Len(), Resumed: resume.Jobs()}
	kpis := newKPIStore(p, jobs)
	done, err := res.resume(ds, resume, kpis)
	if err != nil {
		return nil, err
	}
	resume.Checkpoints = nil // in res and kpis now: the journal's jobs are not held twice
	workers = max(1, min(workers, jobs.Len()-done.len()))

	var (
		next     atomic.Int64
		jobsDone atomic.Int64
		rows     atomic.Int64
		mu       sync.Mutex
	)
	jobsDone.Store(int64(done.len()))
	rows.Store(res.Rows)
	stopProgress := startProgress(opt, jobs.Len(), &jobsDone, &rows, start)

	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	ws := make([]*worker, workers)
	swept := map[string]bool{}
	for _, f := range p.sweptFields() {
		swept[f.Name] = true
	}
	for w := range ws {
		wk := &worker{id: w, plan: p, ds: ds, format: format, schema: schema, mem: memory.DefaultAllocator,
			opts: writerOptions{compression: x.Output.Compression, rowGroupRows: x.Output.RowGroupRows,
				batchRows: batchRows(x.Output.RowGroupRows), swept: swept, parquet: parquetWriters{}, rows: opt.Rows},
			engines: map[*gds.Model]*gds.Engine{}, seq: resume.NextSeq,
			journal: journal, every: time.Duration(x.Output.CheckpointSeconds * float64(time.Second)), checkpoint: time.Now()}
		wk.batch = newBatch(p, schema, tableSchemas)
		perRow := 5 + len(wk.batch.cols) // values of a flat row (batch.cells)
		wk.flushRows = min(wk.opts.batchRows, (maxBatchCells+perRow-1)/perRow)
		// A batch flushes at batchRows rows or maxBatchCells values;
		// flat rows reach the first, and no run writes more rows than the
		// plan has.
		wk.batch.reserve(int(min(int64(batchRows(x.Output.RowGroupRows)), int64(maxBatchCells/(5+len(wk.batch.cols))+1), p.Rows())))
		wk.tableFiles = make([][]dataset.FileInfo, len(ds.Tables))
		ws[w] = wk
		g.Go(func() error {
			for {
				k := int(next.Add(1)) - 1
				if k >= jobs.Len() || gctx.Err() != nil {
					return wk.finish()
				}
				if done.has(k) {
					continue // kept from the interrupted run
				}
				spec := p.Job(jobs.At(k))
				n, anomalies, jobErr, err := wk.run(gctx, spec)
				if err != nil {
					return err // I/O failure or cancellation: stop everything
				}
				dj := dataset.DoneJob{Index: spec.Index}
				if jobErr != nil {
					dj.Failure = &dataset.JobFailure{Simulation: spec.Simulation, Subset: spec.Subset, Run: spec.Run,
						Params: p.paramValues(spec), Error: jobErr.Error()}
				} else if len(p.KPIs) > 0 {
					dj.KPIs = wk.kpiVals // addJob replaces it with the store's copy
				}
				for _, a := range anomalies {
					dj.Anomalies = append(dj.Anomalies, dataset.JobAnomaly{Simulation: spec.Simulation, Subset: spec.Subset, Run: spec.Run,
						Timestep: a.Timestep, Substep: a.Substep, PSUB: a.PSUB, Block: a.Block, Var: a.Var, Value: a.Value, ValueText: fmt.Sprint(a.Value)})
				}
				mu.Lock()
				err = res.addJob(&dj, kpis)
				mu.Unlock()
				if err != nil {
					return err
				}
				rows.Add(n)
				jobsDone.Add(1)
				if err := wk.finished(dj); err != nil {
					return err
				}
			}
		})
	}
	err = g.Wait()
	defer func() { // the workers are done with their batches
		for _, wk := range ws {
			wk.batch.free()
			for _, k := range wk.kpiRecs {
				k.kr.arena.Free()
			}
		}
	}()
	if err == nil {
		err = ctx.Err()
	}
	stopProgress()
	if err != nil {
		for _, wk := range ws {
			wk.stop(ctx.Err() != nil)
		}
		kept := res.Resumed
		for _, wk := range ws {
			kept += wk.kept
		}
		return nil, &StoppedError{Err: err, Dir: dir, Kept: kept, Jobs: jobs.Len(), Staging: ds.Staging()}
	}
	for _, wk := range ws {
		res.Files = append(res.Files, wk.files...)
		for k := range ds.Tables {
			res.tableFiles[k] = append(res.tableFiles[k], wk.tableFiles[k]...)
		}
	}
	dataset.SortFiles(res.Files)
	all := res.Files
	for k, name := range ds.Tables {
		t := &dataset.TableInfo{Dir: dataset.TableDir(name), Kind: p.tableKind(k), Columns: ColumnsOf(tableSchemas[k]), Files: res.tableFiles[k]}
		if t.Files == nil {
			t.Files = []dataset.FileInfo{}
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
	sort.SliceStable(res.Anomalies, func(i, j int) bool {
		a, b := res.Anomalies[i], res.Anomalies[j]
		return lessIDs(a.Simulation, a.Subset, a.Run, b.Simulation, b.Subset, b.Run)
	})
	res.Rows = rows.Load()
	// Whatever fails from here leaves the run resumable: every job is in
	// the journal, and nothing is visible until the commit is decided.
	stopped := func(err error) (*Result, error) {
		return nil, &StoppedError{Err: err, Dir: dir, Kept: jobs.Len(), Jobs: jobs.Len(), Staging: ds.Staging()}
	}
	if len(p.KPIs) > 0 {
		kschema := p.KPISchema(meta)
		f, err := writeKPITable(ds, kpis, kschema)
		if err != nil {
			return stopped(err)
		}
		res.KPIs = &dataset.TableInfo{Dir: dataset.TableDir(dataset.KPITable), Rows: f.Rows, Columns: ColumnsOf(kschema), Files: []dataset.FileInfo{f}}
		all = append(all[:len(all):len(all)], f)
	}
	if optimum != nil {
		if res.Trace, err = writeTrace(ds, p, optimum); err != nil {
			return stopped(err)
		}
		all = append(all[:len(all):len(all)], res.Trace.Files...)
	}
	var metaFiles []dataset.MetaFile
	if len(p.KPIs) > 0 && shards == 1 { // a shard's decisions would be partial: merge draws them
		var decisionJSON, decisionText []byte
		if res.Decisions, err = p.decide(kpis); err == nil {
			res.Decisions.Optimum = optimum
			decisionJSON, decisionText, err = res.Decisions.encode()
		}
		if err != nil {
			return stopped(err)
		}
		jsonPath, textPath := ds.DecisionPaths()
		metaFiles = append(metaFiles, dataset.MetaFile{Name: filepath.Base(jsonPath), Data: decisionJSON}, dataset.MetaFile{Name: filepath.Base(textPath), Data: decisionText})
		res.DecisionText = textPath
	}
	if shards > 1 && opt.ShardRows != nil && res.Resumed == 0 {
		if data, err := opt.ShardRows(); err == nil {
			metaFiles = append(metaFiles, dataset.MetaFile{Name: ds.ReportRowsFile(), Data: data})
			res.reportRows = ds.ReportRowsFile()
		}
	}
	res.Elapsed = time.Since(start)
	man := manifestOf(ds, p, res, schema)
	man.Identity = &id
	manifest, err := dataset.EncodeManifest(man)
	if err != nil {
		return stopped(err)
	}
	metaFiles = append(metaFiles, dataset.MetaFile{Name: ds.ManifestFile(), Data: manifest})
	names := make([]string, len(all))
	for k, f := range all {
		names[k] = f.Name
	}
	if err := ds.Commit(journal, names, metaFiles); err != nil {
		return stopped(err)
	}
	res.Manifest = ds.ManifestPath()
	if len(res.Failed) > 0 {
		return res, &JobsFailedError{Failed: res.Failed, Jobs: jobs.Len()}
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
