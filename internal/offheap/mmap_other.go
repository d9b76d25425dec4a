//go:build !unix

package offheap

// acquire returns nil: the arena allocates on the Go heap.
func acquire(int) []byte { return nil }

func release([]byte) {}
