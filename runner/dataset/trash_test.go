//go:build unix

package dataset

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// overwriteDir returns a dataset directory holding a committed dataset of
// one part, and that part's name.
func overwriteDir(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	s := &Shard{Dir: dir, Ext: ".parquet"}
	release, err := s.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	j, _, err := s.Start(Identity{Version: "old", Jobs: 1}, false)
	if err != nil {
		t.Fatal(err)
	}
	part := s.PartName(0, 0)
	if err := os.WriteFile(s.TempPath(part), make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(j, []string{part}, []MetaFile{{Name: s.ManifestFile(), Data: []byte("{}\n")}}); err != nil {
		t.Fatal(err)
	}
	return dir, part
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !isLock(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func trashIn(names []string) []string {
	var out []string
	for _, n := range names {
		if strings.Contains(n, "-trash-") {
			out = append(out, n)
		}
	}
	return out
}

// TestOverwriteInBackground: a locked run overwriting a dataset moves its
// files out of the way at Start, to trash names that are the run's own
// temporary files, and removes them in the background: the old names are
// free at once, and neither the commit nor the lock's release leaves
// trash behind. With too little free space, or without the lock, the
// files are removed at Start, as before.
func TestOverwriteInBackground(t *testing.T) {
	defer func(f func(string) (uint64, bool)) { freeSpace = f; removeHook = nil }(freeSpace)
	for _, tc := range []struct {
		name       string
		free       uint64
		lock       bool
		commit     bool
		background bool
	}{
		{"committed", 1 << 40, true, true, true},
		{"failed before its commit", 1 << 40, true, false, true},
		{"nearly full disk", 1 << 20, true, true, false},
		{"free space unknown", 0, true, true, false},
		{"not locked", 1 << 40, false, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, part := overwriteDir(t)
			freeSpace = func(string) (uint64, bool) { return tc.free, tc.free > 0 }
			// The removal waits for the gate, which opens a moment after
			// Start: a commit or release that did not wait for it would
			// find the trash still there.
			gate := make(chan struct{})
			removeHook = func() { <-gate }
			s := &Shard{Dir: dir, Ext: ".parquet"}
			release := func() {}
			if tc.lock {
				var err error
				if release, err = s.Lock(); err != nil {
					t.Fatal(err)
				}
			}
			j, _, err := s.Start(Identity{Version: "new", Jobs: 1}, true)
			if err != nil {
				t.Fatal(err)
			}
			after := names(t, dir)
			time.AfterFunc(20*time.Millisecond, func() { close(gate) })
			if tc.background && len(trashIn(after)) != 2 {
				t.Errorf("want the part and the manifest in the trash, being removed: %v", after)
			}
			if slices.Contains(after, part) || slices.Contains(after, ManifestName) {
				t.Fatalf("the overwritten files keep their names after Start: %v", after)
			}
			if got := s.removing != nil; got != tc.background {
				t.Fatalf("removal in the background = %v, want %v", got, tc.background)
			}
			for _, n := range trashIn(after) {
				if !isTemp(n) || !s.mine(n) || !isPart(n) {
					t.Errorf("trash %s is not a temporary part file of the run's", n)
				}
			}
			if !tc.background && len(trashIn(after)) > 0 {
				t.Errorf("trash after a removal at Start: %v", after)
			}
			if tc.commit {
				if err := os.WriteFile(s.TempPath(part), []byte("new rows"), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := s.Commit(j, []string{part}, []MetaFile{{Name: s.ManifestFile(), Data: []byte("{}\n")}}); err != nil {
					t.Fatal(err)
				}
				if tr := trashIn(names(t, dir)); len(tr) > 0 {
					t.Errorf("trash beside the committed dataset: %v", tr)
				}
				if b, _ := os.ReadFile(filepath.Join(dir, part)); string(b) != "new rows" {
					t.Errorf("committed part holds %q", b)
				}
			} else {
				j.Close()
			}
			release()
			if tr := trashIn(names(t, dir)); len(tr) > 0 {
				t.Errorf("trash after the lock's release: %v", tr)
			}
		})
	}
}

// TestTrashOfAKilledRun: trash that a killed run left is a temporary file
// of the run's, which the next run removes at Start, with --overwrite or
// without; another shard's trash is left to it.
func TestTrashOfAKilledRun(t *testing.T) {
	for _, overwrite := range []bool{false, true} {
		dir := t.TempDir()
		own := &Shard{Dir: dir, Index: 1, Count: 2, Ext: ".parquet"}
		other := &Shard{Dir: dir, Index: 0, Count: 2, Ext: ".parquet"}
		for _, s := range []*Shard{own, other} {
			if err := os.WriteFile(s.Path(s.trashName(3)), []byte("old rows"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		release, err := own.Lock()
		if err != nil {
			t.Fatal(err)
		}
		j, _, err := own.Start(Identity{Version: "test", Jobs: 1}, overwrite)
		if err != nil {
			t.Fatalf("overwrite=%v: %v", overwrite, err)
		}
		j.Close()
		release()
		if got, want := trashIn(names(t, dir)), []string{other.trashName(3)}; !slices.Equal(got, want) {
			t.Errorf("overwrite=%v: trash left %v, want %v", overwrite, got, want)
		}
	}
}
