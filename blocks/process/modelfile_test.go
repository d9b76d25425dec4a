package process_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// regimeModel uses every process block. The windows are vector
// parameters, so a config sets and sweeps them. With sigma = 0 the
// regime paths are deterministic: "price" (process.regime_gbm) must equal
// "walk" (process.gbm driven by the drift that process.regime computes in
// the PSUB before) times the shock of the second window.
const regimeModel = `
name = "regimes"

[variables]
drift = 0.0
price = 100.0
walk = 100.0
jumpy = 100.0
shocked = 100.0
level = 0.0

[params]
mu = 0.01
sigma = 0.0
win_from = [10, 20]
win_to = [20, 30]
win_drift = [2.0, -1.0]
win_vol = [1.0, 3.0]
win_shock = [0.0, -0.5]
shock_at = [25]
shock_size = [-0.3]

[[psubs]]
name = "regime"

  [psubs.updates]
  drift = { use = "process.regime", args = { base = "mu", from = "win_from", to = "win_to", mult = "win_drift" } }

[[psubs]]
name = "move"

  [psubs.updates]
  price = { use = "process.regime_gbm", args = { mu = "mu", sigma = "sigma", from = "win_from", to = "win_to", drift = "win_drift", vol = "win_vol", shock = "win_shock" } }
  walk = { use = "process.gbm", args = { mu = "drift", sigma = "sigma" } }
  jumpy = { use = "process.jump", args = { mu = "mu", sigma = 0.1, lambda = 0.5, jump_mu = -0.05, jump_sigma = 0.02, dt = 0.1 } }
  shocked = { use = "process.shock", args = { at = "shock_at", size = "shock_size" } }
  level = { use = "process.ou", args = { theta = 0.5, mu = 1.0, sigma = 0.1 } }
`

// TestModelFile loads the model file and checks every block's path.
func TestModelFile(t *testing.T) {
	m, err := modelfile.Parse("regimes.toml", []byte(regimeModel))
	if err != nil {
		t.Fatal(err)
	}
	slot := map[string]int{}
	for _, v := range m.Vars() {
		slot[v.Name] = v.Slot
	}
	var rows [][]float64
	rec := recorder(func(r *gds.Row) {
		if r.Substep == 0 || r.Substep == m.PSUBs() {
			rows = append(rows, append([]float64(nil), r.Floats()...))
		}
	})
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 40, Seed: [2]uint64{1, 2}}, rec); err != nil {
		t.Fatal(err)
	}
	jumped := false
	for ts, r := range rows {
		if ts == 0 {
			continue
		}
		wantDrift := 0.01
		switch {
		case ts >= 10 && ts < 20:
			wantDrift = 0.02
		case ts >= 20 && ts < 30:
			wantDrift = -0.01
		}
		if r[slot["drift"]] != wantDrift {
			t.Errorf("timestep %d: drift %v, want %v", ts, r[slot["drift"]], wantDrift)
		}
		shock := 1.0
		if ts >= 20 {
			shock = 0.5
		}
		if got, want := r[slot["price"]], r[slot["walk"]]*shock; math.Abs(got-want) > 1e-12*want {
			t.Errorf("timestep %d: regime_gbm %v, regime + gbm × shock %v", ts, got, want)
		}
		wantShocked := 100.0
		if ts >= 25 {
			wantShocked = 70
		}
		if math.Abs(r[slot["shocked"]]-wantShocked) > 1e-12 {
			t.Errorf("timestep %d: shocked %v, want %v", ts, r[slot["shocked"]], wantShocked)
		}
		if r[slot["jumpy"]] <= 0 {
			t.Errorf("timestep %d: jumpy %v", ts, r[slot["jumpy"]])
		}
		jumped = jumped || r[slot["jumpy"]] != rows[ts-1][slot["jumpy"]]
	}
	if !jumped {
		t.Error("process.jump never moved")
	}
}

// TestModelFileErrors: inconsistent windows fail when the model is built
// (Build runs the blocks on the defaults), with the block's message.
func TestModelFileErrors(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{`win_drift = [2.0, -1.0]`, `win_drift = [2.0, -1.0, 3.0]`, "3 multipliers for 2 windows"},
		{`win_to = [20, 30]`, `win_to = [20]`, "from has 2 windows, to has 1"},
		{`win_from = [10, 20]`, `win_from = [10, 20.5]`, "bounds must be whole timesteps"},
		{`shock_size = [-0.3]`, `shock_size = [-1.3]`, "sizes are >= -1"},
		{`win_vol = [1.0, 3.0]`, `win_vol = [1.0, -3.0]`, "volatility multiplier -3 of window 1 is not >= 0"},
		{`lambda = 0.5`, `lambda = -0.5`, `bad.toml:35: key "psubs.1.updates.jumpy.args.lambda": block "process.jump": argument "lambda": want a finite number >= 0, got -0.5`},
		{`theta = 0.5`, `theta = -0.5`, `bad.toml:37: key "psubs.1.updates.level.args.theta": block "process.ou": argument "theta": want a finite number >= 0, got -0.5`},
		{`jump_sigma = 0.02`, `jump_sigma = -1e-3`, `argument "jump_sigma": want a finite number >= 0, got -0.001`},
		{`dt = 0.1`, `dt = -0.1`, `argument "dt": want a finite number >= 0, got -0.1`},
	} {
		src := strings.Replace(regimeModel, tc.from, tc.to, 1)
		if src == regimeModel {
			t.Fatalf("%s not in the model", tc.from)
		}
		_, err := modelfile.Parse("bad.toml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.to, err, tc.want)
		}
	}
}

// TestArgCheckAtRunTime: a sigma bound to a parameter is checked at every
// evaluation; a negative one fails the job, naming the block, the argument
// and the value, instead of writing NaN.
func TestArgCheckAtRunTime(t *testing.T) {
	m, err := modelfile.Parse("regimes.toml", []byte(regimeModel))
	if err != nil {
		t.Fatal(err)
	}
	ps := m.Defaults()
	if err := ps.Set("sigma", -0.2); err != nil {
		t.Fatal(err)
	}
	err = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 5, Params: ps}, recorder(func(*gds.Row) {}))
	var ae *blocks.ArgError
	if !errors.As(err, &ae) || ae.Arg != "sigma" || ae.Value != -0.2 {
		t.Fatalf("err = %v, want a *blocks.ArgError for sigma = -0.2", err)
	}
	if want := `argument "sigma": want a finite number >= 0, got -0.2`; !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want %q", err, want)
	}
}

// TestNoAllocs: once warm, a run of the model allocates nothing.
func TestNoAllocs(t *testing.T) {
	m, err := modelfile.Parse("regimes.toml", []byte(regimeModel))
	if err != nil {
		t.Fatal(err)
	}
	e := m.NewEngine()
	job := &gds.Job{Run: 1, Timesteps: 300, Seed: [2]uint64{1, 1}}
	rec := recorder(func(*gds.Row) {})
	if allocs := testing.AllocsPerRun(3, func() {
		if err := e.Run(context.Background(), job, rec); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("a 300-step run allocated %v times; want 0", allocs)
	}
}
