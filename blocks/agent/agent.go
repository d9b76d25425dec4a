// Package agent helps build typed agent populations: the target shares of
// agent types, deterministic assignment of types to new agents that keeps
// those shares, entry schedules (n agents every k timesteps), and helpers
// that append agent records to a slice. It also registers two blocks for
// model files, "agent.count" and "agent.entering", that follow a typed
// population's size per type without agent records.
//
// Two apportionment rules are provided, both deterministic (ties go to the
// type listed first) and both within quota: every type's count is within
// one agent of its exact share.
//
//   - Apportion splits one batch of n agents by the largest-remainder
//     (Hamilton) method: each type gets the floor of its exact share and the
//     agents left over go to the largest remainders.
//   - Next, Grow, Cumulative and EnteringAt add agents one at a time to a
//     population that grows over time, by the quota method of Balinski and
//     Young (1975): the next agent goes to the type with the largest
//     weight/(count+1) among the types still below their exact share of the
//     grown population. Unlike largest remainders recomputed at each size,
//     it never takes an agent away from a type as the population grows
//     (house monotone), and unlike handing each agent to the type furthest
//     below its share, it never lets a count drift one agent or more from
//     its share (that simpler rule does, for some weights, after a few
//     hundred agents).
//
// Weights are relative shares: they need not sum to 1 (0.4, 0.05, 0.05,
// 0.3, 0.2 and 8, 1, 1, 6, 4 are the same mix).
//
// # Registered blocks
//
// Both are int updates; their arguments are shares (a vector of weights,
// in type order), index (the type, from 0), initial (agents entering at
// timestep 1, default 0), every and count (a wave of count agents every
// `every` timesteps).
//
//   - agent.count: the agents of type index that have entered by the end
//     of timestep t, Cumulative(shares, Total(t))[index].
//   - agent.entering: those entering at t, EnteringAt(shares, plan, t)[index].
//
// For example:
//
//	[psubs.updates]
//	n_degen = { use = "agent.count", args = { shares = "shares", index = 0, initial = 20, every = 5, count = 10 } }
//
// They keep the population built so far in a per-engine scratch buffer, so
// a step costs only the agents entering. Weights that are not valid or an
// index out of range fail the job.
package agent

import (
	"errors"
	"fmt"
	"math"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Share is the target share of one agent type.
type Share struct {
	Type   string  // the type's name
	Weight float64 // its relative share, >= 0
}

// Mix is the composition of a population: types and their shares, in a
// fixed order that indexes the types everywhere in this package.
type Mix []Share

// Validate checks that the types are named, distinct, and that the
// weights are finite, non-negative and not all zero.
func (m Mix) Validate() error {
	if len(m) == 0 {
		return errors.New("agent: a mix needs at least one type")
	}
	seen := map[string]bool{}
	for _, s := range m {
		if s.Type == "" || seen[s.Type] {
			return fmt.Errorf("agent: type %q is empty or listed twice", s.Type)
		}
		seen[s.Type] = true
	}
	return ValidWeights(m.Weights())
}

// Weights returns the weights in type order (a new slice).
func (m Mix) Weights() []float64 {
	w := make([]float64, len(m))
	for i, s := range m {
		w[i] = s.Weight
	}
	return w
}

// Types returns the type names in order (a new slice).
func (m Mix) Types() []string {
	t := make([]string, len(m))
	for i, s := range m {
		t[i] = s.Type
	}
	return t
}

// Index returns the index of the named type, or -1.
func (m Mix) Index(typ string) int {
	for i, s := range m {
		if s.Type == typ {
			return i
		}
	}
	return -1
}

// ValidWeights checks that weights are finite, non-negative and not all
// zero.
func ValidWeights(weights []float64) error {
	total := 0.0
	for i, w := range weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return fmt.Errorf("agent: weight %d is %v; want a finite number >= 0", i, w)
		}
		total += w
	}
	if !(total > 0) || math.IsInf(total, 0) {
		return fmt.Errorf("agent: the %d weights sum to %v; want a positive finite sum", len(weights), total)
	}
	return nil
}

