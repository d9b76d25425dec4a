//go:build unix

package dataset

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestStagedCommit: a run into a directory that does not exist writes in
// the staging directory, where a second run is refused, and its commit
// renames it to the dataset directory whole: the dataset appears at once,
// and neither the staging directory nor a lock is left. If the directory
// appears meanwhile, the commit fails saying so, and the staging directory
// keeps the complete dataset.
func TestStagedCommit(t *testing.T) {
	for _, appeared := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "out")
		s := &Shard{Dir: dir, Ext: ".parquet", Stage: true}
		release, err := s.Lock()
		if err != nil {
			t.Fatal(err)
		}
		st := StagingDir(dir)
		if _, err := os.Stat(st); err != nil {
			t.Fatalf("no staging directory: %v", err)
		}
		if _, err := (&Shard{Dir: dir, Stage: true}).Lock(); err == nil || !strings.Contains(err.Error(), "is in use by another statecraft run") {
			t.Errorf("second run into the staged directory: %v", err)
		}
		j, res, err := s.Start(Identity{Version: "test", Jobs: 1}, false)
		if err != nil || res.Committed {
			t.Fatalf("start: %v %+v", err, res)
		}
		part := s.PartName(0, 0)
		if err := os.WriteFile(s.TempPath(part), []byte("rows"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Fatalf("%s exists before the commit", dir)
		}
		if appeared {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, "other"), nil, 0o644)
		}
		err = s.Commit(j, []string{part}, []MetaFile{{Name: s.ManifestFile(), Data: []byte("{}\n")}})
		release()
		if appeared {
			if err == nil || !strings.Contains(err.Error(), "appeared while this run wrote the dataset in "+st) {
				t.Errorf("commit into a directory that appeared: %v", err)
			}
			if _, err := os.Stat(filepath.Join(st, part)); err != nil {
				t.Errorf("the staging directory lost the dataset: %v", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if want := []string{ManifestName, part}; !slices.Equal(names, want) {
			t.Errorf("%s holds %v, want %v", dir, names, want)
		}
		if _, err := os.Stat(st); err == nil {
			t.Errorf("the staging directory %s is left", st)
		}
	}
}
