package cpmm

import (
	"math"
	"testing"
)

func TestSell(t *testing.T) {
	tests := []struct{ in, rin, rout, fee float64 }{
		{10, 1000, 2000, 0}, {10, 1000, 2000, 0.003}, {500, 1000, 2000, 0.01}, {1e-6, 3, 7, 0.3},
	}
	for _, tt := range tests {
		d := Sell(tt.in, tt.rin, tt.rout, tt.fee)
		if !(d < 0 && -d < tt.rout) {
			t.Errorf("Sell(%v) = %v; want a loss smaller than the reserve", tt, d)
		}
		k0, k1 := tt.rin*tt.rout, (tt.rin+tt.in)*(tt.rout+d)
		switch {
		case tt.fee == 0 && math.Abs(k1/k0-1) > 1e-12:
			t.Errorf("Sell(%v): k %v -> %v; want it kept without a fee", tt, k0, k1)
		case tt.fee > 0 && !(k1 > k0):
			t.Errorf("Sell(%v): k %v -> %v; want the fee to raise it", tt, k0, k1)
		}
	}
}

func TestRebalance(t *testing.T) {
	x, y := 1000.0, 2000.0
	for _, m := range []float64{0.5, 2, 2.1, 40} {
		dx, dy := Rebalance(x, y, m)
		nx, ny := x+dx, y+dy
		if p := ny / nx; math.Abs(p/m-1) > 1e-12 {
			t.Errorf("Rebalance to %v: price %v", m, p)
		}
		if k := nx * ny; math.Abs(k/(x*y)-1) > 1e-12 {
			t.Errorf("Rebalance to %v: k %v; want %v", m, k, x*y)
		}
	}
}
