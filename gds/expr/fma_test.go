package expr_test

import (
	"testing"

	"github.com/statecraft/statecraft/internal/fmacheck"
)

// TestNoFusedMultiplyAdd checks that the engine and the compiled
// expressions contain no fused multiply-add: every float result is
// rounded by an explicit float64(...), so results are the same bits on
// every machine.
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.Check(t, "gds", "gds/expr")
}
