//go:build !unix

package dataset

// tryLock takes no lock where flock is not available: concurrent runs into
// one directory are not detected there.
func tryLock(path string, exclusive bool, moved func() string) (release func(), err error) {
	return func() {}, nil
}

// freeBytes cannot tell the free space here: an overwritten dataset is
// removed before the run, not in the background.
func freeBytes(dir string) (uint64, bool) { return 0, false }
