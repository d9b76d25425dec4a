package all_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
	_ "github.com/statecraft/statecraft/blocks/all"
)

// TestEveryFamily: every directory under blocks/ is a family that all
// imports and that registers at least one block.
func TestEveryFamily(t *testing.T) {
	entries, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	var families []string
	for _, n := range blocks.Names() {
		fam, _, _ := strings.Cut(n, ".")
		families = append(families, fam)
	}
	for _, e := range entries {
		if e.IsDir() && e.Name() != "all" && !slices.Contains(families, e.Name()) {
			t.Errorf("blocks/%s registers no block: is it imported by blocks/all?", e.Name())
		}
	}
}

// Importing the package for its side effects registers every family's
// blocks into blocks.Default.
func Example() {
	seen := map[string]bool{}
	for _, name := range blocks.Names() {
		fam, _, _ := strings.Cut(name, ".")
		if !seen[fam] {
			seen[fam] = true
			fmt.Println(fam)
		}
	}
	// Output:
	// agent
	// amm
	// breaker
	// curve
	// demurrage
	// growth
	// ledger
	// metric
	// network
	// process
	// supply
	// valuation
}
