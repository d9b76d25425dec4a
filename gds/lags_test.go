package gds_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

// TestLagsReadEndOfEarlierTimesteps: with Lags(k), Lag(c, j) for j = 1..k
// returns X(max(t-j, 0)), where X(u) is the value at the end of timestep u
// (its last substep) and X(0) the initial value, in every PSUB, for float,
// int, bool, string and vector variables. T is well beyond k so the ring
// wraps around several times.
func TestLagsReadEndOfEarlierTimesteps(t *testing.T) {
	const K, S, T = 3, 3, 11
	b := gds.NewBuilder("lags")
	x := b.Float("x", 0.5, gds.Lags(K))
	n := b.Int("n", 7, gds.Lags(K))
	flag := b.Bool("flag", true, gds.Lags(K))
	word := b.String("word", "w0", gds.Lags(K))
	vec := b.Vec("vec", []float64{-1}, gds.Lags(K))
	type readers struct {
		f []gds.Float
		i []gds.Int
		b []gds.Bool
		s []gds.String
		v []gds.Vec
	}
	rd := make([]readers, S)
	for k := 0; k < S; k++ {
		for j := 1; j <= K; j++ {
			rd[k].f = append(rd[k].f, b.Float(fmt.Sprintf("f_%d_%d", k+1, j), -99))
			rd[k].i = append(rd[k].i, b.Int(fmt.Sprintf("i_%d_%d", k+1, j), -99))
			rd[k].b = append(rd[k].b, b.Bool(fmt.Sprintf("b_%d_%d", k+1, j), false))
			rd[k].s = append(rd[k].s, b.String(fmt.Sprintf("s_%d_%d", k+1, j), "none"))
			rd[k].v = append(rd[k].v, b.Vec(fmt.Sprintf("v_%d_%d", k+1, j), nil))
		}
	}
	for k := 0; k < S; k++ {
		var blocks []gds.Block
		if k != 1 { // the lagged variables change in PSUBs 1 and 3
			blocks = append(blocks,
				x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + float64(c.T*c.T) + 0.25*float64(c.Substep) }),
				n.Update(func(c *gds.Ctx) int64 { return n.Get(c)*2 + int64(c.Substep) }),
				flag.Update(func(c *gds.Ctx) bool { return (c.T*c.Substep)%3 == 1 }),
				word.Update(func(c *gds.Ctx) string { return fmt.Sprintf("w%d.%d", c.T, c.Substep) }),
				vec.Update(func(c *gds.Ctx, dst []float64) []float64 {
					// the length changes too
					for i := 0; i <= c.T%4; i++ {
						dst = append(dst, float64(c.T*10+c.Substep+i))
					}
					return dst
				}),
			)
		}
		for j := 1; j <= K; j++ {
			blocks = append(blocks,
				rd[k].f[j-1].Update(func(c *gds.Ctx) float64 { return x.Lag(c, j) }),
				rd[k].i[j-1].Update(func(c *gds.Ctx) int64 { return n.Lag(c, j) }),
				rd[k].b[j-1].Update(func(c *gds.Ctx) bool { return flag.Lag(c, j) }),
				rd[k].s[j-1].Update(func(c *gds.Ctx) string { return word.Lag(c, j) }),
				rd[k].v[j-1].Update(func(c *gds.Ctx, dst []float64) []float64 { return append(dst, vec.Lag(c, j)...) }),
			)
		}
		b.PSUB(fmt.Sprintf("p%d", k+1), blocks...)
	}
	m := mustBuild(t, b)
	if v, _ := m.Var("x"); v.Lags != K {
		t.Errorf("VarInfo.Lags = %d, want %d", v.Lags, K)
	}
	rec := runT(t, m, T)
	X := func(u int) row { // the state at the end of timestep u
		if u <= 0 {
			return rec.rows[0]
		}
		return rec.at(t, u, S)
	}
	for ts := 1; ts <= T; ts++ {
		for k := 1; k <= S; k++ {
			r := rec.at(t, ts, k)
			for j := 1; j <= K; j++ {
				want := X(ts - j)
				suf := fmt.Sprintf("_%d_%d", k, j)
				if r.f("f"+suf) != want.f("x") || r.i("i"+suf) != want.i("n") || r.b("b"+suf) != want.b("flag") ||
					r.s("s"+suf) != want.s("word") || !vecEq(r.v("v"+suf), want.v("vec")) {
					t.Errorf("t=%d, PSUB %d, lag %d: got %v %v %v %q %v; want X(%d) = %v %v %v %q %v", ts, k, j,
						r.f("f"+suf), r.i("i"+suf), r.b("b"+suf), r.s("s"+suf), r.v("v"+suf),
						max(ts-j, 0), want.f("x"), want.i("n"), want.b("flag"), want.s("word"), want.v("vec"))
				}
			}
		}
	}
}

