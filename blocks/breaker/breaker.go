// Package breaker provides circuit breakers, the FTNS phase-4 emergency
// protocols: a price crash within a window (default: a 40% drop) halts
// transactions, and a volume spike against a moving average (default: 5×
// normal volume) reduces transaction limits, each for a set number of
// steps.
//
// The windows of past values are vectors of the last values, oldest first,
// as package metric keeps them (metric.Window, the "metric.window" block),
// so a model holds them in gds vector variables. The detectors (Crash,
// Spike) and the countdown of an action (Countdown) are plain functions.
// The registered blocks "breaker.price_crash" and "breaker.volume_spike"
// wire them for model files.
package breaker

import (
	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// peak returns the largest value of a window, and false if it is empty.
func peak(window []float64) (float64, bool) {
	if len(window) == 0 {
		return 0, false
	}
	m := window[0]
	for _, v := range window[1:] {
		m = max(m, v)
	}
	return m, true
}

// mean returns the mean of a window's values, and false if it is empty.
func mean(window []float64) (float64, bool) {
	if len(window) == 0 {
		return 0, false
	}
	s := 0.0
	for _, v := range window {
		s += v
	}
	return s / float64(len(window)), true
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
	top, _ := peak(window)
	top = max(top, price)
	if !(top > 0) {
		return 0
	}
	return 1 - price/top
}

// Triggered reports whether price is at least Threshold below the peak of
// the window: price ≤ peak·(1 − Threshold), up to a relative rounding
// tolerance of 1e-12. PRSM compares the first and last prices of its
// window; the peak also catches a crash that starts within the window.
func (k Crash) Triggered(window []float64, price float64) bool {
	top, ok := peak(window)
	if !ok || !(top > 0) {
		return false
	}
	return price <= float64(top*(1-k.Threshold))*(1+tolerance)
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
	if len(window) < max(k.MinHistory, 1) {
		return false
	}
	m, _ := mean(window)
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

// CrashUpdate returns the update of remaining, the steps left of a halt:
// Countdown(remaining, crash, duration), where crash is a drop of price by
// threshold or more from the peak of window (the earlier prices, as
// metric.window keeps them).
func CrashUpdate(remaining gds.Int, price blocks.Input, window blocks.VecInput, threshold blocks.Input, duration blocks.IntInput) gds.Block {
	return remaining.Update(func(c *gds.Ctx) int64 {
		hit := Crash{Threshold: threshold(c)}.Triggered(window(c), price(c))
		return Countdown(remaining.Get(c), hit, duration(c))
	})
}

// SpikeUpdate returns the update of remaining, the steps left of a limit
// reduction: Countdown(remaining, spike, duration), where spike is a volume
// at least factor times the mean of window (the earlier volumes, as
// metric.window keeps them)
// holding at least minHistory values.
func SpikeUpdate(remaining gds.Int, volume blocks.Input, window blocks.VecInput, factor blocks.Input, minHistory, duration blocks.IntInput) gds.Block {
	return remaining.Update(func(c *gds.Ctx) int64 {
		hit := Spike{Factor: factor(c), MinHistory: int(minHistory(c))}.Triggered(window(c), volume(c))
		return Countdown(remaining.Get(c), hit, duration(c))
	})
}
