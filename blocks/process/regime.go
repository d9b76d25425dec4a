package process

import (
	"fmt"
	"math"
	"strings"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// A Window is a regime over the timesteps [From, To): while it is active
// the drift of a process is multiplied by Drift and its volatility by
// Vol, and at timestep From, once, the process jumps by the relative
// amount Shock: x ← x·(1 + Shock). Timesteps are those of gds.Ctx.T (the
// timestep being computed, from 1). Build windows with the constructors,
// or set Drift and Vol to 1 where they should not change: the zero Window
// stops the drift and the volatility.
type Window struct {
	Name     string
	From, To int
	Drift    float64 // drift multiplier while active
	Vol      float64 // volatility multiplier while active, >= 0
	Shock    float64 // relative jump at timestep From, >= −1; 0 for none
}

// Bull returns a "bull" window multiplying the drift by drift.
func Bull(from, to int, drift float64) Window {
	return Window{Name: "bull", From: from, To: to, Drift: drift, Vol: 1}
}

// Bear returns a "bear" window multiplying the drift by drift (negative
// to turn a positive drift into a decline).
func Bear(from, to int, drift float64) Window {
	return Window{Name: "bear", From: from, To: to, Drift: drift, Vol: 1}
}

// VolatilitySpike returns a "volatility spike" window multiplying the
// volatility by vol.
func VolatilitySpike(from, to int, vol float64) Window {
	return Window{Name: "volatility spike", From: from, To: to, Drift: 1, Vol: vol}
}

// Shock returns a "shock" window: a one-off relative jump of size at
// timestep at (−0.3 is a 30% fall), active for that timestep only.
func Shock(at int, size float64) Window {
	return Window{Name: "shock", From: at, To: at + 1, Drift: 1, Vol: 1, Shock: size}
}

// Regime is what a schedule says about one timestep.
type Regime struct {
	// Name joins the names of the active windows with "+", in schedule
	// order; "" when none is active.
	Name string
	// Drift and Vol are the products of the active windows' multipliers
	// (1 when none is active).
	Drift, Vol float64
	// Shock is the combined relative jump of the windows starting at this
	// timestep, Π(1 + Shock) − 1, and 0 at every other timestep.
	Shock float64
}

// Schedule is a list of regime windows. Windows may overlap: their
// multipliers multiply and their shocks compound. A nil *Schedule has no
// windows.
type Schedule struct {
	windows []Window
	// The windows as vectors, for the blocks shared with model files.
	from, to, drift, vol, shock []float64
}

// NewSchedule returns the schedule of the given windows (copied), or an
// error naming the first window with From >= To, a negative or non-finite
// Vol, a non-finite Drift, or a Shock below −1.
func NewSchedule(windows ...Window) (*Schedule, error) {
	s := &Schedule{windows: append([]Window(nil), windows...)}
	for i, w := range windows {
		switch {
		case w.From >= w.To:
			return nil, fmt.Errorf("process: window %d (%q): From %d is not before To %d", i, w.Name, w.From, w.To)
		case !(w.Vol >= 0) || math.IsInf(w.Vol, 1):
			return nil, fmt.Errorf("process: window %d (%q): Vol multiplier must be finite and >= 0, got %v", i, w.Name, w.Vol)
		case math.IsNaN(w.Drift) || math.IsInf(w.Drift, 0):
			return nil, fmt.Errorf("process: window %d (%q): Drift multiplier must be finite, got %v", i, w.Name, w.Drift)
		case !(w.Shock >= -1) || math.IsInf(w.Shock, 1):
			return nil, fmt.Errorf("process: window %d (%q): Shock must be finite and >= -1, got %v", i, w.Name, w.Shock)
		}
		s.from = append(s.from, float64(w.From))
		s.to = append(s.to, float64(w.To))
		s.drift = append(s.drift, w.Drift)
		s.vol = append(s.vol, w.Vol)
		s.shock = append(s.shock, w.Shock)
	}
	return s, nil
}

// Windows returns a copy of the schedule's windows.
func (s *Schedule) Windows() []Window {
	if s == nil {
		return nil
	}
	return append([]Window(nil), s.windows...)
}

// At returns the regime at timestep t: the windows with From <= t < To are
// active, and those with From == t shock.
func (s *Schedule) At(t int) Regime {
	r := Regime{Drift: 1, Vol: 1}
	if s == nil {
		return r
	}
	var names []string
	for _, w := range s.windows {
		if t < w.From || t >= w.To {
			continue
		}
		names = append(names, w.Name)
		r.Drift *= w.Drift
		r.Vol *= w.Vol
		if t == w.From {
			// (1 + a)(1 + b) − 1, exact for a single shock.
			r.Shock = r.Shock + w.Shock + float64(r.Shock*w.Shock)
		}
	}
	r.Name = strings.Join(names, "+")
	return r
}

func (s *Schedule) vecs() (from, to, drift, vol, shock blocks.VecInput) {
	if s == nil {
		s = &Schedule{}
	}
	return blocks.VecConst(s.from), blocks.VecConst(s.to), blocks.VecConst(s.drift), blocks.VecConst(s.vol), blocks.VecConst(s.shock)
}

// Drift returns the input mu multiplied by the drift multiplier active at
// the timestep being computed.
func (s *Schedule) Drift(mu blocks.Input) blocks.Input {
	from, to, drift, _, _ := s.vecs()
	return func(c *gds.Ctx) float64 {
		return mu(c) * windowProduct("process: schedule drift", float64(c.T), from(c), to(c), drift(c))
	}
}

// Vol returns the input sigma multiplied by the volatility multiplier
// active at the timestep being computed.
func (s *Schedule) Vol(sigma blocks.Input) blocks.Input {
	from, to, _, vol, _ := s.vecs()
	return func(c *gds.Ctx) float64 {
		return sigma(c) * windowProduct("process: schedule vol", float64(c.T), from(c), to(c), vol(c))
	}
}

// ShockUpdate returns the update that applies the schedule's shocks to x:
// x ← x·(1 + Shock) at the first timestep of each window with a shock,
// x unchanged at every other timestep. Placed in one PSUB, it applies
// each shock exactly once per run.
func (s *Schedule) ShockUpdate(x gds.Float) gds.Block {
	from, _, _, _, shock := s.vecs()
	return ShockAt(x, from, shock)
}

// ScheduledGBM returns GBM with the schedule's regimes: while windows are
// active their multipliers scale mu and sigma, and at the first timestep
// of a window with a shock the step is multiplied by 1 + Shock:
//
//	x ← x·exp((mu·d − (sigma·v)²/2)·dt + sigma·v·√dt·Z)·(1 + shock)
//
// One normal is drawn per step, shock or not.
func ScheduledGBM(x gds.Float, mu, sigma, dt blocks.Input, s *Schedule) gds.Block {
	from, to, drift, vol, shock := s.vecs()
	return RegimeGBM(x, mu, sigma, dt, from, to, drift, vol, shock)
}

// RegimeMultiplier returns the update that sets x to base times the
// product of mult[i] over the windows active at the timestep being
// computed, from[i] <= t < to[i]; x = base when none is active. The
// vectors come from model parameters, so configs set and sweep the
// windows. from and to are whole timesteps of the same length; an empty
// mult multiplies by 1. It panics (a *gds.BlockError in a run) on vectors
// of other lengths or bounds that are not whole numbers.
func RegimeMultiplier(x gds.Float, base blocks.Input, from, to, mult blocks.VecInput) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		b := base(c)
		return b * windowProduct("process.regime", float64(c.T), from(c), to(c), mult(c))
	})
}

