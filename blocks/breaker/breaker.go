// Package breaker provides circuit breakers, the FTNS phase-4 emergency
// protocols: a price crash within a window (default: a 40% drop) halts
// transactions, and a volume spike against a moving average (default: 5×
// normal volume) reduces transaction limits, each for a set number of
// steps.
//
// The windows of past values are rings kept in a []float64, so that a model
// can hold them in a gds vector variable (double-buffered like any other):
// Push writes the next ring into an update's spare buffer. The detectors
// (Crash, Spike) and the countdown of an action (Countdown) are plain
// functions. The registered blocks "breaker.window", "breaker.price_crash"
// and "breaker.volume_spike" wire them for model files.
package breaker

// A ring is laid out as [head, count, v₀ … v_{cap−1}]: head is the slot
// the next value goes to, count how many values it holds (at most cap).

// NewRing returns an empty ring of the given capacity (at least 1).
func NewRing(capacity int) []float64 {
	return make([]float64, 2+max(capacity, 1))
}

// Cap returns the capacity of a ring (0 if r is not a ring).
func Cap(r []float64) int { return max(len(r)-2, 0) }

// Len returns how many values a ring holds.
func Len(r []float64) int {
	if len(r) < 3 {
		return 0
	}
	return min(max(int(r[1]), 0), Cap(r))
}

// At returns the i-th oldest value of a ring (0 is the oldest, Len−1 the
// newest). It panics if i is out of range.
func At(r []float64, i int) float64 {
	n := Len(r)
	if i < 0 || i >= n {
		panic("breaker: ring index out of range")
	}
	c := Cap(r)
	start := (int(r[0]) - n + c) % c
	return r[2+(start+i)%c]
}

// Push appends to dst (normally an update's spare buffer, length 0) the
// ring r with x added, dropping the oldest value when it is full, and
// returns it. An r that is not a ring of the given capacity (such as an
// empty initial value) starts a new one.
func Push(dst, r []float64, capacity int, x float64) []float64 {
	capacity = max(capacity, 1)
	if len(r) != 2+capacity {
		dst = append(dst[:0], make([]float64, 2+capacity)...)
	} else {
		dst = append(dst[:0], r...)
	}
	head := int(dst[0]) % capacity
	dst[2+head] = x
	dst[0] = float64((head + 1) % capacity)
	dst[1] = float64(min(int(dst[1])+1, capacity))
	return dst
}

// Max returns the largest value of a ring, and false if it is empty.
func Max(r []float64) (float64, bool) {
	n := Len(r)
	if n == 0 {
		return 0, false
	}
	m := At(r, 0)
	for i := 1; i < n; i++ {
		m = max(m, At(r, i))
	}
	return m, true
}

// Mean returns the mean of a ring's values, and false if it is empty.
func Mean(r []float64) (float64, bool) {
	n := Len(r)
	if n == 0 {
		return 0, false
	}
	s := 0.0
	for i := 0; i < n; i++ {
		s += At(r, i)
	}
	return s / float64(n), true
}

// tolerance absorbs the rounding of a threshold computed in another order,
// so that a value exactly at a threshold triggers.
const tolerance = 1e-12

// Crash detects a price crash: a price at least Threshold below the highest
// price of the window before it.
type Crash struct {
	// Threshold is the drop that triggers, as a fraction (FTNS: 0.4, "40%
	// drop in 1 hour").
	Threshold float64
}

// Drop returns the fall of price from the peak of the window and price
// itself: 1 − price/peak, 0 when price is the peak or the peak is not
// positive.
func Drop(window []float64, price float64) float64 {
	peak, _ := Max(window)
	peak = max(peak, price)
	if !(peak > 0) {
		return 0
	}
	return 1 - price/peak
}

// Triggered reports whether price is at least Threshold below the peak of
// the window: price ≤ peak·(1 − Threshold), up to a relative rounding
// tolerance of 1e-12. PRSM compares the first and last prices of its
// window; the peak also catches a crash that starts within the window.
func (k Crash) Triggered(window []float64, price float64) bool {
	peak, ok := Max(window)
	if !ok || !(peak > 0) {
		return false
	}
	return price <= float64(peak*(1-k.Threshold))*(1+tolerance)
}

// Spike detects a volume spike: a volume at least Factor times the mean of
// the window of volumes before it.
type Spike struct {
	// Factor is the multiple of the moving average that triggers (FTNS:
	// 5.0, "5x normal volume").
	Factor float64
	// MinHistory is how many past volumes the window must hold before the
	// detector is armed (at least 1).
	MinHistory int
}

// Triggered reports whether volume ≥ Factor·mean(window), up to a relative
// rounding tolerance of 1e-12, once the window holds MinHistory values and
// its mean is positive.
func (k Spike) Triggered(window []float64, volume float64) bool {
	if Len(window) < max(k.MinHistory, 1) {
		return false
	}
	m, _ := Mean(window)
	if !(m > 0) {
		return false
	}
	return volume >= float64(k.Factor*m)*(1-tolerance)
}

// Countdown returns the remaining steps of an emergency action after a
// step: duration when the step triggers it (a new trigger restarts the
// count), otherwise one less than before, down to 0. A model reads the
// action as in force while the remaining count is positive: an action
// triggered at step t is in force at steps t … t+duration−1, duration steps
// in all, when the model's activity comes after the breaker in the
// timestep.
func Countdown(remaining int64, trigger bool, duration int64) int64 {
	if trigger {
		return max(duration, 0)
	}
	return max(remaining-1, 0)
}
