package gds

import "strconv"

// Defaults of Limits.
const (
	// DefaultMaxVecLen is the most elements a vector may hold when
	// Limits.MaxVecLen is 0: 16,777,216 (128 MiB of float64).
	DefaultMaxVecLen = 1 << 24
	// DefaultMaxAgents is the most records a population may hold when
	// Limits.MaxAgents is 0: 50,000,000.
	DefaultMaxAgents = 50_000_000
)

// Limits bound how large a job's values may grow while it runs. A vector
// or a population that grows past them fails its job with a *BlockError
// whose Unwrap is a *LimitError, instead of exhausting the machine's
// memory. The checks are made where memory is taken (an expression's
// vector growing its buffer, Columns.Resize) and where a block's result is
// staged, so they cost nothing per substep once the buffers have grown.
type Limits struct {
	// MaxVecLen is the most elements of a vector variable or of a vector
	// an expression computes (0: DefaultMaxVecLen).
	MaxVecLen int
	// MaxAgents is the most records of an agent population (0:
	// DefaultMaxAgents).
	MaxAgents int
}

// withDefaults returns l with its zero fields set to the defaults.
func (l Limits) withDefaults() Limits {
	if l.MaxVecLen <= 0 {
		l.MaxVecLen = DefaultMaxVecLen
	}
	if l.MaxAgents <= 0 {
		l.MaxAgents = DefaultMaxAgents
	}
	return l
}

// LimitError is a vector or a population grown past its limit.
type LimitError struct {
	What  string // "vector" or "population"
	Len   int    // the size it would have
	Limit int
	Key   string // the experiment config's key that sets the limit
}

// Error returns, for example, "a vector of 33554432 elements, more than
// the limit of 16777216 (raise it with limits.max_vector_len)".
func (e *LimitError) Error() string {
	unit := "elements"
	if e.What == "population" {
		unit = "agents"
	}
	return "a " + e.What + " of " + strconv.Itoa(e.Len) + " " + unit + ", more than the limit of " + strconv.Itoa(e.Limit) +
		" (raise it with " + e.Key + " in the experiment config, or with --set " + e.Key + "=N)"
}

// VecLimitError returns the *LimitError of a vector of n elements.
func VecLimitError(n, limit int) *LimitError {
	return &LimitError{What: "vector", Len: n, Limit: limit, Key: "limits.max_vector_len"}
}

// AgentLimitError returns the *LimitError of a population of n agents.
func AgentLimitError(n, limit int) *LimitError {
	return &LimitError{What: "population", Len: n, Limit: limit, Key: "limits.max_agents"}
}

// Limits returns the running job's limits, with defaults filled in.
func (c *Ctx) Limits() Limits { return c.e.lim }
