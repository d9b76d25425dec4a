package runner_test

import (
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/statecraft/statecraft/decide/sensitivity"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/runner"
)

var ishigamiOnce sync.Once

// registerIshigami: y is the Ishigami function of the parameters x1, x2,
// x3 (a = 7, b = 0.1), whose Sobol indices are known.
func registerIshigami(t *testing.T) {
	ishigamiOnce.Do(func() {
		err := models.Register(models.Entry{Name: "test_ishigami", Doc: "the Ishigami function", Build: func() (*gds.Model, error) {
			b := gds.NewBuilder("test_ishigami")
			y := b.Float("y", 0)
			x1, x2, x3 := b.ParamFloat("x1", 0), b.ParamFloat("x2", 0), b.ParamFloat("x3", 0)
			b.PSUB("f", y.Update(func(c *gds.Ctx) float64 {
				return sensitivity.Ishigami([]float64{x1.Get(c), x2.Get(c), x3.Get(c)}, 7, 0.1)
			}))
			return b.Build()
		}})
		if err != nil {
			t.Fatal(err)
		}
	})
}

const ishigamiConfig = `
model = "test_ishigami"
timesteps = 1
seed = 4
[output]
final_only = true
[kpis]
y = { of = "y" }
[sensitivity]
method = "%s"
samples = %d
bounds = { x1 = [-3.141592653589793, 3.141592653589793], x2 = [-3.141592653589793, 3.141592653589793], x3 = [-3.141592653589793, 3.141592653589793] }
`

// TestSobolIshigami: the Sobol indices estimated through the runner match
// the Ishigami function's analytic ones.
func TestSobolIshigami(t *testing.T) {
	registerIshigami(t)
	_, res := runConfig(t, sprintf(ishigamiConfig, "sobol", 2048), runner.Options{Workers: 2})
	if res.Jobs != 2048*5 {
		t.Fatalf("%d jobs, want N(k+2) = %d", res.Jobs, 2048*5)
	}
	s1, st := sensitivity.IshigamiIndices(7, 0.1)
	rs := res.Decisions.Sensitivity
	if len(rs) != 1 || len(rs[0].Sobol) != 3 {
		t.Fatalf("sensitivity %+v", rs)
	}
	inside := 0
	for i, ix := range rs[0].Sobol {
		S1, ST := float64(ix.S1), float64(ix.ST)
		if math.Abs(S1-s1[i]) > 0.05 || math.Abs(ST-st[i]) > 0.05 {
			t.Errorf("%s: S1 %.3f ST %.3f, analytic %.3f %.3f", ix.Param, S1, ST, s1[i], st[i])
		}
		if float64(ix.S1Lo) <= s1[i] && s1[i] <= float64(ix.S1Hi) {
			inside++
		}
		if float64(ix.STLo) <= st[i] && st[i] <= float64(ix.STHi) {
			inside++
		}
	}
	if inside < 5 {
		t.Errorf("%d of 6 intervals hold the analytic index: %+v", inside, rs[0].Sobol)
	}
}

// TestMorrisIshigami: x2 enters additively, so every elementary effect of
// x2 on the 4-level grid is ±7.875 and mu* is exactly that; x3 acts only
// through x1, so its mu is near 0 and its sigma exceeds its mu*.
func TestMorrisIshigami(t *testing.T) {
	registerIshigami(t)
	_, res := runConfig(t, sprintf(ishigamiConfig, "morris", 200), runner.Options{Workers: 2})
	ix := res.Decisions.Sensitivity[0].Morris
	if math.Abs(float64(ix[1].MuStar)-7.875) > 1e-9 {
		t.Errorf("x2 mu* %v, want 7.875", ix[1].MuStar)
	}
	if !(ix[2].Sigma > ix[2].MuStar) || math.Abs(float64(ix[2].Mu)) > float64(ix[2].MuStar)/2 || ix[2].MuStar >= ix[0].MuStar {
		t.Errorf("x3: %+v (x1 %+v)", ix[2], ix[0])
	}
	text, err := os.ReadFile(res.DecisionText)
	if err != nil || !strings.Contains(string(text), "Morris elementary effects of y") || !strings.Contains(string(text), "x2     7.875") {
		t.Errorf("_decision.txt (%v):\n%s", err, text)
	}
}

func sprintf(format string, args ...any) string {
	return strings.TrimSpace(fmt.Sprintf(format, args...)) + "\n"
}