// tol absorbs the rounding of share·n, so that an exact share (0.4 of 10)
// counts as reached rather than as a hair below or above.
const tol = 1e-9

func sum(w []float64) float64 {
	s := 0.0
	for _, x := range w {
		s += x
	}
	return s
}

// Apportion splits n agents among the types by the largest-remainder
// (Hamilton) method: each type gets the floor of its exact share
// n·w/Σw, and the remaining agents go one each to the largest remainders,
// ties to the earlier type. It writes the counts into dst (grown to
// len(weights)) and returns it. Weights must pass ValidWeights.
func Apportion(weights []float64, n int, dst []int) []int {
	dst = resize(dst, len(weights))
	total := sum(weights)
	if n <= 0 || !(total > 0) {
		return dst
	}
	left := n
	for i, w := range weights {
		q := float64(n) * w / total
		dst[i] = int(math.Floor(q + tol))
		left -= dst[i]
	}
	for ; left > 0; left-- {
		best, bi := math.Inf(-1), -1
		for i, w := range weights {
			q := float64(n) * w / total
			r := q - float64(dst[i]) // the remainder, or less once given
			if w > 0 && r > best+tol {
				best, bi = r, i
			}
		}
		if bi < 0 {
			break
		}
		dst[bi]++
	}
	return dst
}

// Next returns the type of the next agent to join a population with the
// given counts per type: by the quota method, the type with the largest
// weight/(count+1) among those whose count is below their exact share of
// the population with the new agent, ties to the earlier type. It returns
// -1 if no weight is positive. counts is not modified.
func Next(weights []float64, counts []int) int {
	return next(weights, counts, nil)
}

// next is Next for counts + extra (extra may be nil). It is not generic
// so that escape analysis sees that it keeps none of its slices (a shape
// instantiation would make callers' arrays escape to the heap).
func next(weights []float64, counts, extra []int) int {
	h := 0
	for i := range weights {
		h += counts[i]
		if extra != nil {
			h += extra[i]
		}
	}
	best, bi := -1.0, -1
	total := sum(weights)
	for i, w := range weights {
		a := counts[i]
		if extra != nil {
			a += extra[i]
		}
		if p, ok := priority(w, total, h, float64(a)); ok && p > best {
			best, bi = p, i
		}
	}
	return bi
}

// nextF is next for counts held as float64s (in a gds.Scratch).
func nextF(weights, counts []float64) int {
	h := 0.0
	for i := range weights {
		h += counts[i]
	}
	best, bi := -1.0, -1
	total := sum(weights)
	for i, w := range weights {
		if p, ok := priority(w, total, int(h), counts[i]); ok && p > best {
			best, bi = p, i
		}
	}
	return bi
}

// priority is the quota method's priority weight/(count+1) of a type with
// weight w and count a in a population of h about to grow by one, and
// whether the type may take the new agent: its weight is positive and its
// count is below its exact share of h+1.
func priority(w, total float64, h int, a float64) (float64, bool) {
	if !(w > 0 && total > 0) || a >= float64(h+1)*w/total-tol {
		return 0, false
	}
	return w / (a + 1), true
}

// Grow returns, in dst (grown to len(weights)), how many of each type n
// new agents joining a population with the given counts are: each is
// assigned by Next in turn. counts is not modified.
func Grow(weights []float64, counts []int, n int, dst []int) []int {
	dst = resize(dst, len(weights))
	for ; n > 0; n-- {
		i := next(weights, counts, dst)
		if i < 0 {
			break
		}
		dst[i]++
	}
	return dst
}

// Cumulative returns, in dst, the counts per type of a population of n
// agents built from nobody by Next: the population a Schedule has reached
// after Total(t) agents.
func Cumulative(weights []float64, n int, dst []int) []int {
	dst = resize(dst, len(weights))
	for ; n > 0; n-- {
		i := next(weights, dst, nil)
		if i < 0 {
			break
		}
		dst[i]++
	}
	return dst
}

