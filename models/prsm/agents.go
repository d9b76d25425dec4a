package prsm

import (
	"math"
	"math/rand/v2"
)

// The agent types of the PRSM tokenomics stress test, with their shares
// of the population (seed: prsm-demos README, "Agent Types").
const (
	DataContributor = iota // 30%: upload datasets, earn by quality
	ModelCreator           // 20%: develop models, higher rewards and costs
	QueryUser              // 30%: consume services, pay transaction fees
	Validator              // 15%: validate content quality, consistent rewards
	Freeloader             // 5%: bad actors gaming the system
	NumKinds
)

// KindNames are the agent types' names, indexed by kind.
var KindNames = [NumKinds]string{"data_contributor", "model_creator", "query_user", "validator", "freeloader"}

// The contributor tiers of the FTNS API (phase 1), lowest first.
const (
	TierNone = iota
	TierBasic
	TierActive
	TierPower
	NumTiers
)

// Agent is one participant of the economy. The exported fields are the
// columns of the agents variable.
type Agent struct {
	ID   int64
	Kind int64 // DataContributor … Freeloader
	// Balance is the FTNS the agent holds.
	Balance float64
	// Skill is the mean quality of the agent's contributions (0-1).
	Skill float64
	// Activity is the probability that the agent is active on a given day.
	Activity float64
	// AgeDays is the account's age in days (demurrage grace period).
	AgeDays float64
	// Tier is the contributor status: TierNone … TierPower.
	Tier int64
	// Value30 is the value of the agent's accepted contributions over the
	// last 30 days (exponentially weighted, decaying by 29/30 a day), and
	// Quality30 their value-weighted mean quality: the "recent
	// contributions" the tiers are judged on.
	Value30   float64
	Quality30 float64
	// Volume30 is the FTNS the agent moved (in and out, demurrage
	// excluded) over the last 30 days, exponentially weighted as Value30;
	// VolumeToday is today's so far.
	Volume30    float64
	VolumeToday float64
	// ActiveToday is the day's activity draw; ActedToday is true once the
	// agent has done something today (a contribution, a served query, a
	// sale, a validator on duty).
	ActiveToday bool
	ActedToday  bool
	// Submitted and Accepted count contributions; Earned and Fees sum the
	// rewards received and the demurrage paid.
	Submitted int64
	Accepted  int64
	Earned    float64
	Fees      float64
	// LastValue and LastReward are the value and reward of the agent's last
	// accepted contribution, LastMultiplier the tier multiplier it earned.
	LastValue      float64
	LastReward     float64
	LastMultiplier float64
}

// behaviour is what an agent type does. It is the model's reading of the
// seed's one-line descriptions; the numbers are assumptions, listed in
// docs/models/prsm.md.
type behaviour struct {
	activity [2]float64 // range of the daily activity probability
	skill    [2]float64 // range of the mean contribution quality
	value    [2]float64 // range of a contribution's economic value (FTNS)
	perDay   float64    // actions per active day: uploads, models, queries, or reviews (validators)
}

var behaviours = [NumKinds]behaviour{
	DataContributor: {activity: [2]float64{0.6, 0.9}, skill: [2]float64{0.55, 0.95}, value: [2]float64{5, 25}, perDay: 2},
	ModelCreator:    {activity: [2]float64{0.55, 0.85}, skill: [2]float64{0.6, 0.95}, value: [2]float64{20, 80}, perDay: 1},
	QueryUser:       {activity: [2]float64{0.55, 0.85}, perDay: 4},
	Validator:       {activity: [2]float64{0.75, 0.95}, perDay: 25},
	Freeloader:      {activity: [2]float64{0.3, 0.7}, skill: [2]float64{0.1, 0.4}, value: [2]float64{5, 25}, perDay: 3},
}

// floodQuality is the quality range of the low-quality data of the data
// oversupply scenario (that of freeloaders).
var floodQuality = [2]float64{0.1, 0.4}

// qualityNoise is the standard deviation of a contribution's quality
// around its author's skill.
const qualityNoise = 0.1

// Counts splits n agents among the types by shares, by largest remainders:
// the counts add up to n and each is within 1 of n·share (shares are
// normalised; negative ones count as 0).
func Counts(n int, shares []float64) [NumKinds]int {
	var out [NumKinds]int
	if n <= 0 {
		return out
	}
	total := 0.0
	for k := 0; k < NumKinds && k < len(shares); k++ {
		total += max(shares[k], 0)
	}
	if !(total > 0) {
		out[DataContributor] = n
		return out
	}
	var frac [NumKinds]float64
	given := 0
	for k := 0; k < NumKinds && k < len(shares); k++ {
		exact := float64(n) * max(shares[k], 0) / total
		out[k] = int(math.Floor(exact))
		frac[k] = exact - float64(out[k])
		given += out[k]
	}
	for ; given < n; given++ {
		best := 0
		for k := 1; k < NumKinds; k++ {
			if frac[k] > frac[best] {
				best = k
			}
		}
		out[best]++
		frac[best] = -1
	}
	return out
}

