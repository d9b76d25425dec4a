package runner

import (
	"context"
	"errors"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/cachepad"
	"github.com/statecraft/statecraft/runner/dataset"
)

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
	// flushRows is the rows at which the batch flushes: batchRows, or
	// fewer when that many flat rows would exceed maxBatchCells (rows with
	// lists are counted by batch.cells as they come).
	flushRows int

	main       *part // the worker's shared part, for completed jobs
	share      bool  // the current job may fill the batch into main (maxSharedJobRows)
	marked     bool  // the current job's rows are in main after jobMark
	jobMark    partMark
	spill      *part   // the current job's own part, once it outgrows the batch
	spilled    []*part // the current job's full parts, closed (see maxPartRowGroups)
	jobStart   int     // rows of the batch before it belong to completed jobs
	jobRows    int64
	colStart   int            // the batch's rows when the engine took its columns (ColumnsFull)
	cols       gds.RowColumns // the batch's columns, lent to the engine
	colJob     gds.Row        // the ids of the job whose rows the engine stores there
	seq        int
	files      []dataset.FileInfo
	tableFiles [][]dataset.FileInfo // by agent table
	parts      []*part
	kpiRecs    map[*gds.Model]*kpiRecorder
	kpiRows    *kpiRun   // the job's KPIs, when they read the recorded rows
	kpiVals    []float64 // the last job's KPIs, valid until the next job

	// The checkpoints: jobs finished since the last one, whose rows are in
	// the batch, the open main part or parts[journaled:]; the parts before
	// journaled are recorded in the journal.
	journal    *dataset.Journal
	pending    []dataset.DoneJob
	journaled  int
	kept       int // jobs recorded in the journal
	every      time.Duration
	checkpoint time.Time // the last one
	_          cachepad.Pad
}

// Record is the gds.Recorder of a worker: it appends to the batch and
// flushes when the batch is full.
func (wk *worker) Record(r *gds.Row) error {
	b := wk.batch
	b.Record(r)
	wk.jobRows++
	if b.n < wk.flushRows && (!b.lists || b.cells() < maxBatchCells) {
		return nil
	}
	return wk.full(b)
}

// RecordColumns lends the engine the batch's columns (gds.ColumnRecorder)
// when the substep table's columns are all float, int and bool variables,
// besides the ids and the parameters, which the batch fills itself.
func (wk *worker) RecordColumns(first *gds.Row) *gds.RowColumns {
	b := wk.batch
	if !b.columnar() {
		return nil
	}
	if b.lend(&wk.cols, wk.flushRows); b.n >= len(wk.cols.Timestep) {
		return nil // no room left (ColumnsFull flushes before that): the rows go through Record
	}
	wk.colJob = *first
	b.openJob(first)
	wk.colStart = b.n
	return &wk.cols
}

// ColumnsFull takes the rows the engine stored up to n into the batch,
// and flushes it when it is full.
func (wk *worker) ColumnsFull(n int) (int, error) {
	b := wk.batch
	b.setRows(n)
	wk.jobRows += int64(n - wk.colStart)
	var err error
	if b.n >= wk.flushRows || b.n >= len(wk.cols.Timestep) { // full, or at the end of what it lent
		err = wk.full(b)
		if !b.open { // the job's rows so far are written: its next ones need a segment
			b.openJob(&wk.colJob)
		}
	}
	wk.colStart = b.n
	b.lend(&wk.cols, wk.flushRows)
	return b.n, err
}

// full flushes the full batch, letting the KPIs that read the recorded
// rows take them first.
func (wk *worker) full(b *batch) error {
	kr := wk.kpiRows
	if kr == nil {
		return wk.flush(b)
	}
	// KPIs that read the recorded rows take the job's rows before they
	// leave the batch; those that stay (moved to the front) are taken.
	kr.consume(b.n)
	err := wk.flush(b)
	kr.pos = b.n
	return err
}

