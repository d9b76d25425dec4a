package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/parquet/file"
)

// Issue 18's output targets, with 2 workers and every substep written.
var (
	// targetEncodings: wall time of pp and amm (item 3, leaner encodings);
	// beforeBytes: their Parquet bytes with PLAIN snappy id columns
	// (the build before them, 2fefe9b), which the files may not exceed.
	targetEncodings = map[string]float64{"pp": 0.10, "amm": 0.12}
	beforeBytes     = map[string]int64{"pp": 85217710, "amm": 87440313}
)

// Item 4, right-sized files: the pp_grid sweep (configs/bench/pp_grid.toml,
// 100,000 jobs of 101 rows).
const (
	gridConfig       = "configs/bench/pp_grid.toml"
	gridRows         = 100 * 100 * 10 * 101
	targetPartMB     = 64    // part files at least this big, or one per worker
	targetGroupRows  = 65536 // row groups at least this long, but a file's last
	beforeGridFiles  = 622   // the build before (2fefe9b), 2 workers
	beforeGridMB     = 0.30  // MB per file on average
	beforeGroupRows  = 5495  // rows per row group on average
	beforeGridWall   = 1.99  // s, ab.sh median of 7 beside this build's 0.90 s (docs/performance.md)
	beforeDuckFull   = 0.094 // s, tests/interop/scan.mjs, median of 5
	beforeDuckFilter = 0.054 // s
)

// shape is what a dataset's part files look like.
type shape struct {
	files, groups       int
	bytes               int64
	minMB, avgMB        float64
	avgGroupRows        float64
	minGroupRows        int64 // of the row groups that are not their file's last
	smallFiles, workers int   // files under targetPartMB that are not their worker's only file; workers writing
}

var partName = regexp.MustCompile(`^part-\d+-(\d+)-\d+\.parquet$`)

// parquetShape reads the footers of the substep table's part files in dir.
func parquetShape(dir string) (shape, error) {
	names, err := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
	if err != nil || len(names) == 0 {
		return shape{}, fmt.Errorf("%s: no part files (%v)", dir, err)
	}
	s := shape{minMB: -1, minGroupRows: -1}
	perWorker := map[string][]int64{}
	var rows int64
	for _, n := range names {
		st, err := os.Stat(n)
		if err != nil {
			return shape{}, err
		}
		mb := float64(st.Size()) / 1e6
		s.files++
		s.bytes += st.Size()
		if s.minMB < 0 || mb < s.minMB {
			s.minMB = mb
		}
		if m := partName.FindStringSubmatch(filepath.Base(n)); m != nil {
			perWorker[m[1]] = append(perWorker[m[1]], st.Size())
		}
		pf, err := file.OpenParquetFile(n, false)
		if err != nil {
			return shape{}, fmt.Errorf("%s: %w", n, err)
		}
		for g := 0; g < pf.NumRowGroups(); g++ {
			r := pf.MetaData().RowGroup(g).NumRows()
			rows += r
			s.groups++
			if g < pf.NumRowGroups()-1 && (s.minGroupRows < 0 || r < s.minGroupRows) {
				s.minGroupRows = r
			}
		}
		pf.Close()
	}
	s.workers = len(perWorker)
	for _, sizes := range perWorker {
		// a worker's last part holds what is left after its full ones
		slices.Sort(sizes)
		for i, b := range sizes {
			if len(sizes) > 1 && i > 0 && float64(b) < targetPartMB*1e6 {
				s.smallFiles++
			}
		}
	}
	s.avgMB = float64(s.bytes) / 1e6 / float64(s.files)
	s.avgGroupRows = float64(rows) / float64(s.groups)
	return s, nil
}

