package runner_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/internal/readback"
	"github.com/statecraft/statecraft/runner"
	"github.com/statecraft/statecraft/runner/dataset"
)

// pyarrowFiles lists the files pyarrow.dataset.dataset(root) reads, as
// paths relative to root with forward slashes: every file under root,
// recursively, except those with a path component (relative to root)
// starting with "." or "_", the default selector_ignore_prefixes (Spark
// skips the same names). skipped lists the files left out.
func pyarrowFiles(t *testing.T, root string) (files, skipped []string) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		ignored := slices.ContainsFunc(strings.Split(rel, "/"), func(c string) bool {
			return strings.HasPrefix(c, ".") || strings.HasPrefix(c, "_")
		})
		switch {
		case d.IsDir() && ignored:
			skipped = append(skipped, rel+"/")
			return filepath.SkipDir
		case ignored:
			skipped = append(skipped, rel)
		case !d.IsDir():
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, skipped
}

var partName = regexp.MustCompile(`^part-\d{4}-\d{3}-\d{4}\.(parquet|arrow)$`)

// checkDiscovered checks that a reader discovering root the pyarrow way
// finds exactly one table: the files listed, each a part file with the
// columns given, and rows rows in all.
func checkDiscovered(t *testing.T, root string, listed []dataset.FileInfo, cols []dataset.Column, rows int64) {
	t.Helper()
	found, _ := pyarrowFiles(t, root)
	var want []string
	for _, f := range listed {
		want = append(want, f.Name)
	}
	if !reflect.DeepEqual(found, want) {
		t.Fatalf("%s: discovered %v, want the manifest's %v", root, found, want)
	}
	var total int64
	for _, name := range found {
		if !partName.MatchString(name) {
			t.Errorf("%s: discovered %s, which is not a part file of the table", root, name)
			continue
		}
		schema, n, err := readback.File(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		var got []dataset.Column
		for _, f := range schema.Fields() {
			got = append(got, dataset.Column{Name: f.Name, Type: runner.TypeName(f.Type)})
		}
		if !reflect.DeepEqual(got, cols) {
			t.Errorf("%s: columns %v, want the manifest's %v", name, got, cols)
		}
		total += n
	}
	if total != rows {
		t.Errorf("%s: %d rows in the discovered files, the manifest says %d", root, total, rows)
	}
}

// TestDiscoveredLikePyarrow: a reader that discovers a dataset directory
// the way pyarrow.dataset and Spark do (recursively, skipping names that
// start with "." or "_") reads exactly the substep table, whatever the
// dataset's agent tables, shards or reports; and each agent table's
// directory reads as that table.
func TestDiscoveredLikePyarrow(t *testing.T) {
	registerAgentModel(t)
	registerCriteriaModel(t)
	criteria := "model = \"test_criteria\"\ntimesteps = 4\nruns = 5\n[[scenarios]]\nname = \"a\"\nparams = { min_run = 2 }\n[[scenarios]]\nname = \"b\"\nparams = { min_run = 5 }\n[report]\ncriteria = [\"high\"]\n"
	for _, c := range []struct {
		name   string
		config string
		sets   []string
		shards int
		tables int
	}{
		{"agent tables, 3 shards merged", agentsConfig, []string{"output.row_group_rows=7"}, 3, 2},
		{"agent tables, arrow", agentsConfig, []string{"output.format=arrow"}, 1, 2},
		{"report, 2 shards merged", criteria, nil, 2, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := plan(t, parse(t, c.config, c.sets...))
			dir := t.TempDir()
			for i := 0; i < c.shards; i++ {
				if _, err := runner.Run(context.Background(), p, runner.Options{Dir: dir, Workers: 2, Shard: i, Shards: c.shards}); err != nil {
					t.Fatal(err)
				}
			}
			if c.shards > 1 {
				if _, err := dataset.Merge(dir); err != nil {
					t.Fatal(err)
				}
			}
			m, err := dataset.ReadManifest(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Tables) != c.tables {
				t.Fatalf("%d agent tables, want %d", len(m.Tables), c.tables)
			}
			checkDiscovered(t, dir, m.Files, m.Columns, m.Rows)
			if _, skipped := pyarrowFiles(t, dir); !slices.Contains(skipped, dataset.ManifestName) {
				t.Errorf("skipped %v: no %s", skipped, dataset.ManifestName)
			}
			for name, tab := range m.Tables {
				var files []dataset.FileInfo
				for _, f := range tab.Files {
					rel, ok := strings.CutPrefix(f.Name, tab.Dir+"/")
					if !ok {
						t.Fatalf("table %s: file %s is not in %s", name, f.Name, tab.Dir)
					}
					files = append(files, dataset.FileInfo{Name: rel, Rows: f.Rows})
				}
				checkDiscovered(t, filepath.Join(dir, filepath.FromSlash(tab.Dir)), files, tab.Columns, tab.Rows)
			}
		})
	}
}

