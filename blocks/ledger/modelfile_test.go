package ledger_test

import (
	"context"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

type rec func(*gds.Row)

func (f rec) Record(r *gds.Row) error { f(r); return nil }

// TestSplitBlock: ledger.split by name in a model file emits the parts.
func TestSplitBlock(t *testing.T) {
	m, err := modelfile.Parse("split.toml", []byte(`
[variables]
a = 0.0
b = 0.0
[params]
weights = [3.0, 1.0]
[signals]
parts = { type = "vector", rule = "last" }
[[psubs]]
  [[psubs.policies]]
  name = "split"
  use = "ledger.split"
  args = { amount = "10.0 * float(t)", shares = "weights", parts = "parts" }
  [psubs.updates]
  a = "a + parts[0]"
  b = "b + parts[1]"
`))
	if err != nil {
		t.Fatal(err)
	}
	var a, b []float64
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 3}, rec(func(r *gds.Row) {
		a, b = append(a, r.Floats()[0]), append(b, r.Floats()[1])
	})); err != nil {
		t.Fatal(err)
	}
	// 10, 20, 30 split 3:1
	if a[3] != 7.5+15+22.5 || b[3] != 2.5+5+7.5 {
		t.Errorf("a = %v, b = %v", a, b)
	}
	if _, err := modelfile.Parse("split.toml", []byte(`
[variables]
a = 0.0
[signals]
parts = { type = "vector", rule = "last" }
[[psubs]]
  [[psubs.policies]]
  name = "split"
  use = "ledger.split"
  args = { amount = "1.0", shares = "zeros(2)", parts = "parts" }
  [psubs.updates]
  a = "a + parts[0]"
`)); err == nil || !strings.Contains(err.Error(), "the shares sum to 0; nobody to pay 1 to") {
		t.Errorf("shares summing to 0: err = %v", err)
	}
}