// ShockAt returns the update that multiplies x by 1 + size[i] at each
// timestep at[i] (whole numbers, one size per timestep; sizes >= −1), and
// leaves it unchanged at every other timestep. Placed in one PSUB, it
// applies each shock exactly once per run.
func ShockAt(x gds.Float, at, size blocks.VecInput) gds.Block {
	return x.Update(func(c *gds.Ctx) float64 {
		v := x.Get(c)
		return v * shockFactor("process.shock", float64(c.T), at(c), size(c))
	})
}

// RegimeGBM returns GBM whose drift and volatility are scaled by the
// multipliers of the windows [from[i], to[i]) active at the timestep
// being computed, with a relative jump shock[i] at timestep from[i]:
//
//	x ← x·exp((mu·d − (sigma·v)²/2)·dt + sigma·v·√dt·Z)·Π(1 + shock)
//
// d and v are the products of drift[i] and vol[i] over the active
// windows. An empty drift, vol or shock vector leaves that part unchanged;
// otherwise every vector has the length of from. One normal is drawn per
// step. It panics (a *gds.BlockError in a run) on vectors of other
// lengths, bounds that are not whole numbers, a negative vol multiplier
// or a shock below −1.
func RegimeGBM(x gds.Float, mu, sigma, dt blocks.Input, from, to, drift, vol, shock blocks.VecInput) gds.Block {
	const name = "process.regime_gbm"
	return x.Update(func(c *gds.Ctx) float64 {
		m, s, h := mu(c), sigma(c), dt(c)
		f, tt := from(c), to(c)
		t := float64(c.T)
		d := windowProduct(name, t, f, tt, drift(c))
		vm := vol(c)
		for i, x := range vm {
			if !(x >= 0) {
				panic(fmt.Errorf("%s: volatility multiplier %v of window %d is not >= 0", name, x, i))
			}
		}
		v := windowProduct(name, t, f, tt, vm)
		m, s = float64(m*d), float64(s*v)
		k := shockFactor(name, t, f, shock(c))
		dr := float64(float64(m-float64(float64(0.5*s)*s)) * h)
		z := float64(float64(s*math.Sqrt(h)) * c.NormFloat64())
		return x.Get(c) * math.Exp(dr+z) * k
	})
}

