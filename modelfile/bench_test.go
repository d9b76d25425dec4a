package modelfile_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
	"github.com/statecraft/statecraft/models/predatorprey"
)

type nopRec struct{}

func (nopRec) Record(*gds.Row) error { return nil }

// BenchmarkPredatorPrey compares the shipped declarative model file
// (models/predator_prey.toml) with the Go model, per substep, on jobs of
// 1000 timesteps. The target is within 5x.
func BenchmarkPredatorPrey(b *testing.B) {
	goModel, err := predatorprey.New()
	if err != nil {
		b.Fatal(err)
	}
	fileModel, err := modelfile.Load(filepath.Join("..", "models", "predator_prey.toml"))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		m    *gds.Model
	}{{"go", goModel}, {"declarative", fileModel}} {
		b.Run(c.name, func(b *testing.B) {
			e := c.m.NewEngine()
			const T = 1000
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i += T {
				job := &gds.Job{Run: 1 + i/T, Timesteps: min(T, b.N-i), Seed: [2]uint64{1, uint64(i)}}
				if err := e.Run(context.Background(), job, nopRec{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// manyVars is a model file of n float state variables, each updated by
// its own expression.
func manyVars(n int) []byte {
	var b strings.Builder
	b.WriteString("name = \"many\"\n[variables]\n")
	for i := range n {
		fmt.Fprintf(&b, "v%d = { type = \"float\", initial = 1.0 }\n", i)
	}
	b.WriteString("[[psubs]]\nname = \"p\"\n  [psubs.updates]\n")
	for i := range n {
		fmt.Fprintf(&b, "  v%d = \"v%d + 1.0\"\n", i, i)
	}
	return []byte(b.String())
}

// BenchmarkManyVars loads model files of 5,000 to 20,000 state variables:
// the time per variable (ns/var) stays about the same, and 20,000 load in
// well under a second (they took 52 s when the loader rebuilt its name
// map for every expression).
func BenchmarkManyVars(b *testing.B) {
	for _, n := range []int{5000, 10000, 20000} {
		data := manyVars(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := modelfile.Parse("many.toml", data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/var")
		})
	}
}

// BenchmarkLargeExpression loads a model file whose one update is an
// expression of 1 MiB (65,000 leaves); ns/B is the time per byte.
func BenchmarkLargeExpression(b *testing.B) {
	src := strings.Repeat("prey*0.1234 + ", (1<<20)/14) + "prey"
	data := []byte("name = \"big\"\n[variables]\nprey = { type = \"float\", initial = 1.0 }\n[[psubs]]\nname = \"p\"\n  [psubs.updates]\n  prey = \"" + src + "\"\n")
	for b.Loop() {
		if _, err := modelfile.Parse("big.toml", data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(data)), "ns/B")
}
