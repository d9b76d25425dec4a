package metric

import (
	"fmt"
	"math"
	"slices"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Sums below run left to right, and every product that feeds a sum is
// rounded explicitly (float64(...)), so that no fused multiply-add changes
// the last bits from machine to machine.

// HHI returns the Herfindahl-Hirschman index of holdings v: the sum of the
// squared shares v[i]/Σv, from 1/n when all n holdings are equal to 1 when
// one holder has everything (multiply by 10,000 for the antitrust scale).
// It is 0 for an empty vector or a zero total. Holdings are >= 0.
func HHI(v []float64) float64 {
	total := 0.0
	for _, x := range v {
		total += x
	}
	if total == 0 {
		return 0
	}
	h := 0.0
	for _, x := range v {
		s := x / total
		h += float64(s * s)
	}
	return h
}

// Quantile returns the q-quantile of v (0 <= q <= 1) by linear
// interpolation between order statistics, numpy's default method
// (np.quantile(v, q), method="linear"). It sorts a copy into buf (grown as
// needed, returned for reuse). It is NaN for an empty vector, a q outside
// [0, 1], or a v containing NaN, as in numpy.
func Quantile(v []float64, q float64, buf []float64) (float64, []float64) {
	buf = append(buf[:0], v...)
	slices.Sort(buf)
	return QuantileSorted(buf, q), buf
}

// QuantileSorted is Quantile of a vector already sorted ascending (NaNs
// first, as slices.Sort orders them). With h = (n−1)·q, i = ⌊h⌋ and
// g = h − i it interpolates between a = v[i] and b = v[i+1] as numpy's
// _lerp does, a + (b−a)·g when g < 0.5 and b − (b−a)·(1−g) otherwise, so
// results match numpy's to the bit.
func QuantileSorted(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 || !(q >= 0 && q <= 1) || math.IsNaN(sorted[0]) {
		return math.NaN()
	}
	h := float64(float64(n-1) * q) // rounded, as numpy rounds it, before h − i
	if h >= float64(n-1) {
		return sorted[n-1]
	}
	i := int(math.Floor(h))
	g := h - float64(i)
	a, b := sorted[i], sorted[i+1]
	d := b - a
	if g >= 0.5 {
		return b - float64(d*(1-g))
	}
	return a + float64(d*g)
}

// Participation returns the share of the entries of v above threshold
// (e.g. agents that traded this step, with v their volumes and threshold
// 0): active / total, 0 for an empty vector.
func Participation(v []float64, threshold float64) float64 {
	if len(v) == 0 {
		return 0
	}
	active := 0
	for _, x := range v {
		if x > threshold {
			active++
		}
	}
	return float64(active) / float64(len(v))
}

// Mean returns the arithmetic mean of v, summed left to right; NaN for an
// empty vector (as gds/expr's mean).
func Mean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// Variance returns the variance of v with ddof delta degrees of freedom,
// Σ(v[i] − mean)² / (n − ddof). It runs two passes over the values shifted
// by the first one, d[i] = v[i] − v[0]: the mean of d, then the squared
// deviations from it. The shift keeps precision when the mean is large
// against the spread, and makes the variance of a constant series exactly
// 0. ddof = 0 is numpy's np.var default (the population variance),
// ddof = 1 the sample variance (pandas' default). It is 0 when
// n − ddof <= 0 (too few values: a window still filling), not NaN, so
// that a run does not stop on it.
func Variance(v []float64, ddof int) float64 {
	n := len(v)
	if n-ddof <= 0 || n == 0 {
		return 0
	}
	return shiftedVariance(n, ddof, func(i int) float64 { return v[i] })
}

// shiftedVariance is the variance of x(0..n−1), shifted by x(0).
func shiftedVariance(n, ddof int, x func(int) float64) float64 {
	k := x(0)
	m := 0.0
	for i := range n {
		m += x(i) - k
	}
	m /= float64(n)
	s := 0.0
	for i := range n {
		d := x(i) - k - m
		s += float64(d * d)
	}
	return s / float64(n-ddof)
}

// StdDev returns √Variance(v, ddof).
func StdDev(v []float64, ddof int) float64 { return math.Sqrt(Variance(v, ddof)) }

// LogReturnVariance returns the variance (with ddof, as Variance) of the
// log returns log(p[i]/p[i−1]) of a series of positive prices, without
// storing the returns: each pass recomputes them. It is 0 when there are
// n − 1 − ddof <= 0 returns, and exactly 0 when every return is the same.
func LogReturnVariance(prices []float64, ddof int) float64 {
	n := len(prices) - 1
	if n-ddof <= 0 || n <= 0 {
		return 0
	}
	return shiftedVariance(n, ddof, func(i int) float64 { return math.Log(prices[i+1] / prices[i]) })
}

// Volatility returns the standard deviation of the log returns of a series
// of positive prices, √LogReturnVariance(prices, ddof): per step of the
// series; multiply by √(steps per year) to annualize.
func Volatility(prices []float64, ddof int) float64 {
	return math.Sqrt(LogReturnVariance(prices, ddof))
}

// Velocity returns the velocity of a token over a window: the volume
// traded over the window divided by the average holdings (e.g. the
// supply) over it, Σ volume / mean(holdings). volume and holdings are the
// per-step series over the window (they may differ in length). Divide by
// the window's length for a per-step rate. It is 0 when the average
// holdings are 0 or holdings is empty.
func Velocity(volume, holdings []float64) float64 {
	if len(holdings) == 0 {
		return 0
	}
	m := Mean(holdings)
	if m == 0 {
		return 0
	}
	s := 0.0
	for _, x := range volume {
		s += x
	}
	return s / m
}

// Window appends to dst the last n−1 values of cur followed by x: a
// rolling window of the last n values of a series, kept in a vector
// variable. n < 1 is taken as 1.
func Window(dst, cur []float64, x float64, n int) []float64 {
	n = max(n, 1)
	if k := len(cur) - (n - 1); k > 0 {
		cur = cur[k:]
	}
	return append(append(dst, cur...), x)
}

// HHIUpdate returns the update that sets g to the HHI of the vector of.
func HHIUpdate(g gds.Float, of blocks.VecInput) gds.Block {
	return g.Update(func(c *gds.Ctx) float64 { return HHI(of(c)) })
}

// QuantileUpdate returns the update that sets g to the q-quantile of the
// vector of (see Quantile); it sorts in a per-engine scratch buffer. It
// panics (a *gds.BlockError in a run) if q is outside [0, 1]; an empty
// vector gives NaN, which stops a run in the default NaN mode.
func QuantileUpdate(b *gds.Builder, g gds.Float, of blocks.VecInput, q blocks.Input) gds.Block {
	tmp := b.Scratch()
	return g.Update(func(c *gds.Ctx) float64 {
		v := of(c)
		qv := q(c)
		if !(qv >= 0 && qv <= 1) {
			panic(fmt.Errorf("metric.quantile: q must be in [0, 1], got %v", qv))
		}
		buf := tmp.Buf(c)
		var x float64
		x, *buf = Quantile(v, qv, *buf)
		return x
	})
}

// ParticipationUpdate returns the update that sets g to the share of the
// entries of of above threshold.
func ParticipationUpdate(g gds.Float, of blocks.VecInput, threshold blocks.Input) gds.Block {
	return g.Update(func(c *gds.Ctx) float64 {
		v := of(c)
		return Participation(v, threshold(c))
	})
}

// VarianceUpdate returns the update that sets g to the variance of the
// vector of (returns false) or of its log returns (returns true), with
// ddof delta degrees of freedom. It panics if ddof is negative.
func VarianceUpdate(g gds.Float, of blocks.VecInput, ddof blocks.IntInput, returns blocks.BoolInput) gds.Block {
	return g.Update(func(c *gds.Ctx) float64 {
		v, d, r := of(c), checkDdof("metric.variance", ddof(c)), returns(c)
		if r {
			return LogReturnVariance(v, d)
		}
		return Variance(v, d)
	})
}

// VolatilityUpdate returns the update that sets g to the standard
// deviation of the log returns of the vector of (returns true) or of the
// vector itself (returns false), with ddof delta degrees of freedom. It
// panics if ddof is negative.
func VolatilityUpdate(g gds.Float, of blocks.VecInput, ddof blocks.IntInput, returns blocks.BoolInput) gds.Block {
	return g.Update(func(c *gds.Ctx) float64 {
		v, d, r := of(c), checkDdof("metric.volatility", ddof(c)), returns(c)
		if r {
			return Volatility(v, d)
		}
		return StdDev(v, d)
	})
}

func checkDdof(block string, d int64) int {
	if d < 0 || d > math.MaxInt32 {
		panic(fmt.Errorf("%s: ddof must be >= 0, got %d", block, d))
	}
	return int(d)
}

// WindowSum returns the sum of the last n values of v but the last skip:
// v[len(v)−skip−n : len(v)−skip], clipped at the start of v, so a window
// still filling sums the values it has (0 when none is left). The values
// are added oldest first, as sum() in expressions adds them: with skip 0
// and n >= len(v) it is sum(v) to the bit. n < 1 sums nothing; skip < 0
// is taken as 0.
func WindowSum(v []float64, n, skip int) float64 {
	hi := len(v) - max(skip, 0)
	lo := max(hi-max(n, 0), 0)
	s := 0.0
	for i := lo; i < hi; i++ {
		s += v[i]
	}
	return s
}

// VelocityUpdate returns the update that sets g to Velocity(volume,
// holdings).
func VelocityUpdate(g gds.Float, volume, holdings blocks.VecInput) gds.Block {
	return g.Update(func(c *gds.Ctx) float64 {
		v := volume(c)
		return Velocity(v, holdings(c))
	})
}

// WindowUpdate returns the update that keeps in the vector variable w the
// last n values of of: w ← the last n−1 values of w, then of. The history
// lives in the state, so it is recorded, lagged and reset like any
// variable; start w empty. It panics if n < 1.
func WindowUpdate(w gds.Vec, of blocks.Input, n blocks.IntInput) gds.Block {
	return w.Update(func(c *gds.Ctx, dst []float64) []float64 {
		x, k := of(c), n(c)
		if k < 1 || k > math.MaxInt32 {
			panic(fmt.Errorf("metric.window: n must be in 1..%d, got %d", math.MaxInt32, k))
		}
		return Window(dst, w.Get(c), x, int(k))
	})
}

// WindowSumUpdate returns the update that sets g to WindowSum(of, n,
// skip): a rolling sum when of is a window that metric.window keeps (in an
// earlier PSUB) at least n + skip long. It panics if n < 1 or skip < 0.
func WindowSumUpdate(g gds.Float, of blocks.VecInput, n, skip blocks.IntInput) gds.Block {
	return g.Update(func(c *gds.Ctx) float64 {
		v, k, s := of(c), n(c), skip(c)
		if k < 1 || k > math.MaxInt32 {
			panic(fmt.Errorf("metric.window_sum: n must be in 1..%d, got %d", math.MaxInt32, k))
		}
		if s < 0 || s > math.MaxInt32 {
			panic(fmt.Errorf("metric.window_sum: skip must be in 0..%d, got %d", math.MaxInt32, s))
		}
		return WindowSum(v, int(k), int(s))
	})
}
