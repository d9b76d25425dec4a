package valuation_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/blocks/valuation"
	"github.com/statecraft/statecraft/gds"
)

// TestValuation: TokenSPICE's expectations, to the bit —
// testFundamentalsValuation (netlists/wsloop/test/test_SimStrategy.py):
// 1e3 of revenue at P/S 30 is 30e3; test_ps and test_pe
// (util/test/test_valuation.py): 30e3, and 20e3 at a multiple of 20;
// test_OCEANprice: 10e9 over 1e9 tokens is 10.0 — then the overall
// valuation, the larger of the two.
func TestValuation(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"fundamentals", valuation.PriceToSales(1e3, valuation.WSLoopPriceToSales), 1e3 * 30.0},
		{"P/E", valuation.PriceToSales(1e3, 20), 20e3},
		{"price", valuation.TokenPrice(10e9, 1e9), 10.0},
		{"price of a fraction", valuation.TokenPrice(150e6, 1.001e9), 0.14985014985014986}, // 150/1001
		{"speculation above", valuation.Overall(30e6, 150e6), 150e6},
		{"fundamentals above", valuation.Overall(180e6, 150e6), 180e6},
		{"no speculation", valuation.Overall(5, 0), 5},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
	if v := valuation.Overall(math.NaN(), 1); !math.IsNaN(v) {
		t.Errorf("Overall(NaN, 1) = %v, want NaN", v)
	}
}

type recorder func(*gds.Row)

func (f recorder) Record(r *gds.Row) error { f(r); return nil }

// TestUpdatesPanic: a negative multiple or a supply that is not positive
// fails the job with the block's message.
func TestUpdatesPanic(t *testing.T) {
	for _, c := range []struct {
		name string
		blk  func(x gds.Float) gds.Block
		want string
	}{
		{"negative ratio", func(x gds.Float) gds.Block {
			return valuation.PriceToSalesUpdate(x, blocks.Const(1), blocks.Const(-3))
		}, "valuation: ratio must be a finite number >= 0, got -3"},
		{"no supply", func(x gds.Float) gds.Block {
			return valuation.TokenPriceUpdate(x, blocks.Const(1), blocks.Const(0))
		}, "valuation: supply must be > 0, got 0"},
		{"NaN supply", func(x gds.Float) gds.Block {
			return valuation.TokenPriceUpdate(x, blocks.Const(1), blocks.Const(math.NaN()))
		}, "valuation: supply must be > 0, got NaN"},
	} {
		b := gds.NewBuilder("v")
		x := b.Float("x", 1)
		b.PSUB("p", c.blk(x))
		m, err := b.Build()
		if err == nil {
			err = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 2}, recorder(func(*gds.Row) {}))
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}

// TokenSPICE's wsloop at launch: no revenue yet, so the speculative
// valuation of $150M sets the price of its 690.9M tokens; once the year's
// revenue reaches $10M, the fundamentals, 30 times that, take over.
func Example() {
	const speculation, supply = 150e6, 690.9e6
	for _, revenue := range []float64{0, 1e6, 10e6} {
		v := valuation.Overall(valuation.PriceToSales(revenue, valuation.WSLoopPriceToSales), speculation)
		fmt.Printf("revenue $%.0fM: valuation $%.0fM, price $%.3f\n", revenue/1e6, v/1e6, valuation.TokenPrice(v, supply))
	}
	// Output:
	// revenue $0M: valuation $150M, price $0.217
	// revenue $1M: valuation $150M, price $0.217
	// revenue $10M: valuation $300M, price $0.434
}
