// Package dataset owns the on-disk layout of a Statecraft dataset: the
// names of its files, the manifest that describes them, how a run's files
// are prepared, committed and cleaned up, and how the shards of a sharded
// run merge.
//
// A dataset is a directory DIR:
//
//	DIR/part-SSSS-WWW-NNNN.EXT         the substep table: one row per recorded substep
//	DIR/V/part-SSSS-WWW-NNNN.EXT       secondary table V (an agent table): one row per agent per recorded substep
//	DIR/manifest.json                  written last: the dataset is final
//	DIR/report.json, DIR/report.md     the pass rates, with a [report] in the config
//
// SSSS is the shard, WWW the worker, NNNN the worker's part number, EXT
// the format's extension (.parquet, .arrow, .csv). A part holds one file
// of each table, under the same name, and its files are written, discarded
// and committed together. Temporary files are named .NAME.tmp, and renamed
// to NAME when complete.
//
// Shard i of n (n > 1) writes its own part files, part-000i-*, and, in
// place of the manifest and report, manifest-shard-000i-of-000n.json and
// report-shard-000i-of-000n.{json,md}; Merge combines the shard manifests
// into manifest.json once every shard has finished.
package dataset
