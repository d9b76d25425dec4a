package expr

// ColumnFallbacks is the number of over evaluations that gave up a
// column evaluation and went agent by agent.
func ColumnFallbacks() int64 { return columnFallbacks.Load() }

// CachedColumns is the number of columns entered in cc.
func CachedColumns(cc *ColumnCache) int { return len(cc.nodes) }