// encodingSection prints item 3's figures: pp and amm with 2 workers
// against their targets, and their bytes against the build before.
func encodingSection(w func(string, ...any), mark func(bool) string, r *cli, sel []model, res func(string) result) {
	w("\n## Leaner output encodings (issue 18, item 3): 2 workers, every substep written\n\n")
	w("Dictionary pages for the ids and swept columns, DELTA_BINARY_PACKED for timestep, substep and the\n")
	w("other int64 columns, 8-byte values in snappy through the repeats encoder where it does as well, float\n")
	w("chunks uncompressed when snappy does not pay; bytes are the Parquet part files, against the build\n")
	w("before (2fefe9b).\n\n")
	w("| model | wall s | target | met | cpu s | files MB | before MB | no larger | met | part files (before: 40) |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, m := range sel {
		t, ok := targetEncodings[m.name]
		if !ok {
			continue
		}
		rr := res(m.name)
		dir := filepath.Join(r.dir, m.name+"-w2")
		mb, err := parquetBytes(dir)
		if err != nil {
			fatalf("%v", err)
		}
		parts, _ := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
		w("| %s | %.3f | <= %.2f s | %s | %.3f | %.1f | %.1f | %+.0f%% | %s | %d |\n", m.name, rr.wall, t, mark(rr.wall <= t), rr.cpu,
			float64(mb)/1e6, float64(beforeBytes[m.name])/1e6, 100*(float64(mb)/float64(beforeBytes[m.name])-1), mark(mb <= beforeBytes[m.name]), len(parts))
	}
}

// parquetBytes sums the sizes of the Parquet files under dir.
func parquetBytes(dir string) (int64, error) {
	var n int64
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && strings.HasSuffix(p, ".parquet") {
			n += fi.Size()
		}
		return err
	})
	return n, err
}

// filesSection prints item 4's figures: the pp_grid sweep's run and the
// shape of its files, against the targets and the build before.
func filesSection(w func(string, ...any), mark func(bool) string, r *cli) {
	w("\n## Right-sized files (issue 18, item 4): %s, 2 workers, median of %d\n\n", gridConfig, r.reps)
	w("A 10,000-point grid sweep of predator-prey: 100,000 jobs of 100 timesteps, %s rows. DuckDB's scans:\n", human(gridRows))
	w("`node tests/interop/scan.mjs out/bench/pp_grid` (make bench runs it after this table).\n\n")
	var all []sample
	for i := 0; i < r.reps; i++ {
		s, err := r.once("pp_grid", gridConfig, 2)
		if err != nil {
			fatalf("%v", err)
		}
		if s.rows != gridRows {
			fatalf("pp_grid: %d rows written, want %d", s.rows, gridRows)
		}
		all = append(all, s)
	}
	rr := medianOf(all)
	sh, err := parquetShape(filepath.Join(r.dir, "pp_grid-w2"))
	if err != nil {
		fatalf("%v", err)
	}
	w("| figure | this build | before (2fefe9b) | target | met |\n|---|---|---|---|---|\n")
	w("| wall s | %.3f | %.2f | unchanged or less | %s |\n", rr.wall, beforeGridWall, mark(rr.wall <= beforeGridWall*1.1))
	w("| cpu s / peak RSS MB | %.3f / %.0f | | | |\n", rr.cpu, rr.rss)
	w("| part files | %d (%d workers) | %d | >= %d MB each, or one per worker | %s |\n", sh.files, sh.workers, beforeGridFiles, targetPartMB,
		mark(sh.smallFiles == 0))
	w("| MB per file: mean / smallest | %.1f / %.1f | %.2f | | |\n", sh.avgMB, sh.minMB, beforeGridMB)
	w("| row groups, rows per group: mean / smallest (but a file's last) | %d, %.0f / %d | %d | >= %d | %s |\n", sh.groups, sh.avgGroupRows, sh.minGroupRows,
		beforeGroupRows, targetGroupRows, mark(sh.minGroupRows < 0 || sh.minGroupRows >= targetGroupRows))
	w("| DuckDB full scan / filtered s (before) | see scan.mjs below | %.3f / %.3f | | |\n", beforeDuckFull, beforeDuckFilter)
}