// TestOldLayoutReplaced: the files of a dataset written before the
// metadata files started with "_" (manifest.json, report.*, agent tables
// in DIR/V) are Statecraft's: --overwrite replaces them (with shards, the
// shard's own), and an old finished dataset refuses shards as a new one
// does.
func TestOldLayoutReplaced(t *testing.T) {
	registerAgentModel(t)
	old := []string{"manifest.json", "report.json", "report.md", "part-0000-000-0000.parquet", "part-0000-001-0000.parquet",
		"accts/part-0000-000-0000.parquet", "accts/part-0000-001-0000.parquet", "bots/part-0000-000-0000.parquet"}
	oldShard0 := []string{"manifest-shard-0000-of-0002.json", "report-shard-0000-of-0002.md", "part-0000-001-0000.parquet", "accts/part-0000-001-0000.parquet"}
	oldShard1 := []string{"manifest-shard-0001-of-0002.json", "report-shard-0001-of-0002.md", "part-0001-000-0000.parquet", "accts/part-0001-000-0000.parquet"}
	for _, c := range []struct {
		name          string
		files         []string
		shards        int
		overwrite     bool
		want          string   // in the error; "" runs
		gone, kept    []string // after the run (with 1 worker, which writes part-SSSS-000-0000 only)
		goneDirectory []string
	}{
		{name: "overwrite", files: old, overwrite: true, gone: slices.DeleteFunc(slices.Clone(old), func(f string) bool { return f == "part-0000-000-0000.parquet" }),
			goneDirectory: []string{"accts", "bots"}},
		{name: "no overwrite", files: old, want: "is not empty (accts/part-0000-000-0000.parquet, accts/part-0000-001-0000.parquet, bots/part-0000-000-0000.parquet, and 5 more)"},
		{name: "shard into an old finished dataset", files: old, shards: 2, overwrite: true, want: "holds a finished dataset (manifest.json"},
		{name: "shard into a finished dataset", files: []string{"_manifest.json"}, shards: 2, overwrite: true, want: "holds a finished dataset (_manifest.json"},
		{name: "shard overwrites its old files", files: append(oldShard0, oldShard1...), shards: 2, overwrite: true, gone: oldShard0, kept: oldShard1},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range c.files {
				path := filepath.Join(dir, filepath.FromSlash(f))
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := runner.Run(context.Background(), plan(t, parse(t, agentsConfig)), runner.Options{Dir: dir, Workers: 1, Shards: c.shards, Overwrite: c.overwrite})
			if c.want != "" {
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("err = %v, want %q", err, c.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range append(c.gone, c.goneDirectory...) {
				if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); !os.IsNotExist(err) {
					t.Errorf("%s is still there (%v)", f, err)
				}
			}
			for _, f := range c.kept {
				if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
					t.Errorf("another shard's %s: %v", f, err)
				}
			}
			if c.shards <= 1 { // the dataset is the new run's, and nothing else
				m, err := dataset.ReadManifest(dir)
				if err != nil {
					t.Fatal(err)
				}
				checkDiscovered(t, dir, m.Files, m.Columns, m.Rows)
			}
		})
	}
}
