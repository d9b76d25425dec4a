package growth_test

import (
	"testing"

	"github.com/statecraft/statecraft/internal/fmacheck"
)

// TestNoFusedMultiplyAdd checks the growth, valuation and supply block
// families for fused multiply-adds: every product that feeds a sum is
// rounded by an explicit float64(...), so the blocks give the same bits
// on every machine, as model-file expressions do.
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.Check(t, "blocks/growth", "blocks/valuation", "blocks/supply")
}
