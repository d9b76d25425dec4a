package models_test

import (
	"testing"

	"github.com/statecraft/statecraft/internal/fmacheck"
)

// TestNoFusedMultiplyAdd checks the reference models and the block
// families not checked by blocks/curve's test for fused multiply-adds, so
// that a model gives the same bits on arm64 and amd64 (shards of one
// experiment may run on both).
func TestNoFusedMultiplyAdd(t *testing.T) {
	fmacheck.Check(t, "models/predatorprey", "models/robotmarbles", "models/conformance", "models/bench",
		"models/internal/cpmm", "models/datadao", "models/prsm",
		"blocks/amm", "blocks/supply", "blocks/demurrage", "blocks/agent", "blocks/breaker")
}
