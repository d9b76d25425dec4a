package modelfile_test

import (
	"context"
	"path/filepath"
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
