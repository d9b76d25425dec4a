// Package amm is a constant-product automated market maker (the Uniswap v2
// curve x·y = k) as a Go library of pure functions on a Pool value, plus
// registered blocks that declarative model files use by name ("amm.price",
// "amm.swap", "amm.arbitrage").
//
// A Pool holds two reserves, X and Y, the supply of liquidity-provider
// shares and the fee. Every operation returns a new Pool and leaves its
// receiver unchanged, so a policy can simulate a sequence of trades on a
// local copy and emit the result. The fee is a fraction of each trade's
// input that stays in the pool: it is not swapped, so k = X·Y grows with
// every trade and liquidity providers earn it in proportion to their shares.
//
// Products are rounded before they are added (explicit float64
// conversions), so no fused multiply-add changes the last bit on machines
// that have one: results are the same on amd64 and arm64.
//
// Rounding always favours the pool: after a swap, computed in float64, the
// product X·Y of the new reserves is never below the old one (the output is
// trimmed by an ulp or two where rounding would lower k), which the property
// tests check over long random sequences of trades.
//
// # Registered blocks
//
// Model files express a pool as two float variables (the reserves) and
// three float signals; a trading policy emits the reserve changes and the
// model's updates add them (reserve_x = "reserve_x + dx").
//
//   - amm.price (update, float): y/x, 0 while x <= 0. Args x, y.
//   - amm.swap (policy): one trade (Swap). Args x, y, fee (default 0.003),
//     amount (> 0 sells x, < 0 sells −amount of y, 0 does nothing); outputs
//     dx, dy (the reserve changes; the whole input, fee included, goes into
//     the pool) and fee_paid (the fee valued in y at the pre-trade price).
//   - amm.arbitrage (policy): the optimal trade towards an external price
//     (Arbitrage). Args x, y, fee (default 0.003), price (of x in y);
//     outputs dx, dy, fee_paid.
//
// For example:
//
//	[[psubs.policies]]
//	name = "trader"
//	use = "amm.swap"
//	args = { x = "reserve_x", y = "reserve_y", fee = "fee", amount = "10.0", dx = "dx", dy = "dy", fee_paid = "fee_paid" }
//
//	[psubs.updates]
//	price = { use = "amm.price", args = { x = "reserve_x", y = "reserve_y" } }
//
// A trade against a pool without liquidity, or with an amount that is not
// finite, fails the job with the error (ErrEmpty, ErrAmount).
package amm

