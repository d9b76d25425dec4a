//go:build unix

package dataset

import (
	"os"
	"strings"
	"testing"
)

// TestLock: a run holds its share of the directory until it releases it;
// a second run of the same share (or an unsharded run, or a merge, beside
// a shard) is refused with a message naming the directory; other shards
// run beside each other; nothing is left once every run has released.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	whole := &Shard{Dir: dir}
	shard := func(i int) *Shard { return &Shard{Dir: dir, Index: i, Count: 3} }
	refused := func(what string, s *Shard) {
		t.Helper()
		if release, err := s.Lock(); err == nil {
			release()
			t.Errorf("%s: locked, want refused", what)
		} else if !strings.Contains(err.Error(), "output directory "+dir+" is in use by another statecraft run or merge") ||
			!strings.Contains(err.Error(), "pid ") && !strings.Contains(err.Error(), "shards of a sharded run") {
			t.Errorf("%s: %v", what, err)
		}
	}

	r, err := whole.Lock()
	if err != nil {
		t.Fatal(err)
	}
	refused("a second unsharded run", whole)
	refused("a shard beside an unsharded run", shard(0))
	r()

	r0, err := shard(0).Lock()
	if err != nil {
		t.Fatal(err)
	}
	r1, err := shard(1).Lock()
	if err != nil {
		t.Fatalf("shard 1 beside shard 0: %v", err)
	}
	refused("shard 0 twice", shard(0))
	refused("an unsharded run (or merge) beside shards", whole)
	r0()
	refused("an unsharded run beside shard 1", whole)
	r1()

	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
	r, err = whole.Lock()
	if err != nil {
		t.Fatalf("after every release: %v", err)
	}
	r()
}

func TestIsLock(t *testing.T) {
	for name, want := range map[string]bool{
		".statecraft.lock": true, ".statecraft-shard-0003.lock": true,
		".statecraft-shard-3.lock": false, "statecraft.lock": false, ".statecraft.lock.tmp": false,
	} {
		if got := isLock(name); got != want {
			t.Errorf("isLock(%q) = %v, want %v", name, got, want)
		}
	}
}
