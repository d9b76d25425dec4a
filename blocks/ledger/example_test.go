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