import (
	"errors"
	"fmt"
	"math"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

// Errors returned by pool operations; they are wrapped with the values at
// fault, so test them with errors.Is.
var (
	// ErrAmount: an amount is zero, negative, NaN or infinite.
	ErrAmount = errors.New("amm: amount must be positive and finite")
	// ErrEmpty: the pool has no reserves to trade against.
	ErrEmpty = errors.New("amm: the pool has no liquidity")
	// ErrDrain: the operation would take a whole reserve (or more) out of
	// the pool.
	ErrDrain = errors.New("amm: the operation would drain the pool")
	// ErrFee: the fee is not in [0, 1).
	ErrFee = errors.New("amm: fee must be in [0, 1)")
	// ErrShares: a share amount is out of range, or the pool's share
	// supply does not fit its reserves.
	ErrShares = errors.New("amm: invalid liquidity shares")
)

// Pool is a constant-product pool: reserves X and Y, the supply of LP
// shares, and the fee, the fraction of each trade's input kept by the pool
// (0.003 for 0.3%). The zero Pool (with a fee) is an empty pool that
// AddLiquidity can open.
type Pool struct {
	X, Y   float64 // reserves
	Shares float64 // liquidity-provider shares outstanding
	Fee    float64 // fraction of a trade's input kept by the pool, in [0, 1)
}

// Deposit is what AddLiquidity took from a provider and the shares it
// minted.
type Deposit struct {
	X, Y   float64 // amounts taken into the pool
	Shares float64 // LP shares minted
}

// NewPool opens a pool with reserves x and y and the given fee; the first
// provider receives sqrt(x·y) shares (pool.Shares).
func NewPool(x, y, fee float64) (Pool, error) {
	p, _, err := Pool{Fee: fee}.AddLiquidity(x, y)
	return p, err
}

// K returns the invariant X·Y.
func (p Pool) K() float64 { return p.X * p.Y }

// SpotPrice returns the marginal price of X in units of Y, Y/X, without the
// fee; 0 for an empty pool.
func (p Pool) SpotPrice() float64 { return SpotPrice(p.X, p.Y) }

// SpotPrice returns y/x, the price of the x token in units of y, for
// reserves x and y; 0 when x is not positive.
func SpotPrice(x, y float64) float64 {
	if !(x > 0) {
		return 0
	}
	return y / x
}

// Empty reports whether the pool has no liquidity (no reserves and no
// shares).
func (p Pool) Empty() bool { return p.X == 0 && p.Y == 0 && p.Shares == 0 }

// Check returns nil if the pool can trade: a valid fee, finite positive
// reserves and a non-negative finite share supply.
func (p Pool) Check() error {
	if !(p.Fee >= 0 && p.Fee < 1) {
		return fmt.Errorf("%w: got %v", ErrFee, p.Fee)
	}
	if p.Empty() {
		return ErrEmpty
	}
	if !(p.X > 0 && p.Y > 0) || math.IsInf(p.X, 0) || math.IsInf(p.Y, 0) || math.IsInf(p.K(), 0) {
		return fmt.Errorf("%w: reserves must be positive and finite, got X = %v, Y = %v", ErrEmpty, p.X, p.Y)
	}
	if !(p.Shares >= 0) || math.IsInf(p.Shares, 0) {
		return fmt.Errorf("%w: share supply %v", ErrShares, p.Shares)
	}
	return nil
}

func checkAmount(what string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return fmt.Errorf("%w: %s = %v", ErrAmount, what, v)
	}
	return nil
}

// SwapXForY sells dx of X into the pool and returns the pool after the
// trade and the amount of Y paid out. The fee part of dx stays in the
// pool: out = Y·dx·(1−fee)/(X + dx·(1−fee)), the pool keeps all of dx.
func (p Pool) SwapXForY(dx float64) (Pool, float64, error) {
	if err := p.Check(); err != nil {
		return p, 0, err
	}
	if err := checkAmount("dx", dx); err != nil {
		return p, 0, err
	}
	nx, ny, out, err := swapIn(p.X, p.Y, p.Fee, dx)
	if err != nil {
		return p, 0, err
	}
	q := p
	q.X, q.Y = nx, ny
	return q, out, nil
}

// SwapYForX sells dy of Y into the pool and returns the pool after the
// trade and the amount of X paid out.
func (p Pool) SwapYForX(dy float64) (Pool, float64, error) {
	if err := p.Check(); err != nil {
		return p, 0, err
	}
	if err := checkAmount("dy", dy); err != nil {
		return p, 0, err
	}
	ny, nx, out, err := swapIn(p.Y, p.X, p.Fee, dy)
	if err != nil {
		return p, 0, err
	}
	q := p
	q.X, q.Y = nx, ny
	return q, out, nil
}

// SwapYForExactX buys exactly dxOut of X with Y and returns the pool after
// the trade and the amount of Y paid in (fee included). dxOut must be below
// the X reserve.
func (p Pool) SwapYForExactX(dxOut float64) (Pool, float64, error) {
	if err := p.Check(); err != nil {
		return p, 0, err
	}
	if err := checkAmount("dx out", dxOut); err != nil {
		return p, 0, err
	}
	ny, nx, in, err := swapOut(p.Y, p.X, p.Fee, dxOut)
	if err != nil {
		return p, 0, err
	}
	q := p
	q.X, q.Y = nx, ny
	return q, in, nil
}

// SwapXForExactY buys exactly dyOut of Y with X and returns the pool after
// the trade and the amount of X paid in (fee included).
func (p Pool) SwapXForExactY(dyOut float64) (Pool, float64, error) {
	if err := p.Check(); err != nil {
		return p, 0, err
	}
	if err := checkAmount("dy out", dyOut); err != nil {
		return p, 0, err
	}
	nx, ny, in, err := swapOut(p.X, p.Y, p.Fee, dyOut)
	if err != nil {
		return p, 0, err
	}
	q := p
	q.X, q.Y = nx, ny
	return q, in, nil
}

