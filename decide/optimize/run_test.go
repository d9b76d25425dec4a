package optimize

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// quad is a shifted quadratic with its minimum 0 at c.
func quad(c ...float64) Objective {
	return func(_ context.Context, x []float64) (float64, error) {
		var f float64
		for i, v := range x {
			f += (v - c[i]) * (v - c[i])
		}
		return f, nil
	}
}

func box(n int, lo, hi float64) []Param {
	ps := make([]Param, n)
	for i := range ps {
		ps[i] = Param{Name: string(rune('a' + i)), Min: lo, Max: hi}
	}
	return ps
}

// run runs Run, fails on an error, checks the invariants every result
// keeps (bounds, budget, numbering, the best is an evaluation) and logs
// the outcome.
func run(t *testing.T, params []Param, f Objective, s Settings) *Result {
	t.Helper()
	r, err := Run(context.Background(), params, f, s)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	checkResult(t, params, s, r)
	t.Logf("%v: x=%.6g F=%.6g evals=%d status=%q", s.Method, r.X, r.F, len(r.Evals), r.Status)
	return r
}

func checkResult(t *testing.T, params []Param, s Settings, r *Result) {
	t.Helper()
	budget := s.MaxEvals
	if budget <= 0 {
		budget = DefaultMaxEvals
	}
	if len(r.Evals) > budget {
		t.Errorf("%d evaluations, budget %d", len(r.Evals), budget)
	}
	inBounds := func(what string, x []float64) {
		t.Helper()
		for i, p := range params {
			v := x[i]
			if !(v >= p.Min && v <= p.Max) {
				t.Errorf("%s: %s = %v outside [%v, %v]", what, p.Name, v, p.Min, p.Max)
			}
			if p.Int && v != math.Round(v) {
				t.Errorf("%s: integer %s = %v", what, p.Name, v)
			}
		}
	}
	inBounds("result", r.X)
	found := false
	for i, e := range r.Evals {
		if i > 0 && e.N <= r.Evals[i-1].N {
			t.Errorf("evals out of order: N %d after %d", e.N, r.Evals[i-1].N)
		}
		inBounds("eval", e.X)
		if reflect.DeepEqual(e.X, r.X) && (e.F == r.F || math.IsNaN(e.F) && math.IsNaN(r.F)) {
			found = true
		}
	}
	if len(r.Evals) > 0 && !found {
		t.Errorf("result x=%v F=%v is none of the evaluations", r.X, r.F)
	}
}

func dist(x []float64, c ...float64) float64 {
	var d float64
	for i := range x {
		d = math.Max(d, math.Abs(x[i]-c[i]))
	}
	return d
}

func TestNelderMeadQuadratic(t *testing.T) {
	r := run(t, box(2, -2, 2), quad(0.3, -1.2), Settings{MaxEvals: 200})
	if d := dist(r.X, 0.3, -1.2); d > 1e-3 {
		t.Errorf("x = %v, %g from (0.3, -1.2)", r.X, d)
	}
}

func TestNelderMeadMaximize(t *testing.T) {
	f := func(ctx context.Context, x []float64) (float64, error) {
		q, _ := quad(0.3, -1.2)(ctx, x)
		return 5 - q, nil
	}
	r := run(t, box(2, -2, 2), f, Settings{Maximize: true, MaxEvals: 200})
	if d := dist(r.X, 0.3, -1.2); d > 1e-3 {
		t.Errorf("x = %v, %g from (0.3, -1.2)", r.X, d)
	}
	if math.Abs(r.F-5) > 1e-5 {
		t.Errorf("F = %v, want 5 (not negated)", r.F)
	}
}

func TestBoundaryOptimum(t *testing.T) {
	// The quadratic's centre (0, 0.2) has x below the box: the
	// constrained optimum is x = 1 on the bound.
	params := []Param{{Name: "x", Min: 1, Max: 2}, {Name: "y", Min: -1, Max: 1}}
	for _, m := range []Method{NelderMead, CMAES} {
		t.Run(m.String(), func(t *testing.T) {
			r := run(t, params, quad(0, 0.2), Settings{Method: m, MaxEvals: 300, Seed: 1})
			if d := dist(r.X, 1, 0.2); d > 1e-3 {
				t.Errorf("x = %v, %g from (1, 0.2)", r.X, d)
			}
		})
	}
}

func rosenbrock(_ context.Context, x []float64) (float64, error) {
	a, b := 1-x[0], x[1]-x[0]*x[0]
	return a*a + 100*b*b, nil
}

