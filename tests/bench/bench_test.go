package main

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/internal/readback"
	"github.com/statecraft/statecraft/runner"
)

// pySweep is sweep(lo, hi, K) of shared/peers/models.py.
func pySweep(lo, hi float64, K int) []float64 {
	if K == 1 {
		return []float64{lo}
	}
	out := make([]float64, K)
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i)/float64(K-1)
	}
	return out
}

var swept = map[string]struct {
	param  string
	lo, hi float64
}{
	"pp":  {"alpha", 1.1, 1.3},
	"amm": {"fee", 0.001, 0.01},
	"abm": {"activity", 0.3, 0.7},
}

func load(t testing.TB, m model, sets ...string) *runner.Plan {
	t.Helper()
	x, err := configs.Load(filepath.Join("..", "..", m.config), sets...)
	if err != nil {
		t.Fatal(err)
	}
	p, err := runner.NewPlan(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConfigs: the configs have the peers' shape (T, N, K, PSUBs), record
// every substep into Parquet, and sweep the peers' values exactly.
func TestConfigs(t *testing.T) {
	for _, m := range peers {
		t.Run(m.name, func(t *testing.T) {
			p := load(t, m)
			if p.Jobs() != m.N*m.K || p.Config.Runs != m.N || p.Config.Timesteps != m.T {
				t.Errorf("jobs %d (runs %d, timesteps %d), want %d x %d, T = %d", p.Jobs(), p.Config.Runs, p.Config.Timesteps, m.N, m.K, m.T)
			}
			if got := p.Sims[0].Model.PSUBs(); got != m.S {
				t.Errorf("%d PSUBs, want %d", got, m.S)
			}
			if p.RowsPerRun != m.T*m.S+1 || p.Config.Output.Format != configs.Parquet {
				t.Errorf("%d rows per run in %s, want every substep (%d) in parquet", p.RowsPerRun, p.Config.Output.Format, m.T*m.S+1)
			}
			sw := swept[m.name]
			want := pySweep(sw.lo, sw.hi, m.K)
			if len(p.Sims[0].Points) != len(want) {
				t.Fatalf("%d sweep points, want %d", len(p.Sims[0].Points), len(want))
			}
			for i, pt := range p.Sims[0].Points {
				if v, _ := pt.Get(sw.param); v != want[i] {
					t.Errorf("subset %d: %s = %v, want %v (the peers' sweep)", i, sw.param, v, want[i])
				}
			}
			if len(p.ParamCols) != 1 || p.ParamCols[0].Name != sw.param {
				t.Errorf("parameter columns %v, want only %s", p.ParamCols, sw.param)
			}
		})
	}
}

// TestShortRuns runs every config, shortened, end to end with 2 workers.
func TestShortRuns(t *testing.T) {
	for _, m := range peers {
		t.Run(m.name, func(t *testing.T) {
			p := load(t, m, "timesteps=20", "runs=2")
			res, err := runner.Run(context.Background(), p, runner.Options{Dir: t.TempDir(), Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			if want := int64(2 * m.K * (20*m.S + 1)); res.Rows != want {
				t.Errorf("%d rows, want %d", res.Rows, want)
			}
		})
	}
}

// BenchmarkPeer runs the peer benchmarks end to end through the runner, in
// process, at a tenth of their timesteps (every substep to Parquet), with
// 1 and 2 workers; it reports rows/s and ns per row. The full-size runs
// through the CLI are `go run ./tests/bench` (make bench).
func BenchmarkPeer(b *testing.B) {
	for _, m := range peers {
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", m.name, w), func(b *testing.B) {
				p := load(b, m, fmt.Sprintf("timesteps=%d", m.T/10))
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := runner.Run(context.Background(), p, runner.Options{Dir: b.TempDir(), Workers: w}); err != nil {
						b.Fatal(err)
					}
				}
				rows := float64(p.Rows()) * float64(b.N)
				b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/rows, "ns/row")
			})
		}
	}
}

func TestPairwise(t *testing.T) {
	s := func(walls ...float64) []sample {
		var out []sample
		for _, w := range walls {
			out = append(out, sample{wall: w})
		}
		return out
	}
	tests := []struct {
		a, b []sample
		want float64
	}{
		{s(1, 1, 1), s(0.5, 0.5, 0.5), 2},
		// drift: the machine slows down, but each pair keeps its ratio
		{s(1, 2, 4), s(0.5, 1, 2), 2},
		{s(1, 1), s(0.5, 1), 1.5},
		{s(1, 1, 1), s(0.5, 0.5), 2}, // unequal lengths: the pairs only
	}
	for _, tt := range tests {
		if got := pairwise(tt.a, tt.b); got != tt.want {
			t.Errorf("pairwise(%v, %v) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestModelFileConfig: configs/bench/pp_file.toml, which make bench times
// against pp, runs the declarative predator-prey with pp's sweep and
// writes the same rows as the Go model, bit for bit.
func TestModelFileConfig(t *testing.T) {
	var rows [2][][]any
	for i, config := range []string{"configs/bench/pp.toml", "configs/bench/pp_file.toml"} {
		p := load(t, model{config: config}, "timesteps=300", "runs=2")
		dir := t.TempDir()
		if _, err := runner.Run(context.Background(), p, runner.Options{Dir: dir, Workers: 2}); err != nil {
			t.Fatal(err)
		}
		ds, err := readback.Read(dir)
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(ds.Rows, func(a, b int) bool { return fmt.Sprint(ds.Rows[a][:5]) < fmt.Sprint(ds.Rows[b][:5]) })
		rows[i] = ds.Rows
	}
	if len(rows[0]) != 2*4*301 || !reflect.DeepEqual(rows[0], rows[1]) {
		t.Errorf("the Go model wrote %d rows, the model file %d; equal: %v", len(rows[0]), len(rows[1]), reflect.DeepEqual(rows[0], rows[1]))
	}
}
