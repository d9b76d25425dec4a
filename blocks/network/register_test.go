package network_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/blocks/network"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

const estimatesFile = `
name = "estimates"

[variables]
availability = 0.0
coverage = 0.0

[params]
rate = 0.05

[[psubs]]
name = "estimate"

  [psubs.updates]
  availability = { use = "network.availability", args = { rate = "rate", recovery = 4.0 } }
  coverage = { use = "network.expected_coverage", args = { n = 100, fanout = 2, loss = 0.1, rounds = "t" } }
`

// TestRegisteredBlocks: the registered blocks compute Availability and
// ExpectedCoverage from a model file, and bad arguments fail the model
// when it is loaded, naming the block.
func TestRegisteredBlocks(t *testing.T) {
	for _, name := range []string{"network.availability", "network.expected_coverage"} {
		if _, ok := blocks.Lookup(name); !ok {
			t.Errorf("%s is not registered", name)
		}
	}
	m, err := modelfile.Parse("estimates.toml", []byte(estimatesFile))
	if err != nil {
		t.Fatal(err)
	}
	var r rows
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 10}, &r); err != nil {
		t.Fatal(err)
	}
	for step := 1; step <= 10; step++ {
		row := r.floats[step]
		if a := row[slotOf(m, "availability")]; a != network.Availability(0.05, 4) {
			t.Errorf("t %d: availability %v, want %v", step, a, network.Availability(0.05, 4))
		}
		if c, want := row[slotOf(m, "coverage")], network.ExpectedCoverage(100, 2, 0.1, step); c != want {
			t.Errorf("t %d: coverage %v, want %v", step, c, want)
		}
	}
	if c := r.floats[10][slotOf(m, "coverage")]; !(c > 0.99 && c <= 1) || math.IsNaN(c) {
		t.Errorf("coverage after 10 rounds of fanout 2: %v", c)
	}
	for _, tc := range []struct{ from, to, want string }{
		{`rate = "rate"`, `rate = 1.5`, "network.availability: rate 1.5"},
		{`loss = 0.1`, `loss = -0.1`, "network.expected_coverage: n 100, loss -0.1"},
		{`n = 100`, `n = -3`, "network.expected_coverage: n -3"},
	} {
		_, err := modelfile.Parse("bad.toml", []byte(strings.Replace(estimatesFile, tc.from, tc.to, 1)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.to, err, tc.want)
		}
	}
}
