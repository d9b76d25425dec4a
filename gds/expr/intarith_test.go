package expr_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/expr"
)

// newIntModel is a model whose updates are int arithmetic only: the cost
// of the expression compiler's int operations.
func newIntModel(tb testing.TB, updates map[string]string, init map[string]int64) *gds.Model {
	tb.Helper()
	m, err := buildIntModel(tb, updates, init)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// buildIntModel is newIntModel returning Build's error.
func buildIntModel(tb testing.TB, updates map[string]string, init map[string]int64) (*gds.Model, error) {
	tb.Helper()
	b := gds.NewBuilder("ints")
	env := expr.NewEnv(b)
	names := []string{"a", "b", "c"}
	hs := map[string]gds.Int{}
	for _, n := range names {
		h := b.Int(n, init[n])
		hs[n] = h
		env.Int(n, h.Get)
	}
	var blocks []gds.Block
	for _, n := range names {
		src, ok := updates[n]
		if !ok {
			continue
		}
		x, err := expr.Compile(src, env)
		if err != nil {
			tb.Fatal(err)
		}
		blocks = append(blocks, hs[n].Update(x.Int))
	}
	b.PSUB("p", blocks...)
	return b.Build()
}

// BenchmarkIntArith is the cost per substep of three int updates using
// +, -, * and unary minus, with variables and constants.
func BenchmarkIntArith(b *testing.B) {
	m := newIntModel(b, map[string]string{
		"a": "(a + b*3 - c) % 1000003",
		"b": "(b*c + a - 7) % 65521",
		"c": "-(c - a*b) % 4099 + 1",
	}, map[string]int64{"a": 1, "b": 2, "c": 3})
	benchSubsteps(b, m)
}

// TestIntOverflow: int arithmetic that leaves int64 fails the job,
// naming the operation and its operands, instead of wrapping; a constant
// that overflows is a compile error.
func TestIntOverflow(t *testing.T) {
	for _, c := range []struct {
		src  string
		init int64
		want string
	}{
		{"a * 2", 1, "integer overflow: 4611686018427387904 * 2 is beyond the int range"},
		{"a + a", 1 << 59, "integer overflow: 4611686018427387904 + 4611686018427387904 is beyond the int range"},
		{"a + 9223372036854775000", 1, "integer overflow"},
		{"-a - a", 1 << 59, "integer overflow"},
		{"a * a", 1 << 20, "integer overflow: 1099511627776 * 1099511627776"},
		{"-(a - a - 9223372036854775807 - 1)", 1, "integer overflow: -(-9223372036854775808)"},
		{"a * -1 - 9223372036854775807", 2, "integer overflow"},
		{"abs(a - 9223372036854775807 - 2)", 1, "integer overflow: abs(-9223372036854775808)"},
	} {
		// Build traces a few timesteps on the defaults, which may overflow
		// already; otherwise the run does.
		m, err := buildIntModel(t, map[string]string{"a": c.src}, map[string]int64{"a": c.init})
		if err == nil {
			err = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 200}, nopRec{})
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s from %d: err = %v, want %q", c.src, c.init, err, c.want)
		}
	}
	// The job's error names the update, the timestep and the operation.
	m := newIntModel(t, map[string]string{"a": "a * 2"}, map[string]int64{"a": 1})
	err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 100}, nopRec{})
	var be *gds.BlockError
	if !errors.As(err, &be) || be.Timestep != 63 || !strings.Contains(err.Error(), `update "a"`) {
		t.Errorf("a * 2 from 1: err = %v, want a BlockError at timestep 63 naming update \"a\"", err)
	}
	for _, src := range []string{"9223372036854775807 + 1", "-9223372036854775807 - 2", "4611686018427387904 * 2", "3037000500 * 3037000500"} {
		if _, err := expr.Compile(src, nil); err == nil || !strings.Contains(err.Error(), "integer overflow") {
			t.Errorf("Compile(%s) = %v, want an integer overflow", src, err)
		}
	}
	// Right at the edges nothing overflows.
	for src, want := range map[string]int64{
		"9223372036854775806 + 1":   math.MaxInt64,
		"-9223372036854775807 - 1":  math.MinInt64,
		"-4611686018427387904 * 2":  math.MinInt64,
		"3037000499 * 3037000499":   3037000499 * 3037000499,
		"-3037000499 * 3037000499":  -3037000499 * 3037000499,
		"-(-9223372036854775807)":   math.MaxInt64,
		"-1 * -9223372036854775807": math.MaxInt64,
	} {
		x, err := expr.Compile(src, nil)
		if err != nil {
			t.Errorf("Compile(%s): %v", src, err)
			continue
		}
		if got := x.Int(nil); got != want {
			t.Errorf("%s = %d, want %d", src, got, want)
		}
	}
}
