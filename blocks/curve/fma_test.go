package curve_test

import (
	"testing"

	"github.com/statecraft/statecraft/internal/fmacheck"
)

// TestNoFusedMultiplyAdd checks the curve, process and metric block
// families for fused multiply-adds: every product that feeds a sum is
// rounded by an explicit float64(...), so blocks give the same bits on
// every machine, as gds/expr's expressions do.
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.Check(t, "blocks/curve", "blocks/process", "blocks/metric")
}
