package report

import (
	"math"
	"testing"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/internal/pqread"
)

// TestColumnAccessor: a decoded Parquet column reads as accessor reads
// an Arrow array: numbers as float64, bools as 0 or 1, a vector by the
// report's statistic, a null as NaN.
func TestColumnAccessor(t *testing.T) {
	nulls := []bool{false, true, false}
	for _, c := range []struct {
		name string
		col  pqread.Column
		vec  configs.VectorStat
		want []float64 // NaN where null
	}{
		{"bool", pqread.Column{Kind: pqread.Bool, Bools: []bool{true, false, false}, Nulls: nulls}, 0, []float64{1, math.NaN(), 0}},
		{"int32", pqread.Column{Kind: pqread.Int32, Int32s: []int32{-3, 0, 7}}, 0, []float64{-3, 0, 7}},
		{"int64", pqread.Column{Kind: pqread.Int64, Int64s: []int64{1 << 40, 0, -1}, Nulls: nulls}, 0, []float64{1 << 40, math.NaN(), -1}},
		{"float32", pqread.Column{Kind: pqread.Float32, Float32s: []float32{0.5, 2, -1}}, 0, []float64{0.5, 2, -1}},
		{"float64", pqread.Column{Kind: pqread.Float64, Float64s: []float64{1.25, 0, 3}, Nulls: nulls}, 0, []float64{1.25, math.NaN(), 3}},
		{"vector sum", pqread.Column{Kind: pqread.Float64List, Float64s: []float64{1, 2, 3, 4}, Offsets: []int{0, 2, 2, 4}}, configs.VectorSum, []float64{3, math.NaN(), 7}},
		{"vector length", pqread.Column{Kind: pqread.Float64List, Float64s: []float64{1, 2, 3, 4}, Offsets: []int{0, 2, 2, 4}, Nulls: nulls}, configs.VectorLen, []float64{2, math.NaN(), 2}},
	} {
		get := columnAccessor(&c.col, c.vec)
		for i, w := range c.want {
			if g := get(i); g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
				t.Errorf("%s: row %d = %v, want %v", c.name, i, g, w)
			}
		}
	}
}
