// Package ledger is the arithmetic of wallets: paying an amount out of a
// balance and splitting an amount among payees, so that no token is
// created or lost. Model files' transfers ([[psubs.transfers]], see
// docs/models.md) are built on it; Go models use it for the same
// guarantees, and model files call the split by name (ledger.split).
package ledger

import (
	"errors"
	"fmt"
	"math"
)

// RoundOff is the relative distance from a balance within which an
// amount pays the whole balance: paying out "all it holds", computed in
// another order, leaves no dust and is no overdraft.
const RoundOff = 1e-12

// ErrOverdraft is what an *OverdraftError is (errors.Is).
var ErrOverdraft = errors.New("overdraft")

// OverdraftError is Pay's error when the amount exceeds the balance.
type OverdraftError struct {
	Balance, Amount float64
}

func (e *OverdraftError) Error() string {
	return fmt.Sprintf("holds %v and cannot pay %v", e.Balance, e.Amount)
}

// Is reports whether target is ErrOverdraft.
func (e *OverdraftError) Is(target error) bool { return target == ErrOverdraft }

// Pay takes amount out of balance and returns what was paid and what is
// left. An amount within RoundOff of the balance pays all of it. An
// amount above the balance is an *OverdraftError, unless clamp, when the
// whole balance is paid. A negative, NaN or infinite
// amount is an error.
func Pay(balance, amount float64, clamp bool) (paid, left float64, err error) {
	if left, ok := Within(balance, amount); ok {
		return amount, left, nil
	}
	return pay(balance, amount, clamp)
}

// Within reports whether paying amount out of balance is the plain case
// of Pay, which pays amount and leaves balance − amount: amount is >= 0
// (so not NaN), and balance − amount exceeds the round-off (so amount is
// finite, below the balance, and not rounded up to it); or both are +0
// (nothing paid from an empty wallet). It inlines, for loops that pay
// many amounts and call Pay only when it is false.
func Within(balance, amount float64) (left float64, ok bool) {
	left = balance - amount
	return left, amount >= 0 && left > RoundOff*balance || math.Float64bits(balance)|math.Float64bits(amount) == 0
}

// pay is Pay's every case.
func pay(balance, amount float64, clamp bool) (paid, left float64, err error) {
	if math.IsNaN(amount) || math.IsInf(amount, 0) || amount < 0 {
		return 0, balance, fmt.Errorf("amount %v: want a finite number >= 0", amount)
	}
	if math.Abs(amount-balance) <= RoundOff*balance {
		amount = balance
	}
	if amount > balance {
		if !clamp {
			return 0, balance, &OverdraftError{Balance: balance, Amount: amount}
		}
		amount = balance
	}
	return amount, balance - amount, nil
}

// Split divides amount among payees in proportion to shares (finite and
// >= 0, normalised by their sum) into dst, which it returns: part k is
// amount·shares[k]/Σ shares, except the last, which takes what the others
// left, so the parts add up to amount exactly. Shares that sum to 0 are
// an error unless amount is 0 (every part 0).
func Split(amount float64, shares, dst []float64) ([]float64, error) {
	dst = dst[:0]
	total := 0.0
	for k, s := range shares {
		if math.IsNaN(s) || math.IsInf(s, 0) || s < 0 {
			return dst, fmt.Errorf("share %d is %v: want a finite number >= 0", k, s)
		}
		total += s
	}
	if len(shares) == 0 {
		return dst, errors.New("no payee to split among")
	}
	if !(total > 0) {
		if amount == 0 {
			for range shares {
				dst = append(dst, 0)
			}
			return dst, nil
		}
		return dst, fmt.Errorf("the shares sum to 0; nobody to pay %v to", amount)
	}
	left := amount
	for k, s := range shares {
		part := left
		if k < len(shares)-1 {
			part = min(amount*(s/total), left)
		}
		left -= part
		dst = append(dst, part)
	}
	return dst, nil
}
