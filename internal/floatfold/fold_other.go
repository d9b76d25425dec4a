//go:build !amd64 || purego

package floatfold

func moments4(x *float64, n int, shift float64, a *acc) { moments4Generic(x, n, shift, a) }

func minMax4(x *float64, n int, a *acc) { minMax4Generic(x, n, a) }

func countAbove4(x *float64, n int, th float64) int { return countAbove4Generic(x, n, th) }

func countBelow4(x *float64, n int, th float64) int { return countBelow4Generic(x, n, th) }

func drawdown1(x *float64, n int, st *[3]float64) { drawdown1Generic(x, n, st) }
