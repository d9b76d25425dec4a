// Package demurrage provides velocity-based holding fees: the FTNS phase-3
// anti-hoarding mechanism. A holder's monthly token velocity (volume moved
// over balance) puts it in a velocity category with a monthly demurrage
// rate; its contributor status scales the rate; holders in their grace
// period pay nothing. The fee is never more than the balance.
//
// The Go API is Schedule (FTNS returns the documented one) with Category,
// MonthlyRate and Fee, and Velocity; the registered policy block
// "demurrage.fees" computes the fees of a vector of holders for model files.
package demurrage

import (
	"fmt"
	"math"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Category is a velocity category.
type Category int

// The velocity categories, from the most to the least circulating.
const (
	High     Category = iota // velocity ≥ 1.0 × target
	Moderate                 // 0.7 ≤ velocity/target < 1.0
	Low                      // 0.3 ≤ velocity/target < 0.7
	Inactive                 // velocity/target < 0.3: hoarding
)

var categoryNames = [...]string{"high", "moderate", "low", "inactive"}

// String returns the category's name as the FTNS API writes it.
func (c Category) String() string {
	if c >= 0 && int(c) < len(categoryNames) {
		return categoryNames[c]
	}
	return fmt.Sprintf("Category(%d)", int(c))
}

// Status is a contributor status (tier).
type Status int

// The contributor statuses of the FTNS API (phase 1), lowest first.
const (
	None Status = iota
	Basic
	Active
	Power
)

var statusNames = [...]string{"none", "basic", "active", "power"}

// String returns the status's name as the FTNS API writes it.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Schedule is a velocity-based demurrage schedule.
type Schedule struct {
	// TargetVelocity is the monthly velocity (volume / balance per 30
	// days) the categories are relative to. The FTNS API gives the
	// categories as multiples of "target" without its value; 1.2 is
	// PRSM's anti_hoarding_engine.py.
	TargetVelocity float64
	// Thresholds are the lower bounds of velocity/target for High,
	// Moderate and Low (FTNS: 1.0, 0.7, 0.3); below the last is Inactive.
	Thresholds [3]float64
	// Rates are the monthly demurrage rates of High, Moderate, Low and
	// Inactive (FTNS: 0.1%, 0.2%, 0.4%, 1.0% monthly).
	Rates [4]float64
	// Modifiers scale the rate by contributor status None, Basic, Active,
	// Power (FTNS: 1.5, 1.0, 0.7, 0.5).
	Modifiers [4]float64
	// GraceDays is the age of an account before it pays demurrage (FTNS:
	// FTNS_DEMURRAGE_GRACE_PERIOD_DAYS=90).
	GraceDays float64
	// MaxMonthlyRate caps the monthly rate after the modifier; 0 means no
	// cap. The FTNS API states none; PRSM's engine caps at 1.0%, which
	// makes the 1.5 modifier of an inactive non-contributor moot.
	MaxMonthlyRate float64
	// DaysPerMonth converts monthly rates to daily ones (30, as PRSM:
	// daily = monthly/30).
	DaysPerMonth float64
}

// FTNS returns the schedule of the FTNS tokenomics API, phase 3.
func FTNS() Schedule {
	return Schedule{
		TargetVelocity: 1.2,
		Thresholds:     [3]float64{1.0, 0.7, 0.3},
		Rates:          [4]float64{0.001, 0.002, 0.004, 0.010},
		Modifiers:      [4]float64{1.5, 1.0, 0.7, 0.5},
		GraceDays:      90,
		DaysPerMonth:   30,
	}
}

// Velocity returns a monthly velocity: the volume moved (in and out) over
// periodDays days, divided by the balance, scaled to DaysPerMonth = 30 days:
// volume/balance · 30/periodDays (PRSM's calculate_user_velocity). It is 0
// when the balance or the period is not positive.
func Velocity(volume, balance, periodDays float64) float64 {
	if !(balance > 0) || !(periodDays > 0) {
		return 0
	}
	return float64(volume/balance) * float64(30/periodDays)
}

// Category returns the velocity category of a monthly velocity. A
// non-positive target puts every holder in High (there is nothing to fall
// short of); NaN velocity is Inactive.
func (s Schedule) Category(velocity float64) Category {
	if !(s.TargetVelocity > 0) {
		return High
	}
	r := velocity / s.TargetVelocity
	switch {
	case r >= s.Thresholds[0]:
		return High
	case r >= s.Thresholds[1]:
		return Moderate
	case r >= s.Thresholds[2]:
		return Low
	}
	return Inactive
}

// MonthlyRate returns the monthly demurrage rate of a holder: the rate of
// its velocity category times the modifier of its status, capped by
// MaxMonthlyRate when that is positive. An unknown status counts as None.
func (s Schedule) MonthlyRate(velocity float64, st Status) float64 {
	if st < None || st > Power {
		st = None
	}
	r := s.Rates[s.Category(velocity)] * s.Modifiers[st]
	if s.MaxMonthlyRate > 0 {
		r = min(r, s.MaxMonthlyRate)
	}
	return max(r, 0)
}

// InGrace reports whether an account of the given age (days) is in its
// grace period.
func (s Schedule) InGrace(ageDays float64) bool { return ageDays < s.GraceDays }

// Fee returns the demurrage a holder pays for a period of days days:
// balance·MonthlyRate(velocity, st)·days/DaysPerMonth, 0 for holders in
// their grace period or without a positive balance, and never more than
// the balance.
func (s Schedule) Fee(balance, velocity float64, st Status, ageDays, days float64) float64 {
	if !(balance > 0) || !(days > 0) || s.InGrace(ageDays) {
		return 0
	}
	perMonth := s.DaysPerMonth
	if !(perMonth > 0) {
		perMonth = 30
	}
	f := float64(balance*s.MonthlyRate(velocity, st)) * float64(days/perMonth)
	if math.IsNaN(f) || f < 0 {
		return 0
	}
	return min(f, balance)
}

// Holders are the vectors describing a population of holders, one entry per
// holder: balances, monthly velocities, statuses (0 none, 1 basic, 2
// active, 3 power) and account ages in days. A vector shorter than Balances
// reads as 0 past its end (velocity 0 is Inactive, status 0 is None, age 0
// is in the grace period).
type Holders struct {
	Balances, Velocity, Status, AgeDays blocks.VecInput
}

// FeesPolicy returns a policy that emits, for the holders h and a period of
// days days under schedule s, each holder's fee on fees (a vector as long as
// the balances) and their sum on total. It computes in a per-engine scratch
// buffer of b.
func FeesPolicy(b *gds.Builder, name string, s func(*gds.Ctx) Schedule, h Holders, days blocks.Input, fees gds.VecSignal, total gds.FloatSignal) gds.Block {
	tmp := b.Scratch()
	return gds.Policy(name, func(c *gds.Ctx) {
		sc := s(c)
		bal, vel, st, age := h.Balances(c), h.Velocity(c), h.Status(c), h.AgeDays(c)
		d := days(c)
		buf := tmp.Buf(c)
		out := (*buf)[:0]
		sum := 0.0
		for i, x := range bal {
			f := sc.Fee(x, at(vel, i), Status(at(st, i)), at(age, i), d)
			out = append(out, f)
			sum += f
		}
		*buf = out
		fees.Emit(c, out)
		total.Emit(c, sum)
	})
}

func at(v []float64, i int) float64 {
	if i < len(v) {
		return v[i]
	}
	return 0
}
