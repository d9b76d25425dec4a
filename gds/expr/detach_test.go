package expr

import (
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
)

func TestDetachedEnv(t *testing.T) {
	vals := []float64{0.4, 72}
	env := NewEnv(nil)
	env.Detach()
	env.Float("gini", func(*gds.Ctx) float64 { return vals[0] })
	env.Float("quality", func(*gds.Ctx) float64 { return vals[1] })
	x, err := Compile("gini <= 0.7 && quality >= 60", env)
	if err != nil {
		t.Fatal(err)
	}
	if !x.Bool(nil) {
		t.Fatal("want true with a nil Ctx")
	}
	vals[0] = 0.8
	if x.Bool(nil) {
		t.Fatal("want false after gini changes")
	}
	for _, tc := range []struct{ src, want string }{
		{"t > 3", `"t" is a run's built-in name`},
		{"run == 1", `"run" is a run's built-in name`},
		{"gini + uniform(0, 1)", "uniform reads a run's state or random stream"},
		{"bernoulli(0.5)", "bernoulli reads"},
		{"lag(gini, 1)", "lag reads"},
	} {
		_, err := Compile(tc.src, env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.src, err, tc.want)
		}
	}
	// A name of the Env still hides a built-in.
	env.Float("t", func(*gds.Ctx) float64 { return 2 })
	if x, err := Compile("t * 2", env); err != nil || x.Float(nil) != 4 {
		t.Fatalf("declared t: %v", err)
	}
}
