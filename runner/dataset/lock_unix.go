//go:build unix

package dataset

import (
	"errors"
	"os"
	"syscall"
)

// tryLock takes the lock of the file at path, exclusive or shared, without
// waiting: errLocked if another process holds it in a conflicting mode.
//
// Release removes the lock file when no other process holds it, so a
// finished or interrupted run leaves nothing behind. That is safe because
// a lock counts only if the file locked is still the one at path: a
// process that locked a file another has just removed finds a different
// file (or none) at path, and tries again on a new one. If moved is not
// nil, release removes the file at moved() instead: where the lock file is
// once its directory has been renamed (a staged dataset's, published).
func tryLock(path string, exclusive bool, moved func() string) (release func(), err error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := flock(f, how|syscall.LOCK_NB); err != nil {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, lockedBy(path)
			}
			return nil, err
		}
		if same(f, path) {
			// The file says who holds it exclusively, for the message of
			// a run it keeps out; a shared lock clears what a killed
			// exclusive holder left.
			f.Truncate(0)
			if exclusive {
				f.WriteAt([]byte(holder()), 0)
			}
			return func() {
				// Alone on the file (an exclusive lock is granted): remove
				// it while still holding it, then let go.
				if flock(f, syscall.LOCK_EX|syscall.LOCK_NB) == nil {
					if moved != nil {
						os.Remove(moved())
					} else {
						os.Remove(path)
					}
				}
				f.Close() // closing the file releases the lock
			}, nil
		}
		f.Close()
		if attempt >= 100 {
			return nil, errLocked
		}
	}
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// same reports whether the open file f is the file at path.
func same(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// freeBytes returns the bytes of the file system holding dir that an
// unprivileged writer may still use, and false if it cannot tell.
func freeBytes(dir string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}
