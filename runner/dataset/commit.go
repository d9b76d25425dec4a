package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
)

// journalRe matches the names of journals: the unsharded run's and every
// shard's, whose index and count it captures.
var journalRe = regexp.MustCompile(`^` + regexp.QuoteMeta(journalStem) + `(?:-shard-(\d{4})-of-(\d{4}))?\.jsonl$`)

// Resume is what a run continues from: the checkpoints of an interrupted
// run of the same Identity, whose part files are kept (still under their
// temporary names) and whose jobs are not run again.
type Resume struct {
	// Checkpoints are the interrupted run's, in the order written.
	Checkpoints []Checkpoint
	// NextSeq is a part sequence number no kept part file uses: the
	// workers of the resumed run number their parts from it.
	NextSeq int
	// Committed says that the interrupted run had begun its commit, which
	// Start has completed: the dataset is finished, nothing is left to run,
	// and Checkpoints is empty.
	Committed bool
}

// Jobs returns the number of jobs the checkpoints hold.
func (r *Resume) Jobs() int {
	n := 0
	for _, c := range r.Checkpoints {
		n += len(c.Jobs)
	}
	return n
}

// Start readies the directory for a run of identity id and opens its
// journal. A commit that an earlier run began and did not finish is
// completed first (see Commit), whoever began it. Then:
//
//   - an interrupted run's journal of the same identity is continued:
//     its sealed part files stay, the Resume lists them and their jobs,
//     and only the temporary files no checkpoint lists are removed;
//     with overwrite, it is removed with everything else of the run's;
//   - a journal of another identity is refused, saying what differs,
//     unless overwrite is set;
//   - otherwise the directory is checked and cleared as Prepare does,
//     except that temporary files the run would write (left by a run
//     killed before its first checkpoint) are removed without asking.
//
// If the directory holds the committed dataset of a run of this identity
// (committed by that run, or completed here) and overwrite is not set,
// Start returns a Resume with Committed set and no journal: the dataset
// is the one this run would write, and rerunning a finished command is
// not an error.
func (s *Shard) Start(id Identity, overwrite bool) (*Journal, *Resume, error) {
	if err := os.MkdirAll(s.root(), 0o755); err != nil {
		return nil, nil, fmt.Errorf("output directory %s: %w", s.Dir, err)
	}
	st, err := readJournal(s.JournalPath())
	if err != nil {
		return nil, nil, fmt.Errorf("output directory %s: %w", s.Dir, err)
	}
	if st != nil && st.damaged != nil {
		switch {
		case overwrite:
			st = nil // started over: the journal goes, with what it lists
		case st.size > 0 && id.differs(st.identity) != "":
			// another version's journal, most likely: say whose
			return nil, nil, fmt.Errorf("output directory %s holds an interrupted run (%s) that this one cannot continue: %s; pass --overwrite to start over", s.Dir, s.journalName(), id.differs(st.identity))
		default:
			return nil, nil, fmt.Errorf("output directory %s holds an interrupted run whose journal cannot be read (%w); pass --overwrite to start over", s.Dir, st.damaged)
		}
	}
	if st == nil {
		// nothing, or a journal cut before its first line was whole
		if err := os.Remove(s.JournalPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("output directory %s: %w", s.Dir, err)
		}
	}
	if st != nil && st.commit != nil {
		if err := s.rollForward(st.commit); err != nil {
			return nil, nil, err
		}
		if !overwrite && id.differs(st.identity) == "" {
			return nil, &Resume{Committed: true}, nil
		}
		st = nil
	}
	if st == nil && !overwrite {
		if man, err := ReadManifestFile(s.ManifestPath()); err == nil && man.Identity != nil && id.differs(*man.Identity) == "" {
			return nil, &Resume{Committed: true}, nil // run and committed already
		}
	}
	res := &Resume{}
	keep := map[string]bool{}
	if st != nil && !overwrite {
		if why := id.differs(st.identity); why != "" {
			return nil, nil, fmt.Errorf("output directory %s holds an interrupted run (%s) that this one cannot continue: %s; pass --overwrite to start over", s.Dir, s.journalName(), why)
		}
		keep[s.journalName()] = true
		for _, c := range st.checkpoints {
			for _, pt := range c.Parts {
				if len(pt.Rows) != 1+len(s.Tables) {
					return nil, nil, fmt.Errorf("output directory %s: journal %s: part %s has %d tables' rows, the run writes %d tables", s.Dir, s.journalName(), pt.Name, len(pt.Rows), 1+len(s.Tables))
				}
				for _, table := range slices.Concat([]string{""}, s.Tables) {
					name := FileName(table, pt.Name)
					if _, err := os.Stat(s.TempPath(name)); err != nil {
						return nil, nil, fmt.Errorf("output directory %s: journal %s lists part %s, but its file is gone (%w); pass --overwrite to start over", s.Dir, s.journalName(), name, err)
					}
					keep[tempFileName(name)] = true
				}
				res.NextSeq = max(res.NextSeq, partSeq(pt.Name)+1)
			}
		}
		res.Checkpoints = st.checkpoints
	}
	if err := s.prepare(overwrite, keep); err != nil {
		return nil, nil, err
	}
	var j *Journal
	if st != nil && !overwrite {
		j, err = openJournal(s.JournalPath(), st.size)
	} else {
		j, err = s.createJournal(id)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("output directory %s: %w", s.Dir, err)
	}
	return j, res, nil
}

