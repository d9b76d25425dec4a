package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// isTable reports whether name is one of this run's secondary tables.
func (s *Shard) isTable(name string) bool {
	return slices.Contains(s.Tables, name) || s.KPIs && name == KPITable || s.Trace && name == TraceTable
}

// tableNames are the secondary tables the run writes: the agent tables,
// and the KPI table.
func (s *Shard) tableNames() []string {
	out := slices.Clip(s.Tables)
	if s.KPIs {
		out = append(out, KPITable)
	}
	if s.Trace {
		out = append(out, TraceTable)
	}
	return out
}

// Prepare creates the dataset directory and the tables' directories, and
// checks that it holds nothing the run would mix with: it refuses a
// directory unless it is empty (or, with shards, holds only other shards'
// files) or overwrite is set, which removes the files this run would
// write (with shards, this shard's). It refuses, overwrite or not, a
// directory holding files Statecraft did not write, and, with shards, a
// finished dataset.
//
// A directory of TablesDir is a table if it holds part files only (or is
// empty and one of this run's tables); overwrite removes this run's part
// files in it, and the directory once empty if this run does not write
// that table. In the old layout, a table was a directory of the dataset
// directory itself: one holding part files only is treated the same way.
//
// Temporary files this run would write are removed, overwrite or not:
// they are never data, only what a run killed before its first
// checkpoint left.
func (s *Shard) Prepare(overwrite bool) error { return s.prepare(overwrite, nil) }

// prepare is Prepare, keeping the files (relative to Dir, slash-separated)
// of keep: a resumed run's journal and sealed part files.
func (s *Shard) prepare(overwrite bool, keep map[string]bool) error {
	if err := os.MkdirAll(s.root(), 0o755); err != nil {
		return fmt.Errorf("output directory %s: %w", s.Dir, err)
	}
	entries, err := os.ReadDir(s.root())
	if err != nil {
		return fmt.Errorf("output directory %s: %w", s.Dir, err)
	}
	var foreign, old, stale, temps []string
	// table checks directory sub (slash-separated, relative to Dir) as a
	// table's directory named name.
	table := func(sub, name string) error {
		files, err := os.ReadDir(filepath.Join(s.root(), filepath.FromSlash(sub)))
		if err != nil {
			return fmt.Errorf("output directory %s: %w", s.Dir, err)
		}
		isTable := len(files) > 0 || s.isTable(name)
		for _, f := range files {
			if f.IsDir() || !isPart(f.Name()) {
				isTable = false
			}
		}
		if !isTable {
			foreign = append(foreign, sub+"/")
			return nil
		}
		for _, f := range files {
			switch name := sub + "/" + f.Name(); {
			case keep[name]:
			case isTemp(f.Name()) && s.mine(f.Name()):
				temps = append(temps, name)
			case s.mine(f.Name()):
				old = append(old, name)
			}
		}
		if sub != TableDir(name) || !s.isTable(name) {
			stale = append(stale, sub)
		}
		return nil
	}
	for _, e := range entries {
		switch {
		case keep[e.Name()]:
		case isLock(e.Name()):
			// the locks of this and other runs: see Lock
		case isJournal(e.Name()) && s.sharded() && e.Name() != s.journalName():
			// another shard's
		case isJournal(e.Name()):
			old = append(old, e.Name()) // an interrupted run's, not kept: overwritten
		case isTemp(e.Name()) && s.mine(e.Name()):
			temps = append(temps, e.Name())
		case e.Name() == TablesDir && e.IsDir():
			tables, err := os.ReadDir(filepath.Join(s.root(), TablesDir))
			if err != nil {
				return fmt.Errorf("output directory %s: %w", s.Dir, err)
			}
			for _, t := range tables {
				if !t.IsDir() {
					foreign = append(foreign, TablesDir+"/"+t.Name())
				} else if err := table(TableDir(t.Name()), t.Name()); err != nil {
					return err
				}
			}
			stale = append(stale, TablesDir) // removed if empty, then made again if needed
		case e.IsDir(): // an agent table in the old layout
			if err := table(e.Name(), e.Name()); err != nil {
				return err
			}
		case !ours(e.Name()):
			foreign = append(foreign, e.Name())
		case s.mine(e.Name()):
			old = append(old, e.Name())
		case !s.sharded():
			old = append(old, e.Name())
		}
	}
	if s.sharded() {
		// other shards' files are expected; a finished dataset's manifest
		// means one is here (merged, or from one machine)
		for _, e := range entries {
			if isFinished(e.Name()) {
				return fmt.Errorf("output directory %s holds a finished dataset (%s, from one machine or 'statecraft merge'); choose another directory, or remove %s to rerun shards into it", s.Dir, e.Name(), e.Name())
			}
		}
	}
	if len(foreign) > 0 {
		return fmt.Errorf("output directory %s holds files Statecraft did not write for this run (%s); choose an empty directory", s.Dir, listNames(foreign))
	}
	if len(old) > 0 && !overwrite {
		return fmt.Errorf("output directory %s is not empty (%s); pass --overwrite to replace its dataset", s.Dir, listNames(old))
	}
	for _, n := range temps {
		if err := os.Remove(s.Path(n)); err != nil {
			return fmt.Errorf("output directory %s: %w", s.Dir, err)
		}
	}
	if err := s.removeOld(old); err != nil {
		return err
	}
	for _, n := range stale {
		os.Remove(s.Path(n)) // only if empty: other shards' files stay
	}
	for _, t := range s.tableNames() {
		if err := os.MkdirAll(s.Path(TableDir(t)), 0o755); err != nil {
			return fmt.Errorf("output directory %s: %w", s.Dir, err)
		}
	}
	// check that the directory is writable before running anything
	probe := filepath.Join(s.root(), tempName(s.ownPrefix()+"probe"))
	f, err := os.Create(probe)
	if err != nil {
		return fmt.Errorf("output directory %s is not writable: %w", s.Dir, err)
	}
	f.Close()
	os.Remove(probe)
	return nil
}

func listNames(n []string) string {
	if len(n) > 3 {
		return strings.Join(n[:3], ", ") + ", and " + strconv.Itoa(len(n)-3) + " more"
	}
	return strings.Join(n, ", ")
}

// RemoveTemps removes the run's temporary files, in the tables'
// directories too, and those directories if the run made them and left
// them empty (with shards, other shards may be writing into them).
func (s *Shard) RemoveTemps() {
	subs := []string{""}
	for _, t := range s.tableNames() {
		subs = append(subs, TableDir(t))
	}
	for _, sub := range subs {
		dir := s.Path(sub)
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if isTemp(e.Name()) && s.mine(e.Name()) {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
		if sub != "" && !s.sharded() {
			os.Remove(dir) // only if empty
		}
	}
	if len(s.tableNames()) > 0 && !s.sharded() {
		os.Remove(s.Path(TablesDir)) // only if empty
	}
}

// writeAtomic writes a file of the dataset directory under its temporary
// name and renames it: a reader sees it whole or not at all.
func writeAtomic(dir, name string, data []byte) error {
	tmp := filepath.Join(dir, tempName(name))
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, name))
}
