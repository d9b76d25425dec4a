package runner_test

import (
	"testing"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/runner"
)

// output.variables = ["*"] writes every variable: the way --set overrides a
// config's list, since an override cannot remove a key.
func TestStarOutputVariablesMeansAll(t *testing.T) {
	listed, err := configs.LoadEmbedded("prsm")
	if err != nil {
		t.Fatal(err)
	}
	all, err := configs.LoadEmbedded("prsm", `output.variables=["*"]`)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := runner.NewPlan(listed, nil)
	if err != nil {
		t.Fatal(err)
	}
	pa, err := runner.NewPlan(all, nil)
	if err != nil {
		t.Fatal(err)
	}
	model := pa.Sims[0].Model.Vars()
	if len(pa.Vars) != len(model) {
		t.Errorf("output.variables = [\"*\"]: %d variables written, want all %d", len(pa.Vars), len(model))
	}
	if len(pl.Vars) != len(listed.Output.Variables) || len(pl.Vars) >= len(model) {
		t.Errorf("prsm's list: %d variables written, want its %d (fewer than the model's %d)", len(pl.Vars), len(listed.Output.Variables), len(model))
	}
}
