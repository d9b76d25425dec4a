package sensitivity

import "math"

// Ishigami returns the Ishigami & Homma (1990) function
//
//	f(x) = sin x[0] + a sin^2 x[1] + b x[2]^4 sin x[0]
//
// whose inputs are, by convention, uniform on [-pi,pi]^3. It panics if x
// has fewer than 3 values and ignores any after the third.
func Ishigami(x []float64, a, b float64) float64 {
	s := math.Sin(x[0])
	s2 := math.Sin(x[1])
	x3 := x[2] * x[2]
	return s + a*s2*s2 + b*x3*x3*s
}

// IshigamiIndices returns the analytic first-order and total Sobol'
// indices of Ishigami(·, a, b) with inputs uniform on [-pi,pi]^3, from the
// partial variances in the package documentation: S = (V1, V2, 0)/V and
// ST = (V1+V13, V2, V13)/V.
func IshigamiIndices(a, b float64) (s1, st [3]float64) {
	pi4 := math.Pow(math.Pi, 4)
	pi8 := pi4 * pi4
	v := a*a/8 + b*pi4/5 + b*b*pi8/18 + 0.5
	v1 := 0.5 * (1 + b*pi4/5) * (1 + b*pi4/5)
	v2 := a * a / 8
	v13 := 8 * b * b * pi8 / 225
	s1 = [3]float64{v1 / v, v2 / v, 0}
	st = [3]float64{(v1 + v13) / v, v2 / v, v13 / v}
	return s1, st
}
