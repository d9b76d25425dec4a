package models_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
)

// TestBuiltins: every registered model builds, and its traced structure
// covers every PSUB.
func TestBuiltins(t *testing.T) {
	for _, e := range models.Entries() {
		m, err := models.Lookup(e.Name)
		if err != nil {
			t.Errorf("%s: %v", e.Name, err)
			continue
		}
		if m.Name() != e.Name || e.Doc == "" || len(m.Structure()) != m.PSUBs() {
			t.Errorf("%s: name %q, doc %q, %d traced PSUBs of %d", e.Name, m.Name(), e.Doc, len(m.Structure()), m.PSUBs())
		}
	}
	for _, want := range []string{"predator_prey", "robot_marbles", "amm_det", "policy_max", "lag", "vector"} {
		if _, err := models.Lookup(want); err != nil {
			t.Errorf("%s not registered: %v", want, err)
		}
	}
}

func TestRegisterErrors(t *testing.T) {
	build := func() (*gds.Model, error) { return nil, errors.New("broken on purpose") }
	if err := models.Register(models.Entry{Name: "predator_prey", Build: build}); err == nil || !strings.Contains(err.Error(), "already registered") {
		t.Errorf("duplicate: %v", err)
	}
	if err := models.Register(models.Entry{Name: "no_build"}); err == nil {
		t.Error("an entry without a build function was accepted")
	}
	if err := models.Register(models.Entry{Name: "test_broken", Build: build}); err != nil {
		t.Fatal(err)
	}
	if _, err := models.Lookup("test_broken"); err == nil || !strings.Contains(err.Error(), `model "test_broken": broken on purpose`) {
		t.Errorf("a failing build: %v", err)
	}
	if _, err := models.Lookup("nope"); err == nil || !strings.Contains(err.Error(), "predator_prey") {
		t.Errorf("unknown model: %v, want the registered names", err)
	}
}