// uniform draws from [r[0], r[1]).
func uniform(rng *rand.Rand, r [2]float64) float64 {
	return r[0] + float64((r[1]-r[0])*rng.Float64())
}

// population adds n agents (add appends one): the types in blocks by Counts, each
// with the initial balance, an activity and skill drawn from its type's
// ranges and an account age uniform in [0, maxAge) days.
func population(add func(Agent), rng *rand.Rand, n int, shares []float64, balance, maxAge float64) {
	counts := Counts(n, shares)
	id := int64(0)
	for k, cnt := range counts {
		bh := behaviours[k]
		for j := 0; j < cnt; j++ {
			id++
			a := Agent{ID: id, Kind: int64(k), Balance: balance}
			a.Activity = uniform(rng, bh.activity)
			a.Skill = uniform(rng, bh.skill)
			a.AgeDays = math.Floor(float64(maxAge * rng.Float64()))
			add(a)
		}
	}
}

// tiers are the FTNS contributor tier requirements: the recent value and
// quality an agent needs for Basic, Active and Power (seed: "$10+ value,
// 0.6+ quality", "$50+, 0.7+", "$100+, 0.8+"), and the earning multiplier of
// each tier None … Power (0, 1.0, 1.3, 1.6).
type tiers struct {
	values      [3]float64
	qualities   [3]float64
	multipliers [NumTiers]float64
}

// ftnsTiers returns the FTNS API's tiers.
func ftnsTiers() tiers {
	return tiers{
		values:      [3]float64{10, 50, 100},
		qualities:   [3]float64{0.6, 0.7, 0.8},
		multipliers: [NumTiers]float64{0, 1.0, 1.3, 1.6},
	}
}

// tierOf returns the highest tier whose value and quality requirements the
// recent contributions meet.
func (t *tiers) tierOf(value, quality float64) int64 {
	for k := 2; k >= 0; k-- {
		if value >= t.values[k] && quality >= t.qualities[k] {
			return int64(k + 1)
		}
	}
	return TierNone
}

// Reward returns the FTNS earned for an accepted contribution of the given
// economic value by an agent of the given tier: value × the tier's earning
// multiplier (seed: FTNS API, "reward_amount = value ×
// earning_multiplier"), with the FTNS multipliers 0, 1.0, 1.3 and 1.6.
func Reward(value float64, tier int64) float64 {
	t := ftnsTiers()
	return t.reward(value, tier)
}

func (t *tiers) reward(value float64, tier int64) float64 {
	if tier < TierNone || tier >= NumTiers || !(value > 0) {
		return 0
	}
	return value * t.multipliers[tier]
}

// decay30 is the daily decay of the 30-day exponentially weighted sums.
const decay30 = 29.0 / 30.0

// window30 returns the days a 30-day exponentially weighted sum started at
// 0 covers after d days: Σ_{k<d} (29/30)^k = 30·(1 − (29/30)^d). Dividing
// such a sum by it gives a daily average that is unbiased from day 1.
func window30(d float64) float64 {
	if !(d > 0) {
		return 0
	}
	return 30 * (1 - math.Pow(decay30, d))
}

// poisson draws a Poisson count of mean lambda, given expNeg = e^−lambda
// (Knuth's method; lambda is small here: events per step). Means above 30
// use a normal approximation, never negative.
func poisson(rng *rand.PCG, lambda, expNeg float64) int {
	if !(lambda > 0) {
		return 0
	}
	if lambda > 30 {
		return max(int(math.Round(lambda+float64(math.Sqrt(lambda)*rand.New(rng).NormFloat64()))), 0)
	}
	k, p := 0, float64(rng.Uint64()&mask53)*unit53
	for p > expNeg {
		k++
		p *= float64(rng.Uint64()&mask53) * unit53
	}
	return k
}

// A draw u of a PCG gives the number rand.Rand.Float64 would,
// float64(u<<11>>11) / (1<<53), as float64(u&mask53) * unit53: written
// out where a loop draws, so that the PCG's step inlines there (a helper
// function would not: Go's inlining budget is 80, the helper costs 85).
const (
	mask53 = 1<<53 - 1
	unit53 = 0x1p-53
)
