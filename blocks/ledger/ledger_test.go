package ledger_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks/ledger"
)

func TestPay(t *testing.T) {
	for _, c := range []struct {
		name            string
		balance, amount float64
		clamp           bool
		paid, left      float64
		err             string
		overdraft       bool
	}{
		{"part", 10, 4, false, 4, 6, "", false},
		{"all", 10, 10, false, 10, 0, "", false},
		{"round-off above", 0.3, 0.1 + 0.2, false, 0.3, 0, "", false}, // 0.1 + 0.2 = 0.30000000000000004
		{"round-off below", 1, 1 - 1e-14, false, 1, 0, "", false},
		{"overdraft", 2, 4, false, 0, 2, "holds 2 and cannot pay 4", true},
		{"clamped", 2, 4, true, 2, 0, "", false},
		{"negative", 2, -1, false, 0, 2, "amount -1: want a finite number >= 0", false},
		{"NaN", 2, math.NaN(), true, 0, 2, "want a finite number", false},
		{"nothing", 0, 0, false, 0, 0, "", false},
	} {
		paid, left, err := ledger.Pay(c.balance, c.amount, c.clamp)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || errors.Is(err, ledger.ErrOverdraft) != c.overdraft {
				t.Errorf("%s: err = %v, want %q (overdraft %v)", c.name, err, c.err, c.overdraft)
			}
			continue
		}
		if err != nil || paid != c.paid || left != c.left {
			t.Errorf("%s: Pay(%v, %v) = %v, %v, %v; want %v, %v", c.name, c.balance, c.amount, paid, left, err, c.paid, c.left)
		}
	}
}

func TestSplit(t *testing.T) {
	for _, c := range []struct {
		amount float64
		shares []float64
		want   []float64
		err    string
	}{
		{10, []float64{1, 1}, []float64{5, 5}, ""},
		{10, []float64{0.95, 0.05}, []float64{9.5, 10 - 9.5}, ""},
		{1, []float64{3}, []float64{1}, ""},
		{0, []float64{0, 0}, []float64{0, 0}, ""},
		{1, []float64{0, 0}, nil, "the shares sum to 0"},
		{1, []float64{1, -1}, nil, "share 1 is -1"},
		{1, nil, nil, "no payee"},
	} {
		got, err := ledger.Split(c.amount, c.shares, nil)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Split(%v, %v): err = %v, want %q", c.amount, c.shares, err, c.err)
			}
			continue
		}
		if err != nil || len(got) != len(c.want) {
			t.Fatalf("Split(%v, %v) = %v, %v", c.amount, c.shares, got, err)
		}
		for k := range got {
			if got[k] != c.want[k] {
				t.Errorf("Split(%v, %v) = %v, want %v", c.amount, c.shares, got, c.want)
			}
		}
	}
}

// TestSplitExact: for random amounts and shares the parts add up to the
// amount exactly (summed in order), none is negative, and each is its
// share to a relative 1e-12.
func TestSplitExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var parts []float64
	for range 10000 {
		amount := math.Ldexp(r.Float64(), r.IntN(60)-20)
		shares := make([]float64, 1+r.IntN(6))
		total := 0.0
		for k := range shares {
			shares[k] = r.Float64()
			total += shares[k]
		}
		var err error
		if parts, err = ledger.Split(amount, shares, parts); err != nil {
			t.Fatal(err)
		}
		left := amount
		for k, p := range parts {
			if p < 0 || math.Abs(p-amount*shares[k]/total) > 1e-12*amount {
				t.Fatalf("Split(%v, %v): part %d = %v", amount, shares, k, p)
			}
			left -= p
		}
		if left != 0 {
			t.Fatalf("Split(%v, %v) = %v: %v left over", amount, shares, parts, left)
		}
	}
}