// partSeq returns the sequence number of a part name (PartName's seq), or
// 0 for a name that has none.
var partSeqRe = regexp.MustCompile(`-(\d{1,9})\.[a-z]+$`)

func partSeq(name string) int {
	m := partSeqRe.FindStringSubmatch(name)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// MetaFile is a metadata file of the dataset (a manifest, the decisions),
// written by Commit: Name is relative to the dataset directory.
type MetaFile struct {
	Name string
	Data []byte
}

// CommitHook, when set (by tests), is called at every step of a commit
// with the step's name: a test that kills the process there checks that
// every step leaves a directory that is either unchanged for readers or
// complete, and resumable.
var CommitHook func(step string)

func hook(step string) {
	if CommitHook != nil {
		CommitHook(step)
	}
}

// Commit makes the run's data files (names relative to the dataset
// directory, under their temporary names until now) and its metadata
// files visible, the manifest last, and removes the journal:
//
//  1. the metadata files are written under temporary names; every file is
//     fsync'd, and so are the directories that hold them;
//  2. the journal records the list of renames, durably: from here the
//     commit is decided, and a run, resume or merge that finds the
//     journal completes it (Start);
//  3. the data files are renamed to their own names, then the metadata
//     files, the manifest last, and the directories are fsync'd;
//  4. the journal is removed.
//
// A staged run (Stage, into a directory that did not exist) does all of
// this in its staging directory, then renames that to Dir (publish): the
// dataset appears whole, in one rename.
//
// A failure before step 2 leaves the run resumable, with nothing visible;
// after it, the renames are all that is left. A reader that waits for the
// manifest never sees part of a dataset; in a directory that is not
// staged, one that globs the part files can see some of them while the
// renames run, and after a crash among them until the next statecraft
// command on the directory.
func (s *Shard) Commit(j *Journal, data []string, meta []MetaFile) error {
	s.waitRemoved()
	for _, m := range meta {
		if err := writeSynced(s.TempPath(m.Name), m.Data); err != nil {
			return fmt.Errorf("output %s: %w", m.Name, err)
		}
		hook("write " + m.Name)
	}
	for _, name := range data {
		if err := syncFile(s.TempPath(name)); err != nil {
			return fmt.Errorf("output %s: %w", name, err)
		}
	}
	all := slices.Concat(data, metaNames(meta))
	for _, d := range s.dirsOf(all) {
		if err := syncDir(d); err != nil {
			return fmt.Errorf("output %s: %w", d, err)
		}
	}
	hook("synced")
	rec := &commitRecord{Files: all, Publish: s.staging != ""}
	if err := j.append(journalLine{Commit: rec}); err != nil {
		return err
	}
	hook("decided")
	if err := s.rename(all); err != nil {
		return err
	}
	j.Close()
	if err := s.publish(rec); err != nil {
		return err
	}
	if err := os.Remove(s.JournalPath()); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := syncDir(s.Dir); err != nil {
		return fmt.Errorf("output %s: %w", s.Dir, err)
	}
	hook("done")
	return nil
}

// publish makes a staged dataset visible: the staging directory, whose
// files are under their own names now, is renamed to the dataset
// directory, in one step, and the parent directory is fsync'd. From then
// on the run's files are in Dir.
func (s *Shard) publish(rec *commitRecord) error {
	if !rec.Publish || s.staging == "" {
		return nil // not staged, or published already (the journal is in Dir)
	}
	if err := os.Rename(s.staging, s.Dir); err != nil {
		if _, serr := os.Lstat(s.Dir); serr == nil {
			return fmt.Errorf("output directory %s appeared while this run wrote the dataset in %s, which holds it complete: move it there yourself, or remove %s and rerun to have it moved", s.Dir, s.staging, s.Dir)
		}
		return fmt.Errorf("output directory %s: making the dataset visible: %w", s.Dir, err)
	}
	s.staging, s.stagedLock = "", filepath.Join(s.Dir, lockName)
	hook("published")
	if err := syncDir(filepath.Dir(filepath.Clean(s.Dir))); err != nil {
		return fmt.Errorf("output directory %s: %w", s.Dir, err)
	}
	return nil
}

func metaNames(meta []MetaFile) []string {
	out := make([]string, len(meta))
	for k, m := range meta {
		out[k] = m.Name
	}
	return out
}

// rename renames files from their temporary names, in order, and fsyncs
// their directories. A file already renamed (its temporary gone, the file
// there) is skipped, so a commit completed after a crash renames only
// what is left.
func (s *Shard) rename(files []string) error {
	for _, name := range files {
		tmp, dst := s.TempPath(name), s.Path(name)
		err := os.Rename(tmp, dst)
		if errors.Is(err, fs.ErrNotExist) {
			if _, serr := os.Stat(dst); serr == nil {
				continue
			}
		}
		if err != nil {
			return fmt.Errorf("output: %w", err)
		}
		hook("rename " + name)
	}
	for _, d := range s.dirsOf(files) {
		if err := syncDir(d); err != nil {
			return fmt.Errorf("output %s: %w", d, err)
		}
	}
	hook("renamed")
	return nil
}

// rollForward completes a commit recorded in the journal.
func (s *Shard) rollForward(c *commitRecord) error {
	if err := s.rename(c.Files); err != nil {
		return fmt.Errorf("output directory %s: completing an interrupted commit: %w", s.Dir, err)
	}
	if err := s.publish(c); err != nil {
		return err
	}
	if err := os.Remove(s.JournalPath()); err != nil {
		return fmt.Errorf("output directory %s: completing an interrupted commit: %w", s.Dir, err)
	}
	return syncDir(s.Dir)
}

// dirsOf returns the directories holding the files, the dataset
// directory first.
func (s *Shard) dirsOf(files []string) []string {
	dirs := []string{s.root()}
	for _, name := range files {
		if d := path.Dir(name); d != "." {
			if p := s.Path(d); !slices.Contains(dirs, p) {
				dirs = append(dirs, p)
			}
		}
	}
	return dirs
}

// writeSynced writes a file and fsyncs it.
func writeSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncFile fsyncs a file already written.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// EncodeManifest encodes a manifest as WriteManifest writes it.
func EncodeManifest(m *Manifest) ([]byte, error) {
	man := *m
	if man.Files == nil {
		man.Files = []FileInfo{}
	}
	if man.Failed == nil {
		man.Failed = []JobFailure{}
	}
	if man.Anomalies == nil {
		man.Anomalies = []JobAnomaly{}
	}
	data, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return append(data, '\n'), nil
}

// ManifestFile returns the name of the run's manifest, relative to the
// dataset directory, for Commit.
func (s *Shard) ManifestFile() string { return s.manifestName() }
