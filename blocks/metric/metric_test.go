package metric_test

import (
	"math"
	"testing"

	"github.com/statecraft/statecraft/blocks/metric"
)

func TestGini(t *testing.T) {
	for _, c := range []struct {
		v    []float64
		want float64
	}{
		{nil, 0},
		{[]float64{0, 0, 0}, 0},
		{[]float64{5, 5, 5, 5}, 0},
		{[]float64{0, 0, 0, 10}, 0.75}, // (n-1)/n: one holder has everything
		{[]float64{1, 2, 3, 4}, 0.25},
		// the golden vector case's first Gini, from cadCAD
		{[]float64{98.5, 50.0, 25.5, 10.7, 5.3}, 0.4751578947368422},
	} {
		got, _ := metric.Gini(c.v, nil)
		if math.Abs(got-c.want) > 1e-15 {
			t.Errorf("Gini(%v) = %v, want %v", c.v, got, c.want)
		}
	}
	// the input is not reordered
	v := []float64{3, 1, 2}
	metric.Gini(v, nil)
	if v[0] != 3 || v[1] != 1 {
		t.Errorf("Gini sorted its input: %v", v)
	}
	// the buffer is reused
	buf := make([]float64, 0, 8)
	_, out := metric.Gini([]float64{1, 2}, buf)
	if &out[:1][0] != &buf[:1][0] {
		t.Error("Gini did not reuse the buffer")
	}
}
