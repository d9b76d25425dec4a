package expr

// ColumnFallbacks is the number of over evaluations that gave up a
// column evaluation and went agent by agent.
func ColumnFallbacks() int64 { return columnFallbacks.Load() }