// flush writes the rows of a full batch and makes room in it.
func (wk *worker) flush(b *batch) error {
	// The batch is full (in rows, or in values for rows that hold
	// lists). Completed jobs' rows go to the shared part file, and the
	// current job's rows move to the front of the batch. A job that fills
	// the batch alone goes to the shared part after a mark, which a
	// failure rolls the part back to (wk.share), or else to a part file of
	// its own, which a failure discards whole.
	if wk.jobStart > 0 {
		if wk.main == nil {
			var err error
			if wk.main, err = wk.newPart(); err != nil {
				return err
			}
		}
		if err := wk.main.write(b, wk.mem, 0, wk.jobStart, wk.opts.batchRows, wk.opts.rowGroupRows); err != nil {
			return err
		}
		if wk.main.full() { // completed jobs' rows: the part is final
			if err := wk.main.close(); err != nil {
				return err
			}
			wk.main = nil
		}
		b.drop(wk.jobStart)
		wk.jobStart = 0
		return nil
	}
	if wk.share {
		// The job fills the batch alone: its rows go to the shared part
		// too, after a mark that a failure rolls the part back to.
		if wk.main == nil {
			var err error
			if wk.main, err = wk.newPart(); err != nil {
				return err
			}
		}
		if !wk.marked && wk.main.canRollback() {
			var err error
			if wk.jobMark, err = wk.main.mark(); err != nil {
				return err
			}
			wk.marked = true
		}
		if wk.marked {
			if err := wk.main.write(b, wk.mem, 0, b.n, wk.opts.batchRows, wk.opts.rowGroupRows); err != nil {
				return err
			}
			b.truncate(0)
			return nil
		}
		wk.share = false // the format cannot roll back: the job spills
	}
	if wk.spill == nil {
		var err error
		if wk.spill, err = wk.newPart(); err != nil {
			return err
		}
	}
	if err := wk.spill.write(b, wk.mem, 0, b.n, wk.opts.batchRows, wk.opts.rowGroupRows); err != nil {
		return err
	}
	if wk.spill.full() { // the job's next rows go to a new part; a failure discards both
		if err := wk.spill.close(); err != nil {
			return err
		}
		wk.spilled, wk.spill = append(wk.spilled, wk.spill), nil
	}
	b.truncate(0)
	return nil
}

// kpiRecorder is a worker's Recorder when the experiment has KPIs: it
// records as the worker does and observes every timestep's state.
type kpiRecorder struct {
	*worker
	kr *kpiRun
}

// Observe feeds the state at the end of a timestep to the KPIs.
func (k *kpiRecorder) Observe(r *gds.Row) { k.kr.observe(r) }

// ObservedFloats lets the engine copy the KPIs' float variables itself.
func (k *kpiRecorder) ObservedFloats() ([]int, [][]float64) { return k.kr.observedFloats() }

// ObserveFull folds the observations the engine copied.
func (k *kpiRecorder) ObserveFull(n int) { k.kr.observeFull(n) }

// recorder returns the Recorder of a job of model m: the worker, or with
// KPIs a kpiRecorder of m reset for the job.
func (wk *worker) recorder(m *gds.Model) (gds.Recorder, *kpiRun, error) {
	kp := wk.plan.kpis[m]
	if kp == nil {
		return wk, nil, nil
	}
	rec := wk.kpiRecs[m]
	if rec == nil {
		kr, err := newKPIRun(kp, m)
		if err != nil {
			return nil, nil, err
		}
		rec = &kpiRecorder{worker: wk, kr: kr}
		if wk.kpiRecs == nil {
			wk.kpiRecs = map[*gds.Model]*kpiRecorder{}
		}
		wk.kpiRecs[m] = rec
	}
	rec.kr.reset(wk.plan.Config.Timesteps)
	return rec, rec.kr, nil
}