// maxNudge bounds the ulp corrections that keep k from decreasing; a few
// suffice, since each raises the rounded product by at least one ulp.
const maxNudge = 64

// swapIn sells in into the reserve rin against rout and returns the new
// reserves and the output, so that fl(nin·nout) >= fl(rin·rout).
func swapIn(rin, rout, fee, in float64) (nin, nout, out float64, err error) {
	g := float64(in * (1 - fee)) // rounded: no fused multiply-add below
	nin = rin + in
	if math.IsInf(nin, 0) || math.IsInf(nin*rout, 0) {
		return 0, 0, 0, fmt.Errorf("%w: input %v overflows the pool", ErrAmount, in)
	}
	nout = rout * (rin / (rin + g))
	k := rin * rout
	for i := 0; nin*nout < k && i < maxNudge; i++ {
		nout = math.Nextafter(nout, math.Inf(1))
	}
	if nin*nout < k {
		return 0, 0, 0, fmt.Errorf("%w: cannot keep k while selling %v into reserve %v", ErrAmount, in, rin)
	}
	if nout > rout { // dust: the trade is too small to pay anything
		nout = rout
	}
	if !(nout > 0) {
		return 0, 0, 0, fmt.Errorf("%w: selling %v into reserve %v would take the whole reserve %v", ErrDrain, in, rin, rout)
	}
	return nin, nout, rout - nout, nil
}

// swapOut buys out from the reserve rout, paid from the reserve rin side,
// and returns the new reserves and the input, so that k does not decrease.
func swapOut(rin, rout, fee, out float64) (nin, nout, in float64, err error) {
	if !(out < rout) {
		return 0, 0, 0, fmt.Errorf("%w: buying %v from reserve %v", ErrDrain, out, rout)
	}
	nout = rout - out
	in = rin * out / nout / (1 - fee)
	nin = rin + in
	if math.IsInf(nin, 0) || math.IsInf(nin*nout, 0) {
		return 0, 0, 0, fmt.Errorf("%w: buying %v from reserve %v", ErrDrain, out, rout)
	}
	k := rin * rout
	for i := 0; nin*nout < k && i < maxNudge; i++ {
		nin = math.Nextafter(nin, math.Inf(1))
	}
	if nin*nout < k {
		return 0, 0, 0, fmt.Errorf("%w: cannot keep k while buying %v", ErrAmount, out)
	}
	return nin, nout, nin - rin, nil
}

// AddLiquidity deposits up to dx of X and dy of Y and mints LP shares. The
// first deposit into an empty pool takes both amounts, sets the price to
// dy/dx and mints sqrt(dx·dy) shares. Later deposits are proportional: the
// pool takes the largest amounts at its current ratio that fit within dx
// and dy (one of them whole; the rest of the other is not taken) and mints
// shares in proportion, so no provider dilutes another.
func (p Pool) AddLiquidity(dx, dy float64) (Pool, Deposit, error) {
	if !(p.Fee >= 0 && p.Fee < 1) {
		return p, Deposit{}, fmt.Errorf("%w: got %v", ErrFee, p.Fee)
	}
	if err := checkAmount("dx", dx); err != nil {
		return p, Deposit{}, err
	}
	if err := checkAmount("dy", dy); err != nil {
		return p, Deposit{}, err
	}
	if p.Empty() {
		s := math.Sqrt(dx) * math.Sqrt(dy)
		return Pool{X: dx, Y: dy, Shares: s, Fee: p.Fee}, Deposit{X: dx, Y: dy, Shares: s}, nil
	}
	if err := p.Check(); err != nil {
		return p, Deposit{}, err
	}
	if !(p.Shares > 0) {
		return p, Deposit{}, fmt.Errorf("%w: the pool has reserves but no shares to price a deposit against", ErrShares)
	}
	var d Deposit
	if dx*p.Y <= dy*p.X { // X binds
		d.X, d.Y = dx, min(dx*(p.Y/p.X), dy)
	} else {
		d.X, d.Y = min(dy*(p.X/p.Y), dx), dy
	}
	if !(d.X > 0 && d.Y > 0) {
		return p, Deposit{}, fmt.Errorf("%w: deposit (%v, %v) is too small for reserves (%v, %v)", ErrAmount, dx, dy, p.X, p.Y)
	}
	d.Shares = float64(p.Shares * min(d.X/p.X, d.Y/p.Y))
	q := p
	q.X += d.X
	q.Y += d.Y
	q.Shares += d.Shares
	return q, d, nil
}

