// Package runner expands an experiment into jobs and runs them on a pool of
// workers, writing a dataset of part files and a manifest in the layout of
// package runner/dataset.
//
// The flow is one-way: a configs.Experiment becomes a Plan (models
// resolved, sweeps and scenarios expanded, one job per simulation × subset
// × run, each with its own random stream); Run hands the plan's jobs (or a
// shard's share) to workers; each worker runs its jobs with its own
// gds.Engine, records rows into its own column batch, and flushes full
// batches as row groups into its own part files, written under temporary
// names and renamed when the run completes. _manifest.json is written last.
//
// A dataset is a substep table (DIR/part-*.<ext>, one row per recorded
// substep) and, for each agent-record variable v (output.agents = "table",
// the default), an agent table DIR/_tables/v/part-*.<ext> with one row per
// agent per recorded substep; a part holds one file of each table, under
// the same name, and its files are written, discarded and renamed
// together. Files that are not data start with "_", so that readers that
// discover a directory (pyarrow.dataset, Spark) read DIR as the substep
// table alone.
//
// Memory is bounded by workers × batch size. A job that fails (a panic in a
// block, a NaN) loses its rows, never another job's: rows of the job in
// progress stay in the batch until the job ends (when the batch fills, the
// completed jobs' rows are written and the job's move to its front); a job
// that fills the batch alone writes to the worker's shared part after a
// mark that a failure rolls the part back to (maxSharedJobRows), or, when
// longer or with agent or graph tables, spills into part files of its own
// that a failure deletes. A Parquet row group is built from several batches
// (output.row_group_rows, 65536 rows). A part file is closed at
// maxPartBytes or maxPartRowGroups row groups, since a Parquet writer
// holds the metadata of its row groups until it closes the file.
package runner

// For readers of the code: the files follow the flow. plan.go (jobs,
// seeds) and sweep.go expand the experiment; schema.go gives the tables'
// Arrow schemas; run.go runs the pool, and result.go is what it returns;
// worker.go runs a worker's jobs into its batch (batch.go, column.go;
// arrow.go hands the columns to Arrow without copying) and its parts
// (part.go), written by an output format (format.go, and a file per
// format); meta.go is what a run writes about itself (the version, the
// files' metadata, the manifest). Package runner/dataset names the files.
