package main

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/readback"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/runner"
)

var registerOnce sync.Once

// registerSweepModel registers a model with a parameter of every kind; it
// panics at timestep fail_at of subset fail_subset.
func registerSweepModel(t *testing.T) {
	registerOnce.Do(func() {
		err := models.Register(models.Entry{Name: "bench_test_sweep", Doc: "test: a parameter of every kind", Build: func() (*gds.Model, error) {
			b := gds.NewBuilder("bench_test_sweep")
			x := b.Float("x", 0)
			rate := b.ParamFloat("rate", 1)
			level := b.ParamInt("level", 0)
			on := b.ParamBool("on", false)
			label := b.ParamString("label", "")
			w := b.ParamVec("w", []float64{0})
			failSubset := b.ParamInt("fail_subset", -1)
			failAt := b.ParamInt("fail_at", 0)
			b.PSUB("a", x.Update(func(c *gds.Ctx) float64 {
				if int64(c.Subset) == failSubset.Get(c) && int64(c.T) == failAt.Get(c) {
					panic("deliberate failure")
				}
				v := x.Get(c) + rate.Get(c) + float64(level.Get(c)) + float64(len(label.Get(c))) + w.Get(c)[0]
				if on.Get(c) {
					v++
				}
				return v
			}))
			b.PSUB("b", x.Update(func(c *gds.Ctx) float64 { return x.Get(c) * 0.5 }))
			return b.Build()
		}})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestConstantColumns checks the columns the batch fills per job rather
// than per row (simulation, subset, run and the swept parameters of every
// kind) in every row, across batches that end mid-job (row groups of 7
// rows), batches of several jobs, a failing job whose rows are dropped,
// 1 and 2 workers and the three formats.
func TestConstantColumns(t *testing.T) {
	registerSweepModel(t)
	const text = `
model = "bench_test_sweep"
timesteps = 9
runs = 3
[params]
rate = [0.5, 1.5, 2.5, 3.5]
level = [1, 2, 3, 4]
on = [true, false, true, false]
label = ["a", "bb", "ccc", "dddd"]
w = [[1.0], [2.0, 0.5], [3.0], [4.0]]
fail_subset = 2
fail_at = 6
`
	want := []map[string]any{
		{"rate": 0.5, "level": int64(1), "on": true, "label": "a", "w": []any{1.0}},
		{"rate": 1.5, "level": int64(2), "on": false, "label": "bb", "w": []any{2.0, 0.5}},
		nil, // subset 2 fails
		{"rate": 3.5, "level": int64(4), "on": false, "label": "dddd", "w": []any{4.0}},
	}
	for _, format := range []string{"parquet", "arrow", "csv"} {
		for _, rg := range []int{7, 1000} {
			for _, workers := range []int{1, 2} {
				name := fmt.Sprintf("%s/rows=%d/workers=%d", format, rg, workers)
				t.Run(name, func(t *testing.T) {
					x, err := configs.Parse("test.toml", []byte(text), fmt.Sprintf("output.row_group_rows=%d", rg), fmt.Sprintf("output.format=%q", format))
					if err != nil {
						t.Fatal(err)
					}
					p, err := runner.NewPlan(x, nil)
					if err != nil {
						t.Fatal(err)
					}
					dir := t.TempDir()
					_, err = runner.Run(context.Background(), p, runner.Options{Dir: dir, Workers: workers})
					var jf *runner.JobsFailedError
					if !errors.As(err, &jf) || len(jf.Failed) != 3 {
						t.Fatalf("err = %v, want the 3 jobs of subset 2 failed", err)
					}
					if format == "csv" {
						return // readback reads Parquet and Arrow; the CSV writer takes the same records
					}
					ds, err := readback.Read(dir)
					if err != nil {
						t.Fatal(err)
					}
					ds.Sort(5)
					if len(ds.Rows) != 3*3*(9*2+1) {
						t.Fatalf("%d rows, want %d", len(ds.Rows), 3*3*19)
					}
					for i, r := range ds.Rows {
						sub, run := int(r[1].(int64)), int(r[2].(int64))
						if r[0].(int64) != 0 || want[sub] == nil || run < 1 || run > 3 {
							t.Fatalf("row %d: ids %v", i, r[:5])
						}
						for col, v := range want[sub] {
							if got := r[ds.Col(col)]; !reflect.DeepEqual(got, v) {
								t.Fatalf("row %d (subset %d, run %d, timestep %v): %s = %v (%T), want %v", i, sub, run, r[3], col, got, got, v)
							}
						}
						if k := i % 19; r[3].(int64) != int64((k+1)/2) {
							t.Fatalf("row %d: timestep %v, want %d", i, r[3], (k+1)/2)
						}
					}
				})
			}
		}
	}
}