// RemoveLiquidity burns shares and pays out their fair part of both
// reserves, shares/Shares of each. The last shares cannot be burned: the
// pool never empties (ErrDrain).
func (p Pool) RemoveLiquidity(shares float64) (Pool, float64, float64, error) {
	if err := p.Check(); err != nil {
		return p, 0, 0, err
	}
	if err := checkAmount("shares", shares); err != nil {
		return p, 0, 0, err
	}
	if shares > p.Shares {
		return p, 0, 0, fmt.Errorf("%w: burning %v of %v shares", ErrShares, shares, p.Shares)
	}
	if shares == p.Shares {
		return p, 0, 0, fmt.Errorf("%w: burning all %v shares would empty the pool", ErrDrain, shares)
	}
	x, y := p.Redeemable(shares)
	q := p
	q.X -= x
	q.Y -= y
	q.Shares -= shares
	if !(q.X > 0 && q.Y > 0) {
		return p, 0, 0, fmt.Errorf("%w: burning %v of %v shares", ErrDrain, shares, p.Shares)
	}
	return q, x, y, nil
}

// Redeemable returns what shares are worth: their fair part of each
// reserve, X·shares/Shares and Y·shares/Shares (0, 0 without shares).
func (p Pool) Redeemable(shares float64) (x, y float64) {
	if !(p.Shares > 0) {
		return 0, 0
	}
	f := shares / p.Shares
	return float64(p.X * f), float64(p.Y * f)
}

// PriceImpactXForY returns the relative shortfall of the execution price
// of selling dx of X against the spot price before the trade, fee
// included: 1 − (out/dx)/(Y/X) = 1 − (1−fee)·X/(X + (1−fee)·dx). It is the
// fee for an infinitesimal trade and grows towards 1 with dx.
func (p Pool) PriceImpactXForY(dx float64) (float64, error) {
	if err := p.Check(); err != nil {
		return 0, err
	}
	if err := checkAmount("dx", dx); err != nil {
		return 0, err
	}
	return impact(p.X, p.Fee, dx), nil
}

// PriceImpactYForX is PriceImpactXForY for selling dy of Y: the shortfall
// of the execution price (in X per Y) against X/Y.
func (p Pool) PriceImpactYForX(dy float64) (float64, error) {
	if err := p.Check(); err != nil {
		return 0, err
	}
	if err := checkAmount("dy", dy); err != nil {
		return 0, err
	}
	return impact(p.Y, p.Fee, dy), nil
}

// impact is 1 − g·r/(r + g·in) with g = 1 − fee; each operation is monotone
// in `in`, so the rounded result never decreases as the trade grows.
func impact(r, fee, in float64) float64 {
	g := 1 - fee
	return 1 - g*r/(r+float64(g*in))
}

