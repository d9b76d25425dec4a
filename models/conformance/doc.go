// Package conformance holds the models of the cadCAD 0.5.3 conformance
// cases in testdata/golden that are not already reference models: amm_det,
// policy_max, lag and vector. (pp_det and ab_pp run the predator_prey model
// with noise = 0; robot_marbles is models/robotmarbles.)
//
// Each model follows the arithmetic order of testdata/golden/README.md
// literally, evaluating left to right in float64, so that the results match
// cadCAD's bit for bit up to the libm functions (sin, cos, exp), where Go and
// glibc may differ in the last bit.
//
// The Go specification lets the compiler fuse x*y + z into one fused
// multiply-add, which rounds once instead of twice; arm64, ppc64le, s390x and
// amd64 with GOAMD64=v3 do so. Python never fuses. Every product that feeds
// an addition or subtraction is therefore wrapped in an explicit float64
// conversion, which the specification defines as a rounding and which the
// compiler never fuses across. Removing one of those conversions can change
// the last bit on those platforms.
package conformance
