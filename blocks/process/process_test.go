package process_test

import (
	"context"
	"math"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/blocks/process"
	"github.com/statecraft/statecraft/gds"
)

// final runs a one-variable model for T steps over many seeds and returns
// the final values.
func final(t *testing.T, init float64, mk func(x gds.Float) gds.Block, T, runs int) []float64 {
	t.Helper()
	b := gds.NewBuilder("p")
	x := b.Float("x", init)
	b.PSUB("step", mk(x))
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	e := m.NewEngine()
	var out []float64
	for r := 1; r <= runs; r++ {
		var last float64
		rec := recorder(func(row *gds.Row) { last = row.Floats()[0] })
		if err := e.Run(context.Background(), &gds.Job{Run: r, Timesteps: T, Seed: [2]uint64{uint64(r), 9}}, rec); err != nil {
			t.Fatal(err)
		}
		out = append(out, last)
	}
	return out
}

type recorder func(*gds.Row)

func (f recorder) Record(r *gds.Row) error { f(r); return nil }

func meanStd(v []float64) (float64, float64) {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return m, math.Sqrt(s / float64(len(v)-1))
}

// TestGBM: log(x_T/x_0) is normal with mean (mu − sigma²/2)·T·dt and
// standard deviation sigma·√(T·dt); x stays positive.
func TestGBM(t *testing.T) {
	mu, sigma, dt, T := 0.05, 0.3, 0.1, 50
	xs := final(t, 100, func(x gds.Float) gds.Block {
		return process.GBM(x, blocks.Const(mu), blocks.Const(sigma), blocks.Const(dt))
	}, T, 4000)
	logs := make([]float64, len(xs))
	for i, x := range xs {
		if x <= 0 {
			t.Fatalf("x = %v, want > 0", x)
		}
		logs[i] = math.Log(x / 100)
	}
	m, s := meanStd(logs)
	wantM, wantS := (mu-sigma*sigma/2)*float64(T)*dt, sigma*math.Sqrt(float64(T)*dt)
	if se := wantS / math.Sqrt(float64(len(xs))); math.Abs(m-wantM) > 4*se {
		t.Errorf("mean log return %v, want %v ± %v", m, wantM, 4*se)
	}
	if math.Abs(s-wantS) > 0.05*wantS {
		t.Errorf("std of log return %v, want %v ± 5%%", s, wantS)
	}
}

// TestOU: the process reverts to mu; the stationary standard deviation is
// sigma/√(2·theta) (for small dt).
func TestOU(t *testing.T) {
	theta, mu, sigma, dt := 0.5, 3.0, 0.2, 0.05
	xs := final(t, -5, func(x gds.Float) gds.Block {
		return process.OU(x, blocks.Const(theta), blocks.Const(mu), blocks.Const(sigma), blocks.Const(dt))
	}, 1000, 2000)
	m, s := meanStd(xs)
	if math.Abs(m-mu) > 0.05 {
		t.Errorf("mean after reverting %v, want %v", m, mu)
	}
	if want := sigma / math.Sqrt(2*theta); math.Abs(s-want) > 0.1*want {
		t.Errorf("stationary std %v, want %v ± 10%%", s, want)
	}
}
