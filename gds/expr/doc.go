// Package expr compiles the expressions of declarative model files into
// typed closures that read a model's typed slots through gds handles, with
// no map lookup, reflection, interface boxing or allocation per
// evaluation.
//
// An Env declares the names an expression may read, each bound to an
// accessor (usually a handle's Get method); Compile parses an expression
// with Go's syntax (go/parser), type-checks it and returns an Expr whose
// evaluation function has the expression's type:
//
//	env := expr.NewEnv(b)
//	env.Float("prey", prey.Get)
//	env.Float("alpha", alpha.Get)
//	x, err := expr.Compile("alpha*prey*dt + noise*normal(0, 1)", env)
//	...
//	growth.Emit(c, x.Float(c))
//
// # Types
//
// An expression's type, Expr.Kind, is one of the value kinds of package
// gds (gds.ValueKinds): float (gds.KindFloat, float64), int (gds.KindInt,
// int64), bool (gds.KindBool), string (gds.KindString) and vector
// (gds.KindVec, []float64). Where a float is wanted an int is converted
// (exact up to 2^53).
//
// # Literals and names
//
// 1, 0x1f, 1_000 (int); 1.0, .5, 1e-3 (float); true, false; "text" and
// `raw text` (string). Integer literals with leading zeros (017) are
// errors. Names are those of the Env, then the built-ins t, substep,
// simulation, subset and run (ints from gds.Ctx: t is the timestep being
// computed) and the float constants pi, e, inf and nan. A name of the Env
// hides a built-in of the same name (but not true and false). Function
// names are apart: sum(v) calls the function even if the Env declares a
// name sum.
//
// # Operators
//
// In order of precedence, from the lowest: ||; &&; == != < <= > >=;
// + -; * / %; and the unary - + !. Operators of equal precedence group
// from the left, and operands are evaluated left to right as written.
//
//   - + - * on two ints give an int (wrapping around on overflow, as in
//     Go); with a float operand they give a float. / always gives a float
//     (Python 3's true division; 1/0 is +Inf and 0/0 NaN, as IEEE says).
//   - % is Python's modulo: the result has the sign of the divisor
//     (-7 % 3 is 2, 7 % -3 is -2, -7.5 % 2 is 0.5). An int modulo by zero is
//     an error (at compile time when the divisor is a constant, else a
//     run-time panic); a float modulo by zero is NaN.
//   - Float arithmetic is IEEE double precision, one rounding per
//     operation, never a fused multiply-add, so it gives the same bits on
//     every machine (functions such as exp and pow are those of Go's math
//     package). There is no ** operator: write pow(a, b).
//   - Comparisons give a bool. Numbers compare with numbers (an int with a
//     float as floats), strings and bools with their own type (== and !=
//     only).
//   - && and || take bools and evaluate the right operand only when it
//     decides the result. ! negates a bool.
//   - + joins two strings. This allocates, unless both are constants.
//   - Vectors: v[i] is element i (an int, from 0; out of range is a
//     run-time error); + - * / work element by element between two
//     vectors of the same length (else a run-time error naming the
//     lengths) or a vector and a number on either side; -v negates.
//
// # Functions
//
// Arguments are evaluated left to right; wrong arity or argument types
// are compile errors.
//
//	abs(x) sign(x)                    int → int, float → float
//	sqrt exp log log10 log2           float → float; log(x, base) too
//	expm1 log1p                       exp(x) − 1, log(1 + x), exact for small x
//	sin cos tan asin acos atan        float → float
//	atan2(y, x) pow(x, y)             → float
//	floor ceil trunc                  → float
//	round(x)                          → float, halves away from zero (not Python's banker's rounding)
//	min(a, b, ...) max(a, b, ...)     2 or more numbers: int if all are ints, else float;
//	                                  NaN if any is NaN (Go's min and max)
//	min(v) max(v) vmin(v) vmax(v)     smallest or largest element of a vector (empty: run-time error)
//	clip(x, lo, hi)                   min(max(x, lo), hi)
//	isnan(x) isinf(x)                 → bool
//	float(x)                          int or bool (1 or 0) → float
//	int(x)                            float → int truncating toward zero (NaN or out of range:
//	                                  run-time error); bool → 1 or 0
//	ifelse(cond, a, b)                a if cond, else b; only the chosen branch is evaluated.
//	                                  a and b have the same type, or are an int and a float (→ float)
//	sum(v) prod(v)                    left to right from 0.0 and 1.0
//	mean(v)                           sum(v) / len(v); NaN for an empty vector
//	len(v)                            → int
//	dot(v, w)                         sum of the products, left to right (same lengths)
//	cumsum(v) sort(v)                 → vector (sort: ascending, NaNs first)
//	rotate(v, k)                      → vector: element i is v[(i-k) mod n]
//	fill(n, x) zeros(n)               a vector of n times x, or of n zeros
//	gini(v)                           Gini coefficient: sort ascending; total = sum;
//	                                  0 if total == 0, else (2*cum)/(n*total) - (n+1)/n
//	                                  with cum = Σ i*v_i (i from 1), left to right
//	lag(x, k)                         x at the end of timestep t-k (see gds Lags); x is a name
//	                                  declared with FloatLag, IntLag or VecLag and k a constant
//	                                  int in 1..depth
//
// Random draws come from the job's stream (gds.Ctx.Rand), with gonum
// distuv's distribution math (computed without fused multiply-adds), so
// the same seed gives the same draws; each evaluation of a call draws
// anew, and arguments are evaluated before the draw:
//
//	uniform(a, b)        float in [a, b)
//	normal(mu, sigma)    float
//	lognormal(mu, sigma) float, exp of a normal draw
//	exponential(rate)    float, mean 1/rate
//	poisson(lambda)      int (lambda must be finite and >= 0)
//	bernoulli(p)         bool, true with probability p
//
// Their arguments are checked: sigma finite and >= 0, a <= b finite, a
// rate finite and > 0, p in [0, 1], lambda finite and >= 0. Constant
// arguments are checked at compile time (a compile error), the others at
// every draw (a run-time error naming the value).
//
// # Constants, scratch space and errors
//
// Subexpressions made only of literals and constants are computed once at
// compile time; an error there, such as 1 % 0, is a compile error.
// Vector-valued operations write their result into a per-engine scratch
// vector reserved from the Env's Builder at compile time, so nothing is
// allocated once the buffers have grown, and engines running on other
// goroutines never share them. An expression's vector result is valid
// until its next evaluation.
//
// Subexpressions made only of float parameters, constants and operations
// that cannot fail (arithmetic, sqrt, exp, log, pow, min, max, ...) are
// computed once per job's parameters: Compile declares them as derived
// parameters of the Env's Builder (gds.Builder.ParamDerived), so sqrt(dt)
// costs nothing per substep. The same closure computes them, so results
// keep their bits.
//
// # Handles, fused closures and tracing
//
// Names declared by their handle (Env.FloatVar, FloatParam, FloatSignal)
// are read inline by the closures of the operations on them, without a
// call and without the tracer that gds.Builder.Build runs to find what
// each block reads (gds.Float.GetUntraced). A block that evaluates such
// expressions reports their reads with gds.Block.Traces, for example
//
//	pol := gds.Policy("grow", x.EmitFloat(growth)).Traces(x.Trace)
//
// or the model's Structure (and so describe, the diagrams and the
// unused-name warnings) misses them. EmitFloat returns the policy that
// emits the expression's value, with its last operation in the same
// closure.
//
// Compile errors are *Error values with the column of the problem: syntax
// errors, unknown names and functions (with a suggestion), type
// mismatches, wrong arity, and Go constructs that have no meaning here
// (selectors a.b, slices, composite and function literals, pointers,
// channels, comments). Run-time errors panic with an *EvalError, which a
// gds run reports as a *gds.BlockError.
//
// An Env marked with Detach compiles expressions evaluated outside a
// run, over values such as a run's KPIs: the run's built-in names, lag
// and random draws are then compile errors, and the evaluation functions
// accept a nil *gds.Ctx.
//
// Line breaks count as spaces, so an expression may span the lines of a
// TOML multi-line string.
package expr
