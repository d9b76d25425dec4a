package agent

import (
	"fmt"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// IntInput and VecInput are values a block reads (a variable, parameter,
// signal or formula) as accessors.
type (
	IntInput = func(*gds.Ctx) int64
	VecInput = func(*gds.Ctx) []float64
)

// Plan is an entry schedule whose fields are inputs, for blocks.
type Plan struct {
	Initial, Every, Count IntInput
}

func (p Plan) at(c *gds.Ctx) Schedule {
	return Schedule{Initial: int(p.Initial(c)), Every: int(p.Every(c)), Count: int(p.Count(c))}
}

// counter keeps, per engine, the counts per type of the population built
// so far, so that following a schedule step by step costs only the agents
// entering. Its scratch vector holds [agents assigned, weights..., counts...];
// it is rebuilt from nobody when the weights change or time goes back (a
// new job on the same engine), so the result is a pure function of the
// weights and the number of agents.
type counter struct{ buf gds.Scratch }

func (k counter) counts(c *gds.Ctx, w []float64, total int) []float64 {
	p := k.buf.Buf(c)
	b, m := *p, len(w)
	ok := len(b) == 1+2*m && int(b[0]) <= total
	for i := 0; ok && i < m; i++ {
		ok = b[1+i] == w[i]
	}
	if !ok {
		b = append(b[:0], 0)
		b = append(b, w...)
		for range m {
			b = append(b, 0)
		}
	}
	cnt := b[1+m:]
	for n := int(b[0]); n < total; n++ {
		i := nextF(w, cnt)
		if i < 0 {
			break
		}
		cnt[i]++
	}
	b[0] = float64(total)
	*p = b
	return cnt
}

func checkIndex(w []float64, i int64) {
	if err := ValidWeights(w); err != nil {
		panic(err)
	}
	if i < 0 || i >= int64(len(w)) {
		panic(fmt.Errorf("agent: type index %d is out of range 0..%d", i, len(w)-1))
	}
}

// Count returns the update that sets n to the number of agents of type
// index that have entered by the end of the current timestep under the
// plan, types assigned by Next: Cumulative(weights, Total(t))[index].
func Count(b *gds.Builder, n gds.Int, weights VecInput, index IntInput, plan Plan) gds.Block {
	k := counter{b.Scratch()}
	return n.Update(func(c *gds.Ctx) int64 {
		w, i := weights(c), index(c)
		checkIndex(w, i)
		return int64(k.counts(c, w, plan.at(c).Total(c.T))[i])
	})
}

// Entering returns the update that sets n to the number of agents of type
// index entering at the current timestep: EnteringAt(weights, plan, t)[index].
func Entering(b *gds.Builder, n gds.Int, weights VecInput, index IntInput, plan Plan) gds.Block {
	before, after := counter{b.Scratch()}, counter{b.Scratch()}
	return n.Update(func(c *gds.Ctx) int64 {
		w, i := weights(c), index(c)
		checkIndex(w, i)
		s := plan.at(c)
		was := before.counts(c, w, s.Total(c.T-1))[i]
		return int64(after.counts(c, w, s.Total(c.T))[i] - was)
	})
}

func init() {
	args := []blocks.Arg{
		{Name: "shares", Kind: gds.KindVec, Doc: "relative shares of the types, in type order"},
		{Name: "index", Kind: gds.KindInt, Doc: "the type counted, 0-based"},
		{Name: "initial", Kind: gds.KindInt, Default: "0", Doc: "agents entering at timestep 1"},
		{Name: "every", Kind: gds.KindInt, Doc: "a wave enters every this many timesteps"},
		{Name: "count", Kind: gds.KindInt, Doc: "agents per wave"},
	}
	plan := func(b *blocks.Binding) Plan {
		return Plan{Initial: b.Int("initial"), Every: b.Int("every"), Count: b.Int("count")}
	}
	blocks.MustRegister(blocks.Def{
		Name:   "agent.count",
		Doc:    "agents of one type entered so far under an entry schedule that keeps the shares (quota method)",
		Target: gds.KindInt,
		Args:   args,
		New: func(b *blocks.Binding) (gds.Block, error) {
			return Count(b.Builder, b.TargetInt, b.Vec("shares"), b.Int("index"), plan(b)), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "agent.entering",
		Doc:    "agents of one type entering at this timestep under an entry schedule that keeps the shares",
		Target: gds.KindInt,
		Args:   args,
		New: func(b *blocks.Binding) (gds.Block, error) {
			return Entering(b.Builder, b.TargetInt, b.Vec("shares"), b.Int("index"), plan(b)), nil
		},
	})
}
