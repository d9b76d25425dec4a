package floatfold_test

import (
	"fmt"
	"math"

	"github.com/statecraft/statecraft/internal/floatfold"
)

// The sample variance of a series from one pass, squares taken about its
// first value.
func ExampleFold() {
	x := []float64{10, 12, 9, 11, 13, 8, math.NaN()}
	m := floatfold.Fold(x[:6], x[0])
	n := 6.0
	d := m.Sum - n*x[0] // the sum of x - x[0]
	fmt.Printf("mean %.2f, variance %.2f, range [%v, %v]\n", m.Sum/n, (m.Sq-d*d/n)/(n-1), m.Min, m.Max)
	lo, hi := floatfold.MinMax(x) // NaN is skipped
	fmt.Println(lo, hi, floatfold.CountAbove(x, 10))
	// Output:
	// mean 10.50, variance 3.50, range [8, 13]
	// 8 13 3
}
