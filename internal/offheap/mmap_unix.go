//go:build unix

package offheap

import "syscall"

// acquire maps size bytes of zeroed anonymous memory, or returns nil if it
// cannot.
func acquire(size int) []byte {
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil
	}
	return b
}

func release(b []byte) { syscall.Munmap(b) }