// Arbitrage trades the pool towards an external price (of X in units of
// Y) as a profit-maximising arbitrageur would: it sells X while the
// marginal proceeds (1−fee)·k/(X+(1−fee)·dx)² exceed price, or Y while
// X bought is worth more than Y paid, and does nothing while price lies
// within the fee band [(1−fee)·Y/X, Y/X/(1−fee)]. It returns the pool after
// the trade and the changes of the reserves dx and dy (one positive, one
// negative, or both 0).
func (p Pool) Arbitrage(price float64) (q Pool, dx, dy float64, err error) {
	if err := p.Check(); err != nil {
		return p, 0, 0, err
	}
	if err := checkAmount("price", price); err != nil {
		return p, 0, 0, err
	}
	g := 1 - p.Fee
	k := p.K()
	switch spot := p.Y / p.X; {
	case g*spot > price: // X is dear in the pool: sell X into it
		in := (math.Sqrt(g*k/price) - p.X) / g
		if !(in > 0) {
			return p, 0, 0, nil
		}
		q, out, err := p.SwapXForY(in)
		if err != nil {
			return p, 0, 0, err
		}
		return q, in, -out, nil
	case g*price > spot: // X is cheap in the pool: sell Y for it
		in := (math.Sqrt(g*k*price) - p.Y) / g
		if !(in > 0) {
			return p, 0, 0, nil
		}
		q, out, err := p.SwapYForX(in)
		if err != nil {
			return p, 0, 0, err
		}
		return q, -out, in, nil
	}
	return p, 0, 0, nil
}

// Price returns the update that sets price to the pool's spot price y/x
// (0 while x is not positive).
func Price(price gds.Float, x, y blocks.Input) gds.Block {
	return price.Update(func(c *gds.Ctx) float64 { return SpotPrice(x(c), y(c)) })
}

// Flows are the signals a trading policy emits: the changes of the two
// reserves and the fee paid, valued in Y. The model's updates add dx and
// dy to the reserves (reserve_x = reserve_x + dx).
type Flows struct {
	DX, DY  gds.FloatSignal // changes of the reserves X and Y
	FeePaid gds.FloatSignal // the fee of the trade, in units of Y
}

func (f Flows) emit(c *gds.Ctx, dx, dy, fee float64) {
	f.DX.Emit(c, dx)
	f.DY.Emit(c, dy)
	f.FeePaid.Emit(c, fee)
}

// feeValue is the fee of selling in (of X if sellX, else of Y) valued in Y
// at the spot price before the trade.
func feeValue(p Pool, in float64, sellX bool) float64 {
	if sellX {
		return float64(in*p.Fee) * (p.Y / p.X)
	}
	return float64(in * p.Fee)
}

// Swap returns a policy that trades amount against the pool with reserves
// x and y and the given fee: amount > 0 sells amount of X for Y, amount < 0
// sells −amount of Y for X, and 0 emits zero flows. It emits the reserve
// changes (the whole input, fee included, goes into the pool) and the fee
// valued in Y. A pool without liquidity or an amount that is not finite
// fails the job with the error.
func Swap(name string, x, y, fee, amount blocks.Input, out Flows) gds.Block {
	return gds.Policy(name, func(c *gds.Ctx) {
		p := Pool{X: x(c), Y: y(c), Fee: fee(c)}
		a := amount(c)
		switch {
		case a > 0:
			_, got, err := p.SwapXForY(a)
			if err != nil {
				panic(err)
			}
			out.emit(c, a, -got, feeValue(p, a, true))
		case a < 0:
			_, got, err := p.SwapYForX(-a)
			if err != nil {
				panic(err)
			}
			out.emit(c, -got, -a, feeValue(p, -a, false))
		case a == 0:
			out.emit(c, 0, 0, 0)
		default:
			panic(fmt.Errorf("%w: amount = %v", ErrAmount, a))
		}
	}).Emits(out.DX, out.DY, out.FeePaid)
}

// Arbitrage returns a policy that trades the pool with reserves x and y
// towards the external price of X in units of Y, as Pool.Arbitrage does,
// and emits the reserve changes and the fee valued in Y.
func Arbitrage(name string, x, y, fee, price blocks.Input, out Flows) gds.Block {
	return gds.Policy(name, func(c *gds.Ctx) {
		p := Pool{X: x(c), Y: y(c), Fee: fee(c)}
		_, dx, dy, err := p.Arbitrage(price(c))
		if err != nil {
			panic(err)
		}
		var fv float64
		switch {
		case dx > 0:
			fv = feeValue(p, dx, true)
		case dy > 0:
			fv = feeValue(p, dy, false)
		}
		out.emit(c, dx, dy, fv)
	}).Emits(out.DX, out.DY, out.FeePaid)
}
