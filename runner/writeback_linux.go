package runner

import (
	"os"
	"syscall"
)

// syncFileRangeWrite is SYNC_FILE_RANGE_WRITE: start writing back the
// range's dirty pages, without waiting for them.
const syncFileRangeWrite = 2

// startWriteback starts the write-back of n bytes of f from off. It is a
// hint: an error changes nothing (the part's fsync still makes it durable).
func startWriteback(f *os.File, off, n int64) {
	syscall.Syscall6(syscall.SYS_SYNC_FILE_RANGE, f.Fd(), uintptr(off), uintptr(n), syncFileRangeWrite, 0, 0)
}
