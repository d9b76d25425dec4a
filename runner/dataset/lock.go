package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The lock files of a dataset directory. They start with tempMark, so
// readers that discover a directory skip them, and they stay in place:
// removing a lock file another process may be about to lock would let two
// runs each hold a lock of their own.
const (
	lockName      = tempMark + "statecraft.lock"
	shardLockStem = tempMark + "statecraft-shard-"
)

// errLocked is what tryLock returns when another process holds the lock
// (wrapped in a *heldError, when the holder is known).
var errLocked = errors.New("locked")

// heldError is errLocked with the holder an exclusive lock's file names.
type heldError struct{ holder string }

func (e *heldError) Error() string { return "locked by " + e.holder }
func (e *heldError) Unwrap() error { return errLocked }

// holder describes this process, as a lock file names its holder.
func holder() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("pid %d on host %s", os.Getpid(), host)
}

// lockedBy is the error of a lock at path held by another process: with
// the holder its file names, when an exclusive holder wrote it.
func lockedBy(path string) error {
	data, err := os.ReadFile(path)
	if h := strings.TrimSpace(string(data)); err == nil && strings.HasPrefix(h, "pid ") && len(h) < 300 {
		return &heldError{holder: h}
	}
	return errLocked
}

// Lock keeps other Statecraft processes out of the run's files until the
// returned release is called: an unsharded run (and Merge) holds the whole
// directory, shard i holds its own files, beside the other shards. A
// second run into the same directory (or the same shard) is refused at
// once, naming the directory, instead of writing temporary files of the
// same names as the first and committing a mix of both. The locks are the
// operating system's (flock on Unix), so a run that dies, even by kill -9,
// leaves none behind. A run holding the lock removes the files it
// overwrites in the background (see trash.go); release waits for that.
func (s *Shard) Lock() (release func(), err error) {
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	s.locked = true
	return func() {
		s.waitRemoved() // a run that fails before its commit: the trash goes before the lock
		s.locked = false
		unlock()
	}, nil
}

func (s *Shard) lock() (release func(), err error) {
	if s.Stage && !s.sharded() {
		if _, err := os.Lstat(s.Dir); errors.Is(err, fs.ErrNotExist) {
			if release, ok, err := s.lockStaging(); err != nil || ok {
				return release, err
			}
		}
	}
	s.staging = ""
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("output directory %s: %w", s.Dir, err)
	}
	dir, err := tryLock(filepath.Join(s.Dir, lockName), !s.sharded(), nil)
	if err != nil {
		return nil, s.lockError(err, "output directory "+s.Dir)
	}
	if !s.sharded() {
		return dir, nil
	}
	own, err := tryLock(filepath.Join(s.Dir, fmt.Sprintf("%s%04d.lock", shardLockStem, s.Index)), true, nil)
	if err != nil {
		dir()
		return nil, s.lockError(err, fmt.Sprintf("shard %d of output directory %s", s.Index, s.Dir))
	}
	return func() { own(); dir() }, nil
}

// lockStaging locks the staging directory of a run into a directory that
// does not exist, creating it; ok is false if the directory appeared
// meanwhile (another run committed it), and the run then locks and
// writes the directory itself.
func (s *Shard) lockStaging() (release func(), ok bool, err error) {
	st := StagingDir(s.Dir)
	if err := os.MkdirAll(st, 0o755); err != nil {
		return nil, false, fmt.Errorf("output directory %s: %w", s.Dir, err)
	}
	lock := filepath.Join(st, lockName)
	// the lock file moves with the staging directory when the commit
	// renames it to Dir
	s.stagedLock = lock
	unlock, err := tryLock(lock, true, func() string { return s.stagedLock })
	if err != nil {
		return nil, false, s.lockError(err, "output directory "+s.Dir+" (being written in "+st+")")
	}
	if _, err := os.Lstat(s.Dir); err == nil {
		// committed by another run between the two looks: leave the
		// staging directory if this run made it for nothing
		if entries, err := os.ReadDir(st); err == nil && len(entries) == 1 {
			os.Remove(lock)
			os.Remove(st)
		}
		unlock()
		return nil, false, nil
	}
	s.staging = st
	return func() {
		unlock()
		if s.staging != "" {
			os.Remove(st) // if the run left nothing to resume in it
		}
	}, true, nil
}

func (s *Shard) lockError(err error, what string) error {
	var held *heldError
	if errors.As(err, &held) {
		return fmt.Errorf("%s is in use by another statecraft run or merge (%s); wait for it to end, or choose another directory", what, held.holder)
	}
	if errors.Is(err, errLocked) {
		return fmt.Errorf("%s is in use by another statecraft run or merge (shards of a sharded run); wait for it to end, or choose another directory", what)
	}
	return fmt.Errorf("output directory %s: lock: %w", s.Dir, err)
}

// isLock reports whether a file name is one of the lock files.
func isLock(name string) bool {
	if name == lockName {
		return true
	}
	var i int
	n, _ := fmt.Sscanf(name, shardLockStem+"%04d.lock", &i)
	return n == 1 && name == fmt.Sprintf("%s%04d.lock", shardLockStem, i)
}