func resize(dst []int, n int) []int {
	if cap(dst) < n {
		dst = make([]int, n)
	}
	dst = dst[:n]
	clear(dst)
	return dst
}

// Schedule says how many agents enter at each timestep: Initial agents at
// timestep 1, and a wave of Count agents at every timestep divisible by
// Every (Every <= 0: no waves).
type Schedule struct {
	Initial int // agents entering at timestep 1
	Every   int // a wave at t = Every, 2·Every, ...
	Count   int // agents per wave
}

// Entering returns the number of agents entering at timestep t (>= 1).
func (s Schedule) Entering(t int) int {
	if t < 1 {
		return 0
	}
	n := 0
	if t == 1 {
		n += max(s.Initial, 0)
	}
	if s.Every > 0 && t%s.Every == 0 {
		n += max(s.Count, 0)
	}
	return n
}

// Total returns the number of agents that have entered in timesteps 1..t.
func (s Schedule) Total(t int) int {
	if t < 1 {
		return 0
	}
	n := max(s.Initial, 0)
	if s.Every > 0 {
		n += t / s.Every * max(s.Count, 0)
	}
	return n
}

// EnteringAt returns, in dst, how many agents of each type enter at
// timestep t under the schedule, keeping the shares by Next: a pure
// function of t, equal to Grow applied to the population Cumulative
// reached at t−1. It costs O(Total(t)·types); a model that keeps its counts
// per type in its state uses Grow or Next on them instead.
func EnteringAt(weights []float64, s Schedule, t int, dst []int) []int {
	before := Cumulative(weights, s.Total(t-1), nil)
	return Grow(weights, before, s.Entering(t), dst)
}

// Append appends n new agents to dst, made by mk from their type index in
// the order Next assigns them, and counts each in counts (which must hold
// the population's counts per type and is updated). It allocates only if
// dst must grow.
func Append[T any](dst []T, weights []float64, counts []int, n int, mk func(typ int) T) []T {
	for ; n > 0; n-- {
		i := Next(weights, counts)
		if i < 0 {
			break
		}
		counts[i]++
		dst = append(dst, mk(i))
	}
	return dst
}

// Population returns n agents built from nobody by Append: a typed
// initial population, with mk given each agent's type and position.
func Population[T any](weights []float64, n int, mk func(typ, i int) T) []T {
	out := make([]T, 0, max(n, 0))
	counts := make([]int, len(weights))
	k := 0
	return Append(out, weights, counts, n, func(typ int) T {
		k++
		return mk(typ, k-1)
	})
}

// Plan is an entry schedule whose fields are inputs, for blocks.
type Plan struct {
	Initial, Every, Count blocks.IntInput
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
func Count(b *gds.Builder, n gds.Int, weights blocks.VecInput, index blocks.IntInput, plan Plan) gds.Block {
	k := counter{b.Scratch()}
	return n.Update(func(c *gds.Ctx) int64 {
		w, i := weights(c), index(c)
		checkIndex(w, i)
		return int64(k.counts(c, w, plan.at(c).Total(c.T))[i])
	})
}

// Entering returns the update that sets n to the number of agents of type
// index entering at the current timestep: EnteringAt(weights, plan, t)[index].
func Entering(b *gds.Builder, n gds.Int, weights blocks.VecInput, index blocks.IntInput, plan Plan) gds.Block {
	before, after := counter{b.Scratch()}, counter{b.Scratch()}
	return n.Update(func(c *gds.Ctx) int64 {
		w, i := weights(c), index(c)
		checkIndex(w, i)
		s := plan.at(c)
		was := before.counts(c, w, s.Total(c.T-1))[i]
		return int64(after.counts(c, w, s.Total(c.T))[i] - was)
	})
}