// readRows lets the job's KPIs, if any, read the recorded rows rather
// than have the engine copy their variables, when every timestep is
// recorded.
func (wk *worker) readRows(kr *kpiRun, m *gds.Model, job *gds.Job) {
	wk.kpiRows = nil
	if kr == nil {
		return
	}
	kr.readRows(wk.batch, job.Schedule, m.PSUBs(), wk.batch.n)
	if kr.fromRows {
		wk.kpiRows = kr
	}
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
	wk.batch.setJob(job.Params, job.Init)
	wk.jobRows = 0
	wk.share = len(wk.ds.Tables) == 0 && wk.plan.RowsPerRun <= maxSharedJobRows &&
		wk.plan.RowsPerRun/wk.opts.rowGroupRows <= maxSharedJobGroups
	rec, kr, err := wk.recorder(sim.Model)
	if err != nil {
		return 0, nil, nil, err
	}
	wk.readRows(kr, sim.Model, job)
	runErr := e.Run(ctx, job, rec)
	var be *gds.BlockError
	var ne *gds.NaNError
	switch {
	case runErr == nil:
		if wk.kpiRows != nil {
			wk.kpiRows.consume(wk.batch.n) // before the spill below empties the batch
		}
		if wk.spill != nil {
			if err := wk.spill.write(wk.batch, wk.mem, 0, wk.batch.n, wk.opts.batchRows, wk.opts.rowGroupRows); err != nil {
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
		wk.marked = false
		wk.jobStart = wk.batch.n
		if kr != nil {
			kr.finish()
			wk.kpiVals = kr.vals
		}
		return wk.jobRows, e.Anomalies(), nil, nil
	case errors.As(runErr, &be), errors.As(runErr, &ne):
		if err := wk.dropShared(); err != nil {
			return 0, nil, nil, err
		}
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

// maxSharedJobRows and maxSharedJobGroups bound the rows, and the row
// groups, of a job whose rows may go to the worker's shared part while it
// runs (a failure rolls the part back to the job's start): a part is
// closed between jobs only, so it can outgrow maxPartBytes and
// maxPartRowGroups by one such job. Longer jobs, and jobs of runs with
// agent or graph tables (whose records per row are not bounded), write
// part files of their own once they fill the batch.
const (
	maxSharedJobRows   = 1 << 22
	maxSharedJobGroups = 64
)

// dropShared rolls the shared part back to the current job's start, if
// the job wrote rows to it.
func (wk *worker) dropShared() error {
	if !wk.marked {
		return nil
	}
	wk.marked = false
	return wk.main.rollback(wk.jobMark)
}

// finished records a job the worker has run (its rows are in the batch
// or its parts) for the next checkpoint, which it makes when the last is
// older than the checkpoint interval.
func (wk *worker) finished(j dataset.DoneJob) error {
	wk.pending = append(wk.pending, j)
	if time.Since(wk.checkpoint) < wk.every {
		return nil
	}
	return wk.sync()
}

// sync makes a checkpoint, between jobs: the finished jobs' rows still in
// the batch are written to the main part, which is closed (a later job's
// rows start a new one), and the parts closed since the last checkpoint
// and the jobs whose rows they hold are recorded in the journal. A part
// without rows is removed instead.
func (wk *worker) sync() error {
	if wk.jobStart > 0 {
		if wk.main == nil {
			var err error
			if wk.main, err = wk.newPart(); err != nil {
				return err
			}
		}
		if err := wk.main.write(wk.batch, wk.mem, 0, wk.jobStart, wk.opts.batchRows, wk.opts.rowGroupRows); err != nil {
			return err
		}
		wk.batch.truncate(0)
		wk.jobStart = 0
	}
	if wk.main != nil {
		if err := wk.main.close(); err != nil {
			return err
		}
		wk.main = nil
	}
	var c dataset.Checkpoint
	for _, pt := range wk.parts[wk.journaled:] {
		switch {
		case pt.discarded:
		case pt.rows() == 0:
			pt.discard()
		default:
			c.Parts = append(c.Parts, pt.sealed())
		}
	}
	c.Jobs = wk.pending
	if wk.journal != nil {
		if err := wk.journal.Checkpoint(c); err != nil {
			return err
		}
	}
	wk.kept += len(wk.pending)
	clear(wk.pending)
	wk.pending = wk.pending[:0]
	wk.journaled = len(wk.parts)
	wk.checkpoint = time.Now()
	return nil
}

// finish makes the last checkpoint and lists the worker's files.
func (wk *worker) finish() error {
	if err := wk.sync(); err != nil {
		return err
	}
	// No job follows: the room for the jobs of a checkpoint (64 bytes a
	// job, for every job of a run shorter than output.checkpoint_seconds)
	// is not kept while the run draws its decisions.
	wk.pending = nil
	for _, pt := range wk.parts {
		if pt.discarded {
			continue
		}
		wk.files = append(wk.files, dataset.FileInfo{Name: pt.name, Rows: pt.rows()})
		for k, table := range wk.ds.Tables {
			wk.tableFiles[k] = append(wk.tableFiles[k], dataset.FileInfo{Name: dataset.FileName(table, pt.name), Rows: pt.files[1+k].rows})
		}
	}
	return nil
}

// stop ends an interrupted worker's part in the run: when the run was
// cancelled (salvage), its finished jobs are checkpointed first; then the
// parts no checkpoint holds are removed. The journal's parts stay, for a
// rerun to continue from.
func (wk *worker) stop(salvage bool) {
	if salvage && wk.dropShared() == nil {
		// the job that was running is dropped, as a failed one would be
		wk.batch.truncate(wk.jobStart)
		if wk.spill != nil {
			wk.spill.discard()
			wk.spill = nil
		}
		for _, pt := range wk.spilled {
			pt.discard()
		}
		wk.spilled = wk.spilled[:0]
		if wk.sync() == nil {
			return
		}
	}
	for _, pt := range wk.parts[wk.journaled:] {
		pt.discard()
	}
}
