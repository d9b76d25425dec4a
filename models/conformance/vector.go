package conformance

import (
	"github.com/statecraft/statecraft/blocks/metric"
	"github.com/statecraft/statecraft/gds"
)

// VectorName is the name of the vector model and golden case.
const VectorName = "vector"

// NewVector builds vector: a vector of balances in which, every timestep,
// balance i passes the share (i+1)/n*share of itself to its right neighbour,
// cyclically (PSUB 1), and the Gini coefficient of the balances is recorded
// (PSUB 2).
func NewVector() (*gds.Model, error) {
	b := gds.NewBuilder(VectorName)
	bal := b.Vec("balances", []float64{100.0, 50.0, 25.0, 10.0, 5.0}, gds.Doc("balance of each holder"))
	gini := b.Float("gini", 0.0, gds.Doc("Gini coefficient of the balances, set in PSUB 2"))

	share := b.ParamFloat("share", 0.1, "scale of the share each holder passes on")

	delta := b.VecSignal("delta", gds.Sum)

	b.PSUB("transfer",
		gds.Policy("transfer", func(c *gds.Ctx) {
			v := bal.Get(c)
			n := len(v)
			s, nf := share.Get(c), float64(n)
			d := make([]float64, n)
			for i := range n {
				amt := v[i] * s * float64(1+i) / nf
				d[i] -= amt
				d[(i+1)%n] += amt
			}
			delta.Emit(c, d)
		}),
		bal.Update(func(c *gds.Ctx, dst []float64) []float64 {
			d := delta.Get(c)
			for i, x := range bal.Get(c) {
				dst = append(dst, x+d[i])
			}
			return dst
		}),
	)
	b.PSUB("measure",
		// metric.Gini computes exactly as the golden case does (sort
		// ascending, sums left to right), in a per-engine scratch buffer.
		metric.GiniUpdate(b, gini, bal.Get),
	)
	return b.Build()
}