// TestLagGolden reproduces cadCAD's "lag" golden case (see
// shared/golden/README.md): x_lag2 = state_history[max(t-2,0)][-1]['x'].
func TestLagGolden(t *testing.T) {
	b := gds.NewBuilder("lag")
	x := b.Float("x", 0, gds.Lags(2))
	xLag2 := b.Float("x_lag2", 0)
	y := b.Float("y", 1)
	b.PSUB("move", x.Update(func(c *gds.Ctx) float64 { return x.Get(c) + math.Cos(0.3*float64(c.T)) }))
	b.PSUB("observe",
		xLag2.Update(func(c *gds.Ctx) float64 { return x.Lag(c, 2) }),
		y.Update(func(c *gds.Ctx) float64 { return y.Get(c)*0.9 + x.Get(c)*0.1 }),
	)
	rec := runT(t, mustBuild(t, b), 12)
	if len(rec.rows) != 25 {
		t.Fatalf("%d rows; want 25", len(rec.rows))
	}
	for _, r := range rec.rows {
		if (r.T < 3 || r.T == 3 && r.K == 1) && r.f("x_lag2") != 0 {
			t.Errorf("row (%d,%d): x_lag2 = %v; want 0 up to the substep-1 row of t=3", r.T, r.K, r.f("x_lag2"))
		}
	}
	if got := rec.at(t, 3, 2).f("x_lag2"); got != 0.955336489125606 {
		t.Errorf("x_lag2 at (3,2) = %v; want 0.955336489125606 = X(1)", got)
	}
	for ts := 3; ts <= 12; ts++ {
		if got, want := rec.at(t, ts, 2).f("x_lag2"), rec.at(t, ts-2, 2).f("x"); got != want {
			t.Errorf("t=%d: x_lag2 = %v; want X(%d) = %v", ts, got, ts-2, want)
		}
		if got, want := rec.at(t, ts, 1).f("x_lag2"), rec.at(t, ts-1, 2).f("x_lag2"); got != want {
			t.Errorf("t=%d: substep-1 row x_lag2 = %v; want the value from the end of t-1, %v", ts, got, want)
		}
	}
}

func TestLagErrorsAtBuild(t *testing.T) {
	tests := []struct {
		name string
		lags int
		read int
		want []string
	}{
		{"beyond depth", 2, 3, []string{`variable "x" keeps 2 lags; lag 3 is out of range 1..2`, `PSUB "p"`, `update "y"`}},
		{"lag 0", 2, 0, []string{`variable "x" keeps 2 lags; lag 0 is out of range 1..2`}},
		{"no lags", 0, 1, []string{`variable "x" keeps no lags; declare it with gds.Lags(1) to read lag 1`, `update "y"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := gds.NewBuilder("bad_lag")
			x := b.Float("x", 1, gds.Lags(tc.lags))
			y := b.Float("y", 0)
			b.PSUB("p", y.Update(func(c *gds.Ctx) float64 { return x.Lag(c, tc.read) }))
			wantContains(t, buildErr(t, b).Error(), tc.want...)
		})
	}
}

// TestLagErrorAtRun: a lag read that tracing (the first 12 timesteps) does not reach
// fails the job with a *BlockError naming the block, carrying the lag error.
func TestLagErrorAtRun(t *testing.T) {
	tests := []struct {
		name string
		read func(x gds.Vec, n gds.Int, c *gds.Ctx) float64
		want string
	}{
		{"beyond depth", func(x gds.Vec, _ gds.Int, c *gds.Ctx) float64 { return x.Lag(c, 2)[0] },
			`variable "x" keeps 1 lags; lag 2 is out of range 1..1`},
		{"no lags", func(_ gds.Vec, n gds.Int, c *gds.Ctx) float64 { return float64(n.Lag(c, 1)) },
			`variable "n" keeps no lags`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := gds.NewBuilder("late_lag")
			x := b.Vec("x", []float64{1}, gds.Lags(1))
			n := b.Int("n", 0)
			y := b.Float("y", 0)
			b.PSUB("p", y.Update(func(c *gds.Ctx) float64 {
				if c.T == 20 {
					return tc.read(x, n, c)
				}
				return x.Lag(c, 1)[0]
			}))
			m := mustBuild(t, b)
			rec := &recorder{m: m}
			err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 25}, rec)
			var be *gds.BlockError
			if !errors.As(err, &be) || be.Timestep != 20 || be.Substep != 1 || be.Block != `update "y"` || be.PSUB != "p" {
				t.Fatalf("err = %v; want a BlockError at t=20 in update \"y\"", err)
			}
			wantContains(t, err.Error(), tc.want)
			if be.Unwrap() == nil {
				t.Errorf("Unwrap() = nil; want the lag error")
			}
			if len(rec.rows) != 20 {
				t.Errorf("%d rows recorded before the failure; want 20", len(rec.rows))
			}
		})
	}
}

func TestLagDeclarationErrors(t *testing.T) {
	b := gds.NewBuilder("lag_decl")
	b.Float("neg", 0, gds.Lags(-1))
	gds.AgentsOf(b, "crowd", []pair{{1, 2}}, gds.Lags(2))
	b.PSUB("p")
	wantContains(t, buildErr(t, b).Error(),
		`state variable "neg": lags must be >= 0, got -1`,
		`state variable "crowd": lags are not supported for agents variables`)
}
