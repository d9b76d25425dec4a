package ledger_test

import (
	"fmt"

	"github.com/statecraft/statecraft/blocks/ledger"
)

// A router pays out all it holds, 95% to a DAO and the rest to a burner:
// the parts add up to the balance, and the balance is left at 0.
func Example() {
	balance := 86.60705897737745
	paid, left, _ := ledger.Pay(balance, balance, false)
	parts, _ := ledger.Split(paid, []float64{0.95, 0.05}, nil)
	fmt.Printf("%.6f %.6f %v %v\n", parts[0], parts[1], parts[0]+parts[1] == balance, left)
	_, _, err := ledger.Pay(2, 4, false)
	fmt.Println(err)
	// Output:
	// 82.276706 4.330353 true 0
	// holds 2 and cannot pay 4
}

// A loop that pays many amounts takes Within's plain case inline and
// calls Pay only for the others (rounding up to the balance, overdrafts,
// bad amounts).
func ExampleWithin() {
	balances := []float64{10, 3, 5}
	amounts := []float64{4, 3 - 1e-15, 6}
	for i, a := range amounts {
		if left, ok := ledger.Within(balances[i], a); ok {
			balances[i] = left
			continue
		}
		paid, left, err := ledger.Pay(balances[i], a, false)
		if err != nil {
			fmt.Printf("wallet %d: %v\n", i, err)
			continue
		}
		fmt.Printf("wallet %d pays %v, its whole balance\n", i, paid)
		balances[i] = left
	}
	fmt.Println(balances)
	// Output:
	// wallet 1 pays 3, its whole balance
	// wallet 2: holds 5 and cannot pay 6
	// [6 0 5]
}
