// Package dataset owns the on-disk layout of a Statecraft dataset: the
// names of its files, the manifest that describes them, how a run's files
// are prepared, committed and cleaned up, and how the shards of a sharded
// run merge.
//
// A dataset is a directory DIR:
//
//	DIR/part-SSSS-WWW-NNNN.EXT           the substep table: one row per recorded substep
//	DIR/_tables/V/part-SSSS-WWW-NNNN.EXT secondary table V (an agent table): one row per agent per recorded substep
//	DIR/_manifest.json                   written last: the dataset is final
//	DIR/_report.json, DIR/_report.md     the pass rates, with a [report] in the config
//
// SSSS is the shard, WWW the worker, NNNN the worker's part number, EXT
// the format's extension (.parquet, .arrow, .csv). A part holds one file
// of each table, under the same name, and its files are written, discarded
// and committed together.
//
// Files that are not data start with "_", and temporary files (.NAME.tmp,
// renamed to NAME when complete) with ".": the prefixes that
// pyarrow.dataset (selector_ignore_prefixes), Spark and Hive skip in every
// path component under the dataset directory. So pyarrow.dataset.dataset(DIR)
// reads exactly the substep table, and pyarrow.dataset.dataset(DIR+"/_tables/V")
// agent table V.
//
// Shard i of n (n > 1) writes its own part files, part-000i-*, and, in
// place of the manifest and report, _manifest-shard-000i-of-000n.json and
// _report-shard-000i-of-000n.{json,md}; Merge combines the shard manifests
// into _manifest.json once every shard has finished.
//
// A run holds its share of the directory while it writes (Shard.Lock: the
// operating system's file locks on DIR/.statecraft.lock and, per shard,
// DIR/.statecraft-shard-SSSS.lock, removed when released): a second run
// into the same directory, or the same shard, or a merge while shards run,
// is refused at once instead of mixing its files with the first's.
//
// Datasets written before this layout named the manifest manifest.json
// (manifest-shard-*-of-*.json per shard), the report report.json and
// report.md, and kept agent table V in DIR/V. Merge reads their shard
// manifests, ReadManifest their manifest, and Prepare treats their files
// as Statecraft's own, so that an overwrite replaces them.
package dataset
