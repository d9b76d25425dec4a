package supply

import (
	"math"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

func init() {
	blocks.MustRegister(blocks.Def{
		Name:   "supply.mint_burn",
		Doc:    "supply ← max(supply + mint − burn, 0)",
		Target: gds.KindFloat,
		Args: []blocks.Arg{
			{Name: "mint", Kind: gds.KindFloat, Default: "0.0", Doc: "amount minted this step (negative: nothing)"},
			{Name: "burn", Kind: gds.KindFloat, Default: "0.0", Doc: "amount burned this step (at most the supply)"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			return MintBurn(b.TargetFloat, b.Float("mint"), b.Float("burn")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "supply.constant_emission",
		Doc:    "emits rate at every timestep",
		Policy: true,
		Args: []blocks.Arg{
			{Name: "rate", Kind: gds.KindFloat, Doc: "amount per timestep"},
			{Name: "amount", Kind: gds.KindFloat, Output: true, Doc: "the amount emitted"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			rate := b.Float("rate")
			return EmissionPolicy(b.Name, b.FloatSignal("amount"), func(c *gds.Ctx) Emission { return Constant(rate(c)) }), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "supply.halving_emission",
		Doc:    "emits initial·2^−⌊(t−1)/period⌋ at timestep t",
		Policy: true,
		Args: []blocks.Arg{
			{Name: "initial", Kind: gds.KindFloat, Doc: "amount per timestep before the first halving"},
			{Name: "period", Kind: gds.KindInt, Doc: "timesteps between halvings"},
			{Name: "amount", Kind: gds.KindFloat, Output: true, Doc: "the amount emitted"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			initial, period := b.Float("initial"), b.Int("period")
			return EmissionPolicy(b.Name, b.FloatSignal("amount"), func(c *gds.Ctx) Emission {
				return Halving(initial(c), int(period(c)))
			}), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "supply.linear_emission",
		Doc:    "emits initial at timestep 1, moving linearly to final at timestep duration+1",
		Policy: true,
		Args: []blocks.Arg{
			{Name: "initial", Kind: gds.KindFloat, Doc: "amount at timestep 1"},
			{Name: "final", Kind: gds.KindFloat, Doc: "amount from timestep duration+1 on"},
			{Name: "duration", Kind: gds.KindInt, Doc: "timesteps of the decay"},
			{Name: "amount", Kind: gds.KindFloat, Output: true, Doc: "the amount emitted"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			initial, final, duration := b.Float("initial"), b.Float("final"), b.Int("duration")
			return EmissionPolicy(b.Name, b.FloatSignal("amount"), func(c *gds.Ctx) Emission {
				return LinearDecay(initial(c), final(c), int(duration(c)))
			}), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "supply.vesting",
		Doc:    "emits the part of a grant that vests at timestep t: cliff, then linear",
		Policy: true,
		Args: []blocks.Arg{
			{Name: "total", Kind: gds.KindFloat, Doc: "the grant"},
			{Name: "start", Kind: gds.KindInt, Default: "0", Doc: "timestep vesting starts from"},
			{Name: "cliff", Kind: gds.KindInt, Default: "0", Doc: "timesteps after start before anything vests"},
			{Name: "duration", Kind: gds.KindInt, Doc: "timesteps after start until all has vested"},
			{Name: "amount", Kind: gds.KindFloat, Output: true, Doc: "the amount released"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			total, start, cliff, duration := b.Float("total"), b.Int("start"), b.Int("cliff"), b.Int("duration")
			return VestingPolicy(b.Name, b.FloatSignal("amount"), func(c *gds.Ctx) Vesting {
				return Vesting{Total: total(c), Start: int(start(c)), Cliff: int(cliff(c)), Duration: int(duration(c))}
			}), nil
		},
	})
	capArgs := []blocks.Arg{
		{Name: "cap", Kind: gds.KindFloat, Doc: "tokens to mint in all"},
		{Name: "half_life", Kind: gds.KindFloat, Doc: "years in which what is left to mint halves"},
		{Name: "per_year", Kind: gds.KindFloat, Default: "365.0", Doc: "timesteps per year (365: daily)"},
		{Name: "every", Kind: gds.KindInt, Default: "1", Doc: "timesteps between mints, from timestep 1"},
		{Name: "stop", Kind: gds.KindFloat, Default: "34.0", Doc: "half-lives after which everything left is minted at once (TokenSPICE: 34; 0: never)"},
		{Name: "minted", Kind: gds.KindFloat, Doc: "amount minted so far (the variable adding up the mints): a mint never exceeds cap − minted"},
		{Name: "delay", Kind: gds.KindInt, Default: "0", Doc: "timesteps the schedule starts late: at timestep t it mints what it would at t − delay (TokenSPICE's tick k is timestep k+1: delay 1)"},
	}
	amount := blocks.Arg{Name: "amount", Kind: gds.KindFloat, Output: true, Doc: "the amount minted"}
	blocks.MustRegister(blocks.Def{
		Name:   "supply.halflife_emission",
		Doc:    "mints toward a cap with a half-life: cap·(F(t/per_year) − F((t − every)/per_year)), F(y) = 1 − 0.5^(y/half_life), at most cap − minted (TokenSPICE ExpFunc)",
		Policy: true,
		Args:   append(append([]blocks.Arg(nil), capArgs...), amount),
		New: func(b *blocks.Binding) (gds.Block, error) {
			capIn, h, py, every, stop, delay := b.Float("cap"), b.Float("half_life"), b.Float("per_year"), b.Int("every"), b.Float("stop"), b.Int("delay")
			return CapMintPolicy(b.Name, b.FloatSignal("amount"), func(c *gds.Ctx) CapMint[HalfLife] {
				cp, hv, p, e, st := capIn(c), h(c), py(c), every(c), stop(c)
				return CapMint[HalfLife]{Cap: cp, Curve: HalfLife{H: hv}, PerYear: p, Every: clampInt(e), Stop: float64(st * hv), Delay: clampInt(delay(c))}
			}, b.Float("minted")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "supply.ramped_halflife_emission",
		Doc:    "mints toward a cap along a half-life curve ramped up at t0..t3 by m1..m3 (TokenSPICE RampedExpFunc, as its code computes it)",
		Policy: true,
		Args: append(append([]blocks.Arg(nil), capArgs...),
			blocks.Arg{Name: "t0", Kind: gds.KindFloat, Default: "0.5", Doc: "year minting starts (TokenSPICE wsloop: 0.5)"},
			blocks.Arg{Name: "t1", Kind: gds.KindFloat, Default: "1.0", Doc: "year of the first step up (wsloop: 1.0)"},
			blocks.Arg{Name: "t2", Kind: gds.KindFloat, Default: "1.4", Doc: "year of the second step up (wsloop: 1.4)"},
			blocks.Arg{Name: "t3", Kind: gds.KindFloat, Default: "3.0", Doc: "year the full curve takes over (wsloop: 3.0)"},
			blocks.Arg{Name: "m1", Kind: gds.KindFloat, Default: "0.1", Doc: "multiplier from t0 (wsloop: 0.10)"},
			blocks.Arg{Name: "m2", Kind: gds.KindFloat, Default: "0.25", Doc: "multiplier added at t1 (wsloop: 0.25)"},
			blocks.Arg{Name: "m3", Kind: gds.KindFloat, Default: "0.5", Doc: "multiplier added at t2 (wsloop: 0.50)"},
			blocks.Arg{Name: "at_breakpoints", Kind: gds.KindBool, Default: "false", Doc: "the docstring's function: the pieces' values taken at the breakpoints, a pace of m1, m2, m3 (false: TokenSPICE's code, whose pace adds up)"},
			amount),
		New: func(b *blocks.Binding) (gds.Block, error) {
			capIn, h, py, every, stop, delay := b.Float("cap"), b.Float("half_life"), b.Float("per_year"), b.Int("every"), b.Float("stop"), b.Int("delay")
			t0, t1, t2, t3 := b.Float("t0"), b.Float("t1"), b.Float("t2"), b.Float("t3")
			m1, m2, m3, atb := b.Float("m1"), b.Float("m2"), b.Float("m3"), b.Bool("at_breakpoints")
			return CapMintPolicy(b.Name, b.FloatSignal("amount"), func(c *gds.Ctx) CapMint[RampedHalfLife] {
				cp, hv, p, e, st := capIn(c), h(c), py(c), every(c), stop(c)
				r := RampedHalfLife{H: hv, T0: t0(c), T1: t1(c), T2: t2(c), T3: t3(c), M1: m1(c), M2: m2(c), M3: m3(c), AtBreakpoints: atb(c)}
				return CapMint[RampedHalfLife]{Cap: cp, Curve: r, PerYear: p, Every: clampInt(e), Stop: float64(st * hv), Delay: clampInt(delay(c))}
			}, b.Float("minted")), nil
		},
	})
	blocks.MustRegister(blocks.Def{
		Name:   "supply.controller",
		Doc:    "FTNS dynamic supply controller: factor = 1 + clamp(previous + gain·damping·(actual − target)/365, ±max_adjustment)",
		Policy: true,
		Args: []blocks.Arg{
			{Name: "previous", Kind: gds.KindFloat, Default: "0.0", Doc: "the previous adjustment's factor − 1"},
			{Name: "day", Kind: gds.KindFloat, Doc: "days since launch"},
			{Name: "actual_rate", Kind: gds.KindFloat, Doc: "measured annualized appreciation"},
			{Name: "volatility", Kind: gds.KindFloat, Default: "0.0", Doc: "measured annualized volatility"},
			{Name: "initial_rate", Kind: gds.KindFloat, Default: "0.5", Doc: "target annual appreciation at launch (FTNS: 50%)"},
			{Name: "final_rate", Kind: gds.KindFloat, Default: "0.02", Doc: "long-run target annual appreciation (FTNS: 2%)"},
			{Name: "decay", Kind: gds.KindFloat, Default: "0.003", Doc: "per-day decay of the target towards final_rate"},
			{Name: "max_adjustment", Kind: gds.KindFloat, Default: "0.001", Doc: "largest |factor − 1| (FTNS: 0.1% a day)"},
			{Name: "damping_min", Kind: gds.KindFloat, Default: "0.5", Doc: "smallest volatility damping (FTNS: 0.5)"},
			{Name: "damping_slope", Kind: gds.KindFloat, Default: "2.0", Doc: "damping = 1 − slope·volatility"},
			{Name: "gain", Kind: gds.KindFloat, Default: "0.2", Doc: "integral gain: change of the daily supply change per unit of daily excess appreciation"},
			{Name: "factor", Kind: gds.KindFloat, Output: true, Doc: "the supply adjustment factor"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			ir, fr, dc, mx := b.Float("initial_rate"), b.Float("final_rate"), b.Float("decay"), b.Float("max_adjustment")
			dmin, ds, g := b.Float("damping_min"), b.Float("damping_slope"), b.Float("gain")
			k := func(c *gds.Ctx) Controller {
				return Controller{InitialRate: ir(c), FinalRate: fr(c), Decay: dc(c), MaxAdjustment: mx(c),
					DampingMin: dmin(c), DampingSlope: ds(c), Gain: g(c), GovernanceThreshold: 0.05}
			}
			return ControllerPolicy(b.Name, b.FloatSignal("factor"), k, b.Float("previous"), b.Float("day"), b.Float("actual_rate"), b.Float("volatility")), nil
		},
	})
}

// clampInt converts an int input to int within the int32 range, so that
// the conversion never wraps around (a negative every stays negative).
func clampInt(v int64) int {
	return int(min(max(v, math.MinInt32), math.MaxInt32))
}