func TestNelderMeadRosenbrock(t *testing.T) {
	r := run(t, box(2, -2, 2), rosenbrock, Settings{MaxEvals: 400})
	if d := dist(r.X, 1, 1); d > 1e-2 {
		t.Errorf("x = %v, %g from (1, 1)", r.X, d)
	}
}

// noisy is the quadratic plus noise of amplitude amp that depends on x
// alone (a PCG seeded with a hash of x's bits), so runs reproduce.
func noisy(amp float64, c ...float64) Objective {
	return func(ctx context.Context, x []float64) (float64, error) {
		h := fnv.New64a()
		for _, v := range x {
			h.Write(binary.LittleEndian.AppendUint64(nil, math.Float64bits(v)))
		}
		rng := rand.New(rand.NewPCG(h.Sum64(), 7))
		f, _ := quad(c...)(ctx, x)
		return f + amp*(rng.Float64()-0.5), nil
	}
}

func TestCMAESNoisy(t *testing.T) {
	// The noise (uniform, amplitude 0.01) equals the quadratic 0.07 from
	// the optimum, which is what the best evaluation's noise can hide.
	for seed := uint64(1); seed <= 5; seed++ {
		r := run(t, box(2, -2, 2), noisy(0.01, 0.3, -1.2), Settings{Method: CMAES, MaxEvals: 1000, Seed: seed})
		if d := dist(r.X, 0.3, -1.2); d > 0.05 {
			t.Errorf("seed %d: x = %v, %g from (0.3, -1.2)", seed, r.X, d)
		}
	}
}

func TestLogParam(t *testing.T) {
	params := []Param{{Name: "rate", Min: 1e-5, Max: 1, Log: true}}
	f := func(_ context.Context, x []float64) (float64, error) {
		d := math.Log10(x[0]) + 3
		return d * d, nil
	}
	for _, tc := range []struct {
		m        Method
		maxEvals int
		tol      float64
	}{{NelderMead, 0, 1e-6}, {CMAES, 400, 1e-2}} {
		t.Run(tc.m.String(), func(t *testing.T) {
			r := run(t, params, f, Settings{Method: tc.m, MaxEvals: tc.maxEvals, Seed: 1})
			if rel := math.Abs(r.X[0]/1e-3 - 1); rel > tc.tol {
				t.Errorf("rate = %v, relative error %g from 1e-3", r.X[0], rel)
			}
		})
	}
}

func TestIntParam(t *testing.T) {
	params := []Param{{Name: "n", Min: 0, Max: 20, Int: true}, {Name: "y", Min: -1, Max: 1}}
	t.Run("log", func(t *testing.T) {
		params := []Param{{Name: "n", Min: 1, Max: 1000, Int: true, Log: true}}
		r := run(t, params, quad(37.4), Settings{})
		if r.X[0] != 37 {
			t.Errorf("n = %v, want 37", r.X[0])
		}
	})
	for _, tc := range []struct {
		m        Method
		maxEvals int
		tol      float64
	}{{NelderMead, 200, 1e-4}, {CMAES, 400, 2e-2}} {
		t.Run(tc.m.String(), func(t *testing.T) {
			r := run(t, params, quad(7.3, 0.5), Settings{Method: tc.m, MaxEvals: tc.maxEvals, Seed: 1})
			if r.X[0] != 7 || math.Abs(r.X[1]-0.5) > tc.tol {
				t.Errorf("x = %v, want (7, 0.5) within %g", r.X, tc.tol)
			}
		})
	}
}

func TestStart(t *testing.T) {
	// From a corner, where the transform is flat, to the optimum.
	s := Settings{Start: []float64{-2, 2}, MaxEvals: 200}
	r := run(t, box(2, -2, 2), quad(0.3, -1.2), s)
	if d := dist(r.Evals[0].X, -2, 2); d > 1e-12 {
		t.Errorf("first evaluation at %v, not the start (-2, 2)", r.Evals[0].X)
	}
	if d := dist(r.X, 0.3, -1.2); d > 1e-3 {
		t.Errorf("x = %v, %g from (0.3, -1.2)", r.X, d)
	}
}

func TestMaxEvals(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    Settings
		want int
	}{
		{"nelder_mead", Settings{MaxEvals: 17}, 17},
		{"default", Settings{}, DefaultMaxEvals},
		{"negative", Settings{MaxEvals: -3}, DefaultMaxEvals},
		// The budget ends in the middle of the third generation of 6,
		// with 4 evaluations in flight.
		{"cmaes concurrent", Settings{Method: CMAES, MaxEvals: 17, Concurrency: 4, Seed: 1}, 17},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int64
			f := func(ctx context.Context, x []float64) (float64, error) {
				calls.Add(1)
				return rosenbrock(ctx, x)
			}
			r := run(t, box(2, -2, 2), f, tc.s)
			if len(r.Evals) != tc.want || calls.Load() != int64(tc.want) {
				t.Errorf("%d evaluations recorded, %d calls, want %d", len(r.Evals), calls.Load(), tc.want)
			}
			for i, e := range r.Evals {
				if e.N != i+1 {
					t.Fatalf("Evals[%d].N = %d", i, e.N)
				}
			}
			if want := fmt.Sprintf("evaluation budget of %d used", tc.want); r.Status != want {
				t.Errorf("status %q, want %q", r.Status, want)
			}
		})
	}
}