// windowProduct is the product of mult[i] over the windows [from[i],
// to[i]) that contain t; 1 if mult is empty.
func windowProduct(block string, t float64, from, to, mult []float64) float64 {
	if len(from) != len(to) {
		panic(fmt.Errorf("%s: from has %d windows, to has %d", block, len(from), len(to)))
	}
	if len(mult) == 0 {
		return 1
	}
	if len(mult) != len(from) {
		panic(fmt.Errorf("%s: %d multipliers for %d windows", block, len(mult), len(from)))
	}
	p := 1.0
	for i, lo := range from {
		hi := to[i]
		if lo != math.Trunc(lo) || hi != math.Trunc(hi) {
			panic(fmt.Errorf("%s: window %d [%v, %v): bounds must be whole timesteps", block, i, lo, hi))
		}
		if t >= lo && t < hi {
			p *= mult[i]
		}
	}
	return p
}

// shockFactor is Π(1 + size[i]) over i with at[i] == t; 1 if size is
// empty.
func shockFactor(block string, t float64, at, size []float64) float64 {
	if len(size) == 0 {
		return 1
	}
	if len(size) != len(at) {
		panic(fmt.Errorf("%s: %d shock sizes for %d timesteps", block, len(size), len(at)))
	}
	k := 1.0
	for i, a := range at {
		if a != math.Trunc(a) {
			panic(fmt.Errorf("%s: shock %d at %v: timesteps are whole numbers", block, i, a))
		}
		if !(size[i] >= -1) {
			panic(fmt.Errorf("%s: shock %d of size %v: sizes are >= -1", block, i, size[i]))
		}
		if a == t {
			k *= 1 + size[i]
		}
	}
	return k
}
