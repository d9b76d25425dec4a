package optimize

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	gopt "gonum.org/v1/gonum/optimize"

	"github.com/statecraft/statecraft/internal/names"
)

// Method is the search method.
type Method uint8

// The search methods.
const (
	// NelderMead is gonum's Nelder-Mead simplex, the default: few
	// parameters, a smooth objective (common random numbers), one
	// evaluation at a time.
	NelderMead Method = iota
	// CMAES is gonum's CmaEsChol, a population method for noisy or
	// multimodal objectives; it evaluates a generation's points
	// concurrently (Settings.Concurrency).
	CMAES
)

var methodNames = []string{NelderMead: "nelder_mead", CMAES: "cmaes"}

// String returns the method as configs write it: nelder_mead or cmaes.
func (m Method) String() string {
	if int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", uint8(m))
}

// MarshalText writes the method as configs write it; an unknown value
// is an error.
func (m Method) MarshalText() ([]byte, error) {
	if int(m) >= len(methodNames) {
		return nil, fmt.Errorf("optimize: unknown method %d", uint8(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText decodes nelder_mead or cmaes; anything else is an error
// listing the choices.
func (m *Method) UnmarshalText(b []byte) error {
	i, err := names.Choice(methodNames, string(b))
	if err != nil {
		return fmt.Errorf("optimize: method %w", err)
	}
	*m = Method(i)
	return nil
}

// Tuning of the gonum methods, in the transformed space u where each
// parameter's range is the half period [-pi/2, pi/2] (doc.go).
const (
	// nmSimplexSize is the step of Nelder-Mead's initial simplex in u:
	// from the middle it moves a parameter by sin(0.3)/2 = 15% of its
	// range (gonum's default 0.05 would move it by 2.5%), so the first
	// evaluations look across the box.
	nmSimplexSize = 0.3
	// cmaSpread is the standard deviation in u of CMA-ES's first
	// generation (InitCholesky = cmaSpread^2 I, and InitStepSize):
	// from the middle, two deviations reach 42% of the range each way.
	// gonum's default, the identity, would fold about one sample in
	// nine per coordinate over a bound.
	cmaSpread = 0.5
	// nmStall: Nelder-Mead stops when its best value has not improved
	// by more than convAbs + convRel*|f| for nmStall*d iterations (an
	// iteration is one or two evaluations, a shrink d).
	nmStall = 20
	convAbs = 1e-10
	convRel = 1e-10
)

// gonum returns the gonum method configured from s for dim parameters.
func (m Method) gonum(s Settings, dim int) gopt.Method {
	switch m {
	case CMAES:
		cov := mat.NewDiagDense(dim, nil)
		for i := 0; i < dim; i++ {
			cov.SetDiag(i, cmaSpread*cmaSpread)
		}
		var chol mat.Cholesky
		chol.Factorize(cov)
		return &gopt.CmaEsChol{
			InitStepSize: cmaSpread,
			InitCholesky: &chol,
			Population:   s.Population,
			Src:          rand.NewPCG(s.Seed, s.Seed^0x9e3779b97f4a7c15),
		}
	default:
		return &gopt.NelderMead{SimplexSize: nmSimplexSize}
	}
}

// converger returns the stopping rule checked at every major iteration.
// CMA-ES has none besides the budget and gonum's own (the search
// distribution collapsing): with a noisy objective the best value
// stalls long before the search is done, and gonum's CmaEsChol was
// seen to go 30 generations without improving it on a noiseless
// quadratic still 0.07 from its optimum.
func (m Method) converger(dim int) gopt.Converger {
	if m == CMAES {
		return gopt.NeverTerminate{}
	}
	return &gopt.FunctionConverge{Absolute: convAbs, Relative: convRel, Iterations: nmStall * dim}
}
