package amm_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/statecraft/statecraft/blocks/amm"
)

func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}

func mustPool(t *testing.T, x, y, fee float64) amm.Pool {
	t.Helper()
	p, err := amm.NewPool(x, y, fee)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNewPool(t *testing.T) {
	p := mustPool(t, 100, 400, 0.003)
	if p.X != 100 || p.Y != 400 || p.Shares != 200 || p.Fee != 0.003 {
		t.Fatalf("pool = %+v, want reserves 100/400, sqrt(100*400) = 200 shares", p)
	}
	if p.SpotPrice() != 4 || p.K() != 40000 {
		t.Errorf("spot %v, k %v", p.SpotPrice(), p.K())
	}
	if amm.SpotPrice(0, 5) != 0 || (amm.Pool{}).SpotPrice() != 0 {
		t.Error("the spot price of an empty pool is not 0")
	}
}

func TestErrors(t *testing.T) {
	p := amm.Pool{X: 100, Y: 100, Shares: 100, Fee: 0.003}
	empty := amm.Pool{Fee: 0.003}
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct {
		name string
		op   func() error
		want error
	}{
		{"sell zero x", func() error { _, _, err := p.SwapXForY(0); return err }, amm.ErrAmount},
		{"sell negative x", func() error { _, _, err := p.SwapXForY(-1); return err }, amm.ErrAmount},
		{"sell NaN y", func() error { _, _, err := p.SwapYForX(nan); return err }, amm.ErrAmount},
		{"sell infinite y", func() error { _, _, err := p.SwapYForX(inf); return err }, amm.ErrAmount},
		{"overflowing sale", func() error { _, _, err := p.SwapXForY(math.MaxFloat64); return err }, amm.ErrAmount},
		{"swap on an empty pool", func() error { _, _, err := empty.SwapXForY(1); return err }, amm.ErrEmpty},
		{"negative reserve", func() error { _, _, err := amm.Pool{X: -1, Y: 5}.SwapXForY(1); return err }, amm.ErrEmpty},
		{"fee of 1", func() error { _, _, err := amm.Pool{X: 1, Y: 1, Fee: 1}.SwapXForY(1); return err }, amm.ErrFee},
		{"negative fee", func() error { _, _, err := amm.Pool{X: 1, Y: 1, Fee: -0.1}.AddLiquidity(1, 1); return err }, amm.ErrFee},
		{"buy the whole x reserve", func() error { _, _, err := p.SwapYForExactX(100); return err }, amm.ErrDrain},
		{"buy more than the y reserve", func() error { _, _, err := p.SwapXForExactY(150); return err }, amm.ErrDrain},
		{"buy zero", func() error { _, _, err := p.SwapXForExactY(0); return err }, amm.ErrAmount},
		{"add zero x", func() error { _, _, err := p.AddLiquidity(0, 1); return err }, amm.ErrAmount},
		{"add negative y", func() error { _, _, err := empty.AddLiquidity(1, -1); return err }, amm.ErrAmount},
		{"add to reserves without shares", func() error { _, _, err := amm.Pool{X: 1, Y: 1}.AddLiquidity(1, 1); return err }, amm.ErrShares},
		{"remove more shares than exist", func() error { _, _, _, err := p.RemoveLiquidity(101); return err }, amm.ErrShares},
		{"remove every share", func() error { _, _, _, err := p.RemoveLiquidity(100); return err }, amm.ErrDrain},
		{"remove zero shares", func() error { _, _, _, err := p.RemoveLiquidity(0); return err }, amm.ErrAmount},
		{"remove from an empty pool", func() error { _, _, _, err := empty.RemoveLiquidity(1); return err }, amm.ErrEmpty},
		{"impact of zero", func() error { _, err := p.PriceImpactXForY(0); return err }, amm.ErrAmount},
		{"impact on an empty pool", func() error { _, err := empty.PriceImpactYForX(1); return err }, amm.ErrEmpty},
		{"arbitrage to price 0", func() error { _, _, _, err := p.Arbitrage(0); return err }, amm.ErrAmount},
		{"arbitrage an empty pool", func() error { _, _, _, err := empty.Arbitrage(1); return err }, amm.ErrEmpty},
	} {
		if err := c.op(); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}

// A failed operation leaves the pool as it was (pools are values).
func TestFailedOperationReturnsThePool(t *testing.T) {
	p := amm.Pool{X: 100, Y: 100, Shares: 100, Fee: 0.003}
	q, out, err := p.SwapYForExactX(100)
	if err == nil || q != p || out != 0 {
		t.Errorf("q = %+v, out = %v, err = %v", q, out, err)
	}
}

func TestSwapFormulas(t *testing.T) {
	for _, c := range []struct {
		name       string
		x, y, fee  float64
		in         float64
		sellX      bool
		wantOut    float64
		wantX, wan float64
	}{
		{"no fee, x for y", 1000, 2000, 0, 100, true, 2000 - 2e6/1100, 1100, 2e6 / 1100},
		{"0.3% fee, x for y", 1000, 2000, 0.003, 100, true, 2000 * 99.7 / 1099.7, 1100, 2000 - 2000*99.7/1099.7},
		{"0.3% fee, y for x", 1000, 2000, 0.003, 100, false, 1000 * 99.7 / 2099.7, 1000 - 1000*99.7/2099.7, 2100},
		{"1% fee, y for x, large", 10, 10, 0.01, 90, false, 10 * 89.1 / 99.1, 10 - 10*89.1/99.1, 100},
	} {
		p := mustPool(t, c.x, c.y, c.fee)
		var q amm.Pool
		var out float64
		var err error
		if c.sellX {
			q, out, err = p.SwapXForY(c.in)
		} else {
			q, out, err = p.SwapYForX(c.in)
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !near(out, c.wantOut, 1e-12) || !near(q.X, c.wantX, 1e-12) || !near(q.Y, c.wan, 1e-12) {
			t.Errorf("%s: out %v, pool (%v, %v); want %v, (%v, %v)", c.name, out, q.X, q.Y, c.wantOut, c.wantX, c.wan)
		}
		if q.Shares != p.Shares || q.Fee != p.Fee {
			t.Errorf("%s: a swap changed the shares or the fee: %+v", c.name, q)
		}
		// The input goes into the pool whole, and what leaves is exactly
		// what the trader gets.
		if c.sellX && (q.X != p.X+c.in || q.Y+out != p.Y) || !c.sellX && (q.Y != p.Y+c.in || q.X+out != p.X) {
			t.Errorf("%s: flows do not balance: %+v -> %+v, out %v", c.name, p, q, out)
		}
	}
}

func TestExactOut(t *testing.T) {
	for _, c := range []struct {
		name string
		fee  float64
		out  float64
	}{
		{"small buy", 0.003, 2},
		{"half the reserve", 0.003, 500},
		{"nearly all, no fee", 0, 999},
		{"large fee", 0.3, 10},
	} {
		p := mustPool(t, 1000, 3000, c.fee)
		// Buy X with Y, then Y with X: exact output, input fee included.
		q, in, err := p.SwapYForExactX(c.out)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if q.X != p.X-c.out || q.Y != p.Y+in || q.K() < p.K() {
			t.Errorf("%s: %+v -> %+v paying %v", c.name, p, q, in)
		}
		// Selling the same input back through SwapYForX gives that output,
		// up to rounding in the pool's favour.
		_, got, err := p.SwapYForX(in)
		if err != nil || !near(got, c.out, 1e-12) {
			t.Errorf("%s: selling %v of y gives %v of x, want %v (%v)", c.name, in, got, c.out, err)
		}
		q, in, err = p.SwapXForExactY(c.out)
		if err != nil || q.Y != p.Y-c.out || q.K() < p.K() {
			t.Errorf("%s: buy y: %+v paying %v (%v)", c.name, q, in, err)
		}
	}
}

// TestKNeverDecreases: over long random sequences of trades of every size
// and direction, on pools with and without a fee, the product of the
// reserves never decreases, the reserves stay positive and finite, and
// with a fee every trade strictly increases k unless it is dust.
func TestKNeverDecreases(t *testing.T) {
	for _, c := range []struct {
		name string
		fee  float64
		seed uint64
	}{
		{"no fee", 0, 1},
		{"0.3% fee", 0.003, 2},
		{"1% fee", 0.01, 3},
		{"30% fee", 0.3, 4},
	} {
		r := rand.New(rand.NewPCG(c.seed, 99))
		p := mustPool(t, 1000, 1000, c.fee)
		const trades = 20000
		for i := 0; i < trades; i++ {
			k := p.K()
			// Trade sizes from 1e-12 to 10x the reserve, log-uniform.
			frac := math.Pow(10, -12+13*r.Float64())
			var q amm.Pool
			var err error
			switch r.IntN(4) {
			case 0:
				q, _, err = p.SwapXForY(frac * p.X)
			case 1:
				q, _, err = p.SwapYForX(frac * p.Y)
			case 2:
				q, _, err = p.SwapYForExactX(math.Min(frac, 0.9) * p.X)
			case 3:
				q, _, err = p.SwapXForExactY(math.Min(frac, 0.9) * p.Y)
			}
			if err != nil {
				t.Fatalf("%s: trade %d on %+v: %v", c.name, i, p, err)
			}
			if q.K() < k {
				t.Fatalf("%s: trade %d lowered k from %v to %v", c.name, i, k, q.K())
			}
			if !(q.X > 0 && q.Y > 0) || math.IsInf(q.X, 0) || math.IsInf(q.Y, 0) {
				t.Fatalf("%s: trade %d left reserves %v, %v", c.name, i, q.X, q.Y)
			}
			p = q
			// Keep the pool within a range where float64 has room: pull
			// it back towards balance now and then.
			if p.X/p.Y > 1e6 || p.Y/p.X > 1e6 {
				p = mustPool(t, 1000, 1000, c.fee)
			}
		}
	}
}

func TestAddRemoveRoundTrip(t *testing.T) {
	for _, c := range []struct {
		name   string
		dx, dy float64
		takeX  float64 // expected amounts taken
		takeY  float64
	}{
		{"exact ratio", 10, 20, 10, 20},
		{"x binds", 10, 50, 10, 20},
		{"y binds", 40, 20, 10, 20},
		{"tiny", 1e-6, 2e-6, 1e-6, 2e-6},
		{"ten times the pool", 10000, 20000, 10000, 20000},
	} {
		p := mustPool(t, 1000, 2000, 0.003)
		q, d, err := p.AddLiquidity(c.dx, c.dy)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !near(d.X, c.takeX, 1e-12) || !near(d.Y, c.takeY, 1e-12) {
			t.Errorf("%s: took (%v, %v), want (%v, %v)", c.name, d.X, d.Y, c.takeX, c.takeY)
		}
		if d.X > c.dx || d.Y > c.dy {
			t.Errorf("%s: took more than offered: %+v", c.name, d)
		}
		if !near(d.Shares/q.Shares, d.X/q.X, 1e-12) || !near(q.SpotPrice(), p.SpotPrice(), 1e-12) {
			t.Errorf("%s: shares %v of %v for %v of %v, price %v -> %v", c.name, d.Shares, q.Shares, d.X, q.X, p.SpotPrice(), q.SpotPrice())
		}
		r, x, y, err := q.RemoveLiquidity(d.Shares)
		if err != nil {
			t.Fatalf("%s: remove: %v", c.name, err)
		}
		if !near(x, d.X, 1e-12) || !near(y, d.Y, 1e-12) {
			t.Errorf("%s: redeemed (%v, %v), deposited (%v, %v)", c.name, x, y, d.X, d.Y)
		}
		if !near(r.X, p.X, 1e-12) || !near(r.Y, p.Y, 1e-12) || !near(r.Shares, p.Shares, 1e-12) {
			t.Errorf("%s: pool after the round trip %+v, before %+v", c.name, r, p)
		}
	}
}

// TestLPEarnsFees: a provider who joins, lets traders swap back and forth
// and leaves gets back more of both tokens than it deposited when the
// traders end where they began, and in every case its share's geometric
// value sqrt(x·y) (which a price move alone does not change) grows.
func TestLPEarnsFees(t *testing.T) {
	for _, c := range []struct {
		name   string
		fee    float64
		trades int
		gain   bool // expect a strict gain
	}{
		{"no fee", 0, 200, false},
		{"0.3% fee", 0.003, 200, true},
		{"1% fee, few trades", 0.01, 10, true},
	} {
		r := rand.New(rand.NewPCG(7, uint64(c.trades)))
		p := mustPool(t, 1000, 1000, c.fee)
		p, d, err := p.AddLiquidity(100, 100)
		if err != nil {
			t.Fatal(err)
		}
		perShare := math.Sqrt(p.K()) / p.Shares
		for i := 0; i < c.trades; i++ {
			// A round trip: sell x, then sell back all the y received.
			var got float64
			if p, got, err = p.SwapXForY(1 + 50*r.Float64()); err != nil {
				t.Fatal(err)
			}
			if p, _, err = p.SwapYForX(got); err != nil {
				t.Fatal(err)
			}
			ps := math.Sqrt(p.K()) / p.Shares
			if ps < perShare {
				t.Fatalf("%s: trade %d: value per share fell from %v to %v", c.name, i, perShare, ps)
			}
			perShare = ps
		}
		x, y := p.Redeemable(d.Shares)
		_, rx, ry, err := p.RemoveLiquidity(d.Shares)
		if err != nil || rx != x || ry != y {
			t.Fatalf("%s: remove gives (%v, %v), redeemable (%v, %v): %v", c.name, rx, ry, x, y, err)
		}
		if geo := math.Sqrt(x * y); geo < math.Sqrt(d.X*d.Y)*(1-1e-12) || c.gain && geo <= math.Sqrt(d.X*d.Y) {
			t.Errorf("%s: geometric value %v, deposited %v", c.name, geo, math.Sqrt(d.X*d.Y))
		}
		// Each round trip returns the y reserve to where it was and leaves
		// the fees, in x, in the pool.
		if !near(y, d.Y, 1e-12) || c.gain && !(x > d.X) {
			t.Errorf("%s: redeemed (%v, %v), deposited (%v, %v)", c.name, x, y, d.X, d.Y)
		}
	}
}

func TestPriceImpact(t *testing.T) {
	for _, c := range []struct {
		name string
		fee  float64
		sell func(p amm.Pool, in float64) (float64, error)
		swap func(p amm.Pool, in float64) (amm.Pool, float64, error)
		spot func(p amm.Pool) float64
	}{
		{"x for y, no fee", 0, amm.Pool.PriceImpactXForY, amm.Pool.SwapXForY, amm.Pool.SpotPrice},
		{"x for y, 0.3%", 0.003, amm.Pool.PriceImpactXForY, amm.Pool.SwapXForY, amm.Pool.SpotPrice},
		{"y for x, 1%", 0.01, amm.Pool.PriceImpactYForX, amm.Pool.SwapYForX, func(p amm.Pool) float64 { return p.X / p.Y }},
	} {
		p := mustPool(t, 5000, 2000, c.fee)
		prev := -1.0
		for e := -9.0; e <= 4; e += 0.01 {
			in := math.Pow(10, e)
			imp, err := c.sell(p, in)
			if err != nil {
				t.Fatal(err)
			}
			if imp < prev {
				t.Fatalf("%s: impact %v of %v is below %v for a smaller trade", c.name, imp, in, prev)
			}
			prev = imp
			// It is the execution price's shortfall from the spot price.
			if _, out, err := c.swap(p, in); err == nil && e > -3 {
				if want := 1 - out/in/c.spot(p); math.Abs(imp-want) > 1e-8 {
					t.Errorf("%s: impact %v of %v, execution gives %v", c.name, imp, in, want)
				}
			}
		}
		if small, _ := c.sell(p, 1e-9); math.Abs(small-c.fee) > 1e-9 {
			t.Errorf("%s: impact of a tiny trade %v, want the fee %v", c.name, small, c.fee)
		}
		if prev >= 1 || prev < 0.5 {
			t.Errorf("%s: impact of a huge trade %v", c.name, prev)
		}
	}
}

func TestArbitrage(t *testing.T) {
	for _, c := range []struct {
		name   string
		fee    float64
		market float64
		trade  bool
	}{
		{"pool dear, no fee", 0, 1.5, true},
		{"pool cheap, no fee", 0, 2.5, true},
		{"pool dear, 0.3%", 0.003, 1.5, true},
		{"pool cheap, 0.3%", 0.003, 3, true},
		{"within the fee band", 0.01, 2.01, false},
		{"at the price", 0.003, 2, false},
	} {
		p := mustPool(t, 1000, 2000, c.fee)
		q, dx, dy, err := p.Arbitrage(c.market)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !c.trade {
			if dx != 0 || dy != 0 || q != p {
				t.Errorf("%s: traded (%v, %v) inside the fee band", c.name, dx, dy)
			}
			continue
		}
		// The trade is the optimal single trade: its marginal proceeds,
		// (1-fee)*k/(r + (1-fee)*in)^2 for the reserve r sold into, equal
		// the market price (in units of y when selling x, of x per y when
		// selling y), and a trade 1% smaller or larger earns less.
		g, k := 1-c.fee, p.K()
		sell, r, target := dx, p.X, c.market
		swap := amm.Pool.SwapXForY
		value := func(in, out float64) float64 { return out - in*c.market }
		if dy > 0 {
			sell, r, target = dy, p.Y, 1/c.market
			swap = amm.Pool.SwapYForX
			value = func(in, out float64) float64 { return out*c.market - in }
		}
		if m := g * k / ((r + g*sell) * (r + g*sell)); !near(m, target, 1e-9) {
			t.Errorf("%s: marginal proceeds %v, want %v", c.name, m, target)
		}
		profit := func(in float64) float64 {
			_, out, err := swap(p, in)
			if err != nil {
				t.Fatal(err)
			}
			return value(in, out)
		}
		if best := profit(sell); !(best > profit(0.99*sell) && best > profit(1.01*sell)) {
			t.Errorf("%s: trade %v is not optimal", c.name, sell)
		}
		// The arbitrageur profits at the market price.
		if profit := -dx*c.market - dy; profit <= 0 {
			t.Errorf("%s: profit %v (dx %v, dy %v)", c.name, profit, dx, dy)
		}
		if q.K() < p.K() || !near(q.X, p.X+dx, 1e-15) || !near(q.Y, p.Y+dy, 1e-15) {
			t.Errorf("%s: %+v -> %+v with (%v, %v)", c.name, p, q, dx, dy)
		}
	}
}
