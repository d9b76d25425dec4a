package expr

//go:generate go run gen_leaf.go

import (
	"go/token"

	"github.com/statecraft/statecraft/gds"
)

// fuse3 returns the closure of (a op1 b) op2 d as one function instead of
// two, which saves an indirect call in chains such as x*y*z or x*y - z.
// The operands are evaluated in the same order, and each result is
// rounded with float64(...), as in floatArith.
func fuse3(op1, op2 token.Token, a, b, d func(*gds.Ctx) float64) func(*gds.Ctx) float64 {
	switch op1 {
	case token.ADD:
		switch op2 {
		case token.ADD:
			return func(c *gds.Ctx) float64 { return float64(float64(a(c)+b(c)) + d(c)) }
		case token.SUB:
			return func(c *gds.Ctx) float64 { return float64(float64(a(c)+b(c)) - d(c)) }
		case token.MUL:
			return func(c *gds.Ctx) float64 { return float64(float64(a(c)+b(c)) * d(c)) }
		default:
			return func(c *gds.Ctx) float64 { return float64(float64(a(c)+b(c)) / d(c)) }
		}
	case token.SUB:
		switch op2 {
		case token.ADD:
			return func(c *gds.Ctx) float64 { return float64(float64(a(c)-b(c)) + d(c)) }
		case token.SUB:
			return func(c *gds.Ctx) float64 { return float64(float64(a(c)-b(c)) - d(c)) }
		case token.MUL:
			return func(c *gds.Ctx) float64 { return float64(float64(a(c)-b(c)) * d(c)) }
		default:
			return func(c *gds.Ctx) float64 { return float64(float64(a(c)-b(c)) / d(c)) }
		}
	case token.MUL:
		switch op2 {
		case token.ADD:
			return func(c *gds.Ctx) float64 { return float64(float64(a(c)*b(c)) + d(c)) }
		case token.SUB:
			return func(c *gds.Ctx) float64 { return float64(float64(a(c)*b(c)) - d(c)) }
		case token.MUL:
			return func(c *gds.Ctx) float64 { return float64(float64(a(c)*b(c)) * d(c)) }
		default:
			return func(c *gds.Ctx) float64 { return float64(float64(a(c)*b(c)) / d(c)) }
		}
	}
	switch op2 {
	case token.ADD:
		return func(c *gds.Ctx) float64 { return float64(float64(a(c)/b(c)) + d(c)) }
	case token.SUB:
		return func(c *gds.Ctx) float64 { return float64(float64(a(c)/b(c)) - d(c)) }
	case token.MUL:
		return func(c *gds.Ctx) float64 { return float64(float64(a(c)/b(c)) * d(c)) }
	default:
		return func(c *gds.Ctx) float64 { return float64(float64(a(c)/b(c)) / d(c)) }
	}
}
