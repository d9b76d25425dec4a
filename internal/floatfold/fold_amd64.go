//go:build amd64 && !purego

package floatfold

// Implemented in fold_amd64.s. n is a positive multiple of 4.

//go:noescape
func moments4(x *float64, n int, shift float64, a *acc)

//go:noescape
func minMax4(x *float64, n int, a *acc)

//go:noescape
func countAbove4(x *float64, n int, th float64) int

//go:noescape
func countBelow4(x *float64, n int, th float64) int

//go:noescape
func drawdown1(x *float64, n int, st *[3]float64)
