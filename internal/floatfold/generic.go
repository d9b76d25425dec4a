package floatfold

import "unsafe"

// The lanes in plain Go: the reference the assembly is tested against,
// and the implementation where there is none. n is a multiple of 4.

func moments4Generic(x *float64, n int, shift float64, a *acc) {
	for _, q := range chunks(x, n) {
		for j, v := range q {
			a.moment(j, v, shift)
		}
	}
}

func minMax4Generic(x *float64, n int, a *acc) {
	for _, q := range chunks(x, n) {
		for j, v := range q {
			a.extreme(j, v)
		}
	}
}

func countAbove4Generic(x *float64, n int, th float64) int {
	c := 0
	for _, v := range unsafe.Slice(x, n) {
		if v > th {
			c++
		}
	}
	return c
}

func countBelow4Generic(x *float64, n int, th float64) int {
	c := 0
	for _, v := range unsafe.Slice(x, n) {
		if v < th {
			c++
		}
	}
	return c
}

// chunks returns the n values at x as groups of four.
func chunks(x *float64, n int) [][4]float64 {
	return unsafe.Slice((*[4]float64)(unsafe.Pointer(x)), n/4)
}

func drawdown1Generic(x *float64, n int, st *[3]float64) {
	peak, trough, dd := st[0], st[1], st[2]
	for _, v := range unsafe.Slice(x, n) {
		if v > peak {
			if trough < peak && peak > 0 {
				if f := (peak - trough) / peak; f > dd {
					dd = f
				}
			}
			peak, trough = v, v
		} else if v < trough {
			trough = v
		}
	}
	st[0], st[1], st[2] = peak, trough, dd
}