func TestNaN(t *testing.T) {
	// NaN right of x = 0.5, which holds a vertex of Nelder-Mead's first
	// simplex: the worst value, recorded, never the result.
	f := func(ctx context.Context, x []float64) (float64, error) {
		if x[0] > 0.5 {
			return math.NaN(), nil
		}
		return quad(0.3, -1.2)(ctx, x)
	}
	for _, tc := range []struct {
		m   Method
		tol float64
	}{{NelderMead, 1e-3}, {CMAES, 0.1}} {
		t.Run(tc.m.String(), func(t *testing.T) {
			r := run(t, box(2, -2, 2), f, Settings{Method: tc.m, MaxEvals: 300, Seed: 1})
			nan := 0
			for _, e := range r.Evals {
				if math.IsNaN(e.F) {
					nan++
				}
			}
			if nan == 0 {
				t.Error("no NaN evaluation recorded")
			}
			if d := dist(r.X, 0.3, -1.2); d > tc.tol || math.IsNaN(r.F) {
				t.Errorf("x = %v F = %v, %g from (0.3, -1.2)", r.X, r.F, d)
			}
		})
	}
	t.Run("all", func(t *testing.T) {
		f := func(context.Context, []float64) (float64, error) { return math.NaN(), nil }
		r := run(t, box(2, -2, 2), f, Settings{Method: CMAES, MaxEvals: 20})
		if !math.IsNaN(r.F) || !reflect.DeepEqual(r.X, r.Evals[0].X) || len(r.Evals) != 20 {
			t.Errorf("x = %v F = %v after %d evaluations; want the first point, NaN, 20", r.X, r.F, len(r.Evals))
		}
	})
	t.Run("start", func(t *testing.T) {
		// Nelder-Mead cannot start from a point without a value.
		f := func(context.Context, []float64) (float64, error) { return math.NaN(), nil }
		r, err := Run(context.Background(), box(1, -2, 2), f, Settings{})
		want := "optimize: nelder_mead needs a finite objective at the start, got NaN at [a=0]; choose another start"
		if err == nil || err.Error() != want {
			t.Fatalf("err = %v, want %s", err, want)
		}
		if len(r.Evals) != 1 {
			t.Errorf("%d evaluations, want 1", len(r.Evals))
		}
	})
}

var errBoom = errors.New("boom")

