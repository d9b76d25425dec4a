package dataset

import (
	"path/filepath"
	"testing"
)

// TestNames: the names a run writes, unsharded and as a shard.
func TestNames(t *testing.T) {
	for _, c := range []struct {
		shard                                   Shard
		part, table, temp, manifest, rjson, rmd string
	}{
		{Shard{Dir: "d", Ext: ".parquet"}, "part-0000-002-0007.parquet", "_tables/agents/part-0000-002-0007.parquet", "d/_tables/agents/.part-0000-002-0007.parquet.tmp",
			"d/_manifest.json", "d/_decision.json", "d/_decision.txt"},
		{Shard{Dir: "d", Index: 3, Count: 4, Ext: ".csv"}, "part-0003-002-0007.csv", "_tables/agents/part-0003-002-0007.csv", "d/_tables/agents/.part-0003-002-0007.csv.tmp",
			"d/_manifest-shard-0003-of-0004.json", "d/_decision.json", "d/_decision.txt"},
	} {
		s := c.shard
		part := s.PartName(2, 7)
		rjson, rmd := s.DecisionPaths()
		got := []string{part, FileName("agents", part), s.TempPath(FileName("agents", part)), s.ManifestPath(), rjson, rmd}
		want := []string{c.part, c.table, filepath.FromSlash(c.temp), filepath.FromSlash(c.manifest), filepath.FromSlash(c.rjson), filepath.FromSlash(c.rmd)}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("shard %d of %d: name %d = %q, want %q", s.Index, s.Count, i, got[i], want[i])
			}
		}
		if FileName("", part) != part {
			t.Errorf("the substep table's file of %s is %s", part, FileName("", part))
		}
	}
}

// TestOwnership: which names in a dataset directory are Statecraft's, and
// which of those a run (unsharded, or shard 1 of 2) replaces; the old
// layout's names count as Statecraft's.
func TestOwnership(t *testing.T) {
	one := &Shard{}
	shard1 := &Shard{Index: 1, Count: 2}
	for _, c := range []struct {
		name       string
		ours, mine bool // mine: shard 1 of 2's (every file of ours is an unsharded run's)
	}{
		{"part-0001-000-0000.parquet", true, true},
		{"part-0000-000-0000.parquet", true, false},
		{".part-0001-003-0002.csv.tmp", true, true},
		{"_manifest.json", true, false},
		{"._manifest.json.tmp", true, false},
		{"_manifest-shard-0001-of-0002.json", true, true},
		{"._manifest-shard-0001-of-0002.json.tmp", true, true},
		{"_manifest-shard-0001-of-0003.json", true, false},
		{"_manifest-shard-0000-of-0002.json", true, false},
		{"_report.md", true, false},
		{"_report.html", true, false},
		{"._report.html.tmp", true, false},
		{"report.html", false, false},
		{"_decision.json", true, false},
		{"._decision.txt.tmp", true, false},
		{"_decision-shard-0001-of-0002.json", false, false},
		{"_tables/_kpis", false, false},
		{"_report-shard-0001-of-0002.md", true, true},
		{"_report-rows-shard-0001-of-0002.bin", true, true},
		{"._report-rows-shard-0001-of-0002.bin.tmp", true, true},
		{"_report-rows-shard-0000-of-0002.bin", true, false},
		{"_report-rows.bin", false, false},
		{"_report-shard-0001-of-0003.json", true, false},
		{"manifest.json", true, false},
		{"manifest-shard-0001-of-0002.json", true, true},
		{".manifest-shard-0001-of-0002.json.tmp", true, true},
		{"report.json", true, false},
		{"report-shard-0001-of-0002.md", true, true},
		{"notes.txt", false, false},
		{"_notes.txt", false, false},
		{"_part-0001-000-0000.parquet", false, false},
		{".part-0001-probe.tmp", true, true},
		// near misses are the user's: --overwrite must not delete them
		{"report.pdf", false, false},
		{"_report-draft.md", false, false},
		{"manifest-notes.json", false, false},
		{"manifest.json.bak", false, false},
		{"part-notes.txt", false, false},
		{"part-0001-000-0000.parquet.bak", false, false},
		{".notes.tmp", false, false},
	} {
		if got := ours(c.name); got != c.ours {
			t.Errorf("ours(%q) = %v, want %v", c.name, got, c.ours)
		}
		if got := one.mine(c.name); got != c.ours {
			t.Errorf("unsharded: mine(%q) = %v, want %v", c.name, got, c.ours)
		}
		if got := shard1.mine(c.name); got != c.mine {
			t.Errorf("shard 1 of 2: mine(%q) = %v, want %v", c.name, got, c.mine)
		}
	}
	for _, c := range []struct {
		name     string
		finished bool
	}{{"_manifest.json", true}, {"manifest.json", true}, {"_manifest-shard-0000-of-0002.json", false}, {"._manifest.json.tmp", false}} {
		if got := isFinished(c.name); got != c.finished {
			t.Errorf("isFinished(%q) = %v, want %v", c.name, got, c.finished)
		}
	}
}