func TestObjectiveError(t *testing.T) {
	t.Run("nelder_mead", func(t *testing.T) {
		var calls int
		f := func(ctx context.Context, x []float64) (float64, error) {
			if calls++; calls == 7 {
				return 0, errBoom
			}
			return quad(0.3, -1.2)(ctx, x)
		}
		r, err := Run(context.Background(), box(2, -2, 2), f, Settings{})
		if !errors.Is(err, errBoom) {
			t.Fatalf("err = %v, want boom", err)
		}
		if !strings.HasPrefix(err.Error(), "optimize: evaluation 7 at [a=") || !strings.HasSuffix(err.Error(), "]: boom") {
			t.Errorf("err = %q", err)
		}
		if len(r.Evals) != 6 || r.Status != "failed: evaluation 7" {
			t.Errorf("%d evaluations, status %q; want 6, failed: evaluation 7", len(r.Evals), r.Status)
		}
		checkResult(t, box(2, -2, 2), Settings{}, r)
	})
	t.Run("cmaes concurrent", func(t *testing.T) {
		// The failure cancels the evaluations in flight.
		var calls atomic.Int64
		f := func(ctx context.Context, x []float64) (float64, error) {
			switch n := calls.Add(1); {
			case n == 10:
				return 0, errBoom
			case n > 10:
				<-ctx.Done()
				return 0, ctx.Err()
			}
			return quad(0.3, -1.2)(ctx, x)
		}
		r, err := Run(context.Background(), box(2, -2, 2), f, Settings{Method: CMAES, Concurrency: 3})
		if !errors.Is(err, errBoom) || errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want boom", err)
		}
		if len(r.Evals) != 9 {
			t.Errorf("%d evaluations, want 9", len(r.Evals))
		}
	})
	t.Run("panic", func(t *testing.T) {
		f := func(context.Context, []float64) (float64, error) { panic("kaboom") }
		_, err := Run(context.Background(), box(2, -2, 2), f, Settings{})
		if err == nil || !strings.HasPrefix(err.Error(), "optimize: evaluation 1 at [a=0 b=0]: panic: kaboom") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestCancel(t *testing.T) {
	t.Run("between evaluations", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var calls int
		f := func(ctx context.Context, x []float64) (float64, error) {
			if calls++; calls == 5 {
				cancel()
			}
			return quad(0.3, -1.2)(ctx, x)
		}
		r, err := Run(ctx, box(2, -2, 2), f, Settings{})
		if !errors.Is(err, context.Canceled) || err.Error() != "optimize: cancelled after 5 evaluations: context canceled" {
			t.Fatalf("err = %v", err)
		}
		if calls != 5 || len(r.Evals) != 5 || r.Status != "cancelled" {
			t.Errorf("%d calls, %d evaluations, status %q; want 5, 5, cancelled", calls, len(r.Evals), r.Status)
		}
	})
	t.Run("in flight", func(t *testing.T) {
		// Three evaluations return, the next ones wait for ctx; Run
		// must return once ctx is cancelled.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var calls atomic.Int64
		blocked := make(chan struct{}, 16)
		f := func(ctx context.Context, x []float64) (float64, error) {
			if calls.Add(1) <= 3 {
				return quad(0.3, -1.2)(ctx, x)
			}
			blocked <- struct{}{}
			<-ctx.Done()
			return 0, ctx.Err()
		}
		go func() {
			<-blocked
			cancel()
		}()
		done := make(chan struct{})
		var r *Result
		var err error
		go func() {
			r, err = Run(ctx, box(2, -2, 2), f, Settings{Method: CMAES, Concurrency: 3})
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after cancellation")
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if len(r.Evals) != 3 {
			t.Errorf("%d evaluations, want 3", len(r.Evals))
		}
	})
	t.Run("before", func(t *testing.T) {
		// Nothing is evaluated, though the first request and ctx.Done
		// are ready together (repeated: select picks at random).
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for range 20 {
			var calls atomic.Int64
			f := func(context.Context, []float64) (float64, error) { calls.Add(1); return 0, nil }
			r, err := Run(ctx, box(2, -2, 2), f, Settings{Method: CMAES, Concurrency: 2})
			if !errors.Is(err, context.Canceled) || calls.Load() != 0 || len(r.Evals) != 0 || r.Status != "cancelled" {
				t.Fatalf("err = %v after %d calls, status %q", err, calls.Load(), r.Status)
			}
		}
	})
}

func TestDeterminism(t *testing.T) {
	params := box(3, -2, 2)
	f := noisy(0.01, 0.3, -1.2, 0.5)
	for _, tc := range []struct {
		name string
		a, b Settings
		same bool
	}{
		{"nelder_mead", Settings{}, Settings{}, true},
		{"cmaes seed", Settings{Method: CMAES, Seed: 7}, Settings{Method: CMAES, Seed: 7}, true},
		// A generation's samples are drawn in order and the update waits
		// for all of them: concurrency changes nothing.
		{"cmaes concurrency", Settings{Method: CMAES, Seed: 7}, Settings{Method: CMAES, Seed: 7, Concurrency: 4, MaxEvals: 100}, true},
		{"cmaes other seed", Settings{Method: CMAES, Seed: 7}, Settings{Method: CMAES, Seed: 8}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := run(t, params, f, tc.a)
			b := run(t, params, f, tc.b)
			if got := reflect.DeepEqual(a, b); got != tc.same {
				t.Errorf("identical results: %v, want %v", got, tc.same)
			}
		})
	}
}

func TestConcurrency(t *testing.T) {
	var mu sync.Mutex
	var inflight, peak int
	f := func(ctx context.Context, x []float64) (float64, error) {
		mu.Lock()
		inflight++
		peak = max(peak, inflight)
		mu.Unlock()
		time.Sleep(time.Millisecond)
		mu.Lock()
		inflight--
		mu.Unlock()
		v, err := quad(0.3, -1.2)(ctx, x)
		x[0] = 99 // the objective owns its slice
		return v, err
	}
	r := run(t, box(2, -2, 2), f, Settings{Method: CMAES, Concurrency: 3, MaxEvals: 60})
	if peak < 2 || peak > 3 {
		t.Errorf("at most %d evaluations in flight, want 2 or 3", peak)
	}
	if len(r.Evals) != 60 {
		t.Errorf("%d evaluations, want 60", len(r.Evals))
	}
}
