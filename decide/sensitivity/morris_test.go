package sensitivity

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestMorrisDesignProperties(t *testing.T) {
	for _, c := range []struct{ k, r, levels, wantLevels int }{
		{1, 2, 2, 2},
		{3, 50, 0, 4},
		{5, 40, 4, 4},
		{4, 30, 6, 6},
		{7, 20, 10, 10},
	} {
		d, err := NewMorrisDesign(c.k, c.r, c.levels, 11)
		if err != nil {
			t.Fatal(err)
		}
		if d.K != c.k || d.Trajectories != c.r || d.Levels != c.wantLevels || len(d.Points) != c.r*(c.k+1) {
			t.Fatalf("k=%d levels=%d: K, Trajectories, Levels, len(Points) = %d, %d, %d, %d", c.k, c.levels, d.K, d.Trajectories, d.Levels, len(d.Points))
		}
		p := d.Levels
		delta := float64(p) / float64(2*(p-1))
		if d.Delta() != delta {
			t.Errorf("Delta() = %v; want %v", d.Delta(), delta)
		}
		seen := make([]int, p) // base levels drawn
		for i, pt := range d.Points {
			if len(pt) != c.k {
				t.Fatalf("point %d has %d values; want %d", i, len(pt), c.k)
			}
			for _, v := range pt {
				l := math.Round(v * float64(p-1))
				if !(v >= 0 && v <= 1) || v != l/float64(p-1) {
					t.Fatalf("levels %d: point %d = %v is not on the grid in [0,1]", p, i, pt)
				}
				if i%(c.k+1) == 0 {
					seen[int(l)]++
				}
			}
		}
		for l, n := range seen {
			if n == 0 {
				t.Errorf("levels %d: no base point at level %d", p, l)
			}
		}
		for tr := range c.r {
			moved := make([]bool, c.k)
			for s := range c.k {
				a, b := d.Points[tr*(c.k+1)+s], d.Points[tr*(c.k+1)+s+1]
				changed := 0
				for i := range a {
					if a[i] == b[i] {
						continue
					}
					changed++
					if moved[i] {
						t.Errorf("trajectory %d moves factor %d twice", tr, i)
					}
					moved[i] = true
					if !near(math.Abs(b[i]-a[i]), delta, 1e-15) {
						t.Errorf("trajectory %d step %d: factor %d moves by %v; want ±%v", tr, s, i, b[i]-a[i], delta)
					}
				}
				if changed != 1 {
					t.Errorf("trajectory %d step %d changes %d factors; want 1", tr, s, changed)
				}
			}
		}
	}
}

func TestMorrisLinear(t *testing.T) {
	// Elementary effects of a linear function are its coefficients, at
	// every point: mu = c, mu* = |c|, sigma = 0, and the interval is a
	// point.
	c := []float64{1, -2, 0.5, 0, 3}
	d, err := NewMorrisDesign(len(c), 20, 4, 5)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := d.Analyze(evaluate(d.Points, 0, 1, linear(c)), 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range idx {
		a := math.Abs(c[i])
		if !near(x.Mu, c[i], 1e-12) || !near(x.MuStar, a, 1e-12) || !near(x.Sigma, 0, 1e-12) ||
			!near(x.MuStarLo, a, 1e-12) || !near(x.MuStarHi, a, 1e-12) {
			t.Errorf("factor %d: %+v; want Mu %v, MuStar %v, Sigma 0, interval [%v, %v]", i, x, c[i], a, a, a)
		}
	}
}

func TestMorrisIshigami(t *testing.T) {
	// With 4 levels, x = -pi + 2pi u takes the values -pi, -pi/3, pi/3, pi
	// and a step (delta = 2/3) pairs -pi with pi/3 and -pi/3 with pi. The
	// elementary effects (per unit of u) are then:
	//   x2: ±a sin^2(pi/3)/delta = ±7.875 exactly, so mu*_2 = 7.875;
	//   x1: sin(pi/3)(1 + b x3^4)/delta > 0 always, so mu_1 = mu*_1, with
	//       x3 uniform on the 4 levels: E = sin(pi/3)/delta (1 + b E x3^4);
	//   x3: ±b (pi^4 - (pi/3)^4) sin(x1)/delta, zero when x1 = ±pi:
	//       E|EE3| is half the nonzero magnitude, the mean is 0 and the
	//       standard deviation exceeds mu*_3 by a factor sqrt(2).
	const a, b, delta = 7.0, 0.1, 2.0 / 3
	sin3 := math.Sin(math.Pi / 3)
	p4, q4 := math.Pow(math.Pi, 4), math.Pow(math.Pi/3, 4)
	want := [3]float64{
		sin3 / delta * (1 + b*(p4+q4)/2),
		a * sin3 * sin3 / delta,
		b * (p4 - q4) * sin3 / delta / 2,
	}
	d, err := NewMorrisDesign(3, 1000, 4, 3)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := d.Analyze(evaluate(d.Points, -math.Pi, math.Pi, ishigami7), 1000, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range idx {
		t.Logf("x%d: mu %.3f  mu* %.3f [%.3f, %.3f]  sigma %.3f; expected mu* %.3f", i+1, x.Mu, x.MuStar, x.MuStarLo, x.MuStarHi, x.Sigma, want[i])
		if !(x.MuStarLo-1e-9 <= want[i] && want[i] <= x.MuStarHi+1e-9) {
			t.Errorf("x%d: expected mu* %.3f is outside [%.3f, %.3f]", i+1, want[i], x.MuStarLo, x.MuStarHi)
		}
	}
	if x := idx[1]; !near(x.MuStar, 7.875, 1e-9) || !near(x.MuStarLo, 7.875, 1e-9) || !near(x.MuStarHi, 7.875, 1e-9) {
		t.Errorf("x2: mu* %v [%v, %v]; want exactly 7.875", x.MuStar, x.MuStarLo, x.MuStarHi)
	}
	if x := idx[0]; x.Mu != x.MuStar {
		t.Errorf("x1: mu %v != mu* %v, but every effect is positive", x.Mu, x.MuStar)
	}
	// x1 and x2 dominate; x3 acts only through its interaction with x1:
	// mu near 0 and sigma larger than mu*.
	if x3 := idx[2]; !(idx[0].MuStar > x3.MuStar && idx[1].MuStar > x3.MuStar) {
		t.Errorf("mu* = %.3f, %.3f, %.3f; want x1 and x2 above x3", idx[0].MuStar, idx[1].MuStar, x3.MuStar)
	}
	if x3 := idx[2]; !(math.Abs(x3.Mu) < 0.2*x3.MuStar && x3.Sigma > x3.MuStar) {
		t.Errorf("x3: mu %.3f, mu* %.3f, sigma %.3f; want |mu| < 0.2 mu* and sigma > mu*", x3.Mu, x3.MuStar, x3.Sigma)
	}
}

func TestMorrisReproducible(t *testing.T) {
	d1, _ := NewMorrisDesign(4, 10, 4, 42)
	d2, _ := NewMorrisDesign(4, 10, 4, 42)
	d3, _ := NewMorrisDesign(4, 10, 4, 43)
	if !reflect.DeepEqual(d1, d2) {
		t.Error("same seed, different designs")
	}
	if reflect.DeepEqual(d1.Points, d3.Points) {
		t.Error("another seed gave the same design")
	}
	y := evaluate(d1.Points, -math.Pi, math.Pi, ishigami7)
	i1, _ := d1.Analyze(y, 200, 7)
	i2, _ := d1.Analyze(y, 200, 7)
	i3, _ := d1.Analyze(y, 200, 8)
	if !reflect.DeepEqual(i1, i2) {
		t.Errorf("same seed, different results:\n%v\n%v", i1, i2)
	}
	if reflect.DeepEqual(i1, i3) {
		t.Error("another bootstrap seed gave the same intervals")
	}
	i0, _ := d1.Analyze(y, 0, 7)
	i1000, _ := d1.Analyze(y, 1000, 7)
	if !reflect.DeepEqual(i0, i1000) {
		t.Error("bootstrap 0 differs from bootstrap 1000")
	}
}

func TestNewMorrisDesignErrors(t *testing.T) {
	for _, c := range []struct {
		name         string
		k, r, levels int
		want         string
	}{
		{"no factors", 0, 10, 4, "at least 1 factor, got k = 0"},
		{"negative k", -2, 10, 4, "at least 1 factor, got k = -2"},
		{"one trajectory", 3, 1, 4, "at least 2 trajectories, got 1"},
		{"one level", 3, 10, 1, "at least 2 levels, got 1"},
		{"negative levels", 3, 10, -4, "at least 2 levels, got -4"},
		{"odd levels", 3, 10, 5, "levels must be even, got 5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewMorrisDesign(c.k, c.r, c.levels, 1)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one containing %q", err, c.want)
			}
		})
	}
}

func TestMorrisAnalyzeErrors(t *testing.T) {
	fresh := func() *MorrisDesign {
		d, err := NewMorrisDesign(2, 3, 4, 1) // 9 points
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	good := evaluate(fresh().Points, 0, 1, linear([]float64{1, 2}))
	with := func(i int, v float64) []float64 {
		y := append([]float64(nil), good...)
		y[i] = v
		return y
	}
	twoFactors := fresh()
	twoFactors.Points[4] = append([]float64(nil), twoFactors.Points[3]...)
	twoFactors.Points[4][0] += 0.1
	twoFactors.Points[4][1] += 0.1
	stuck := fresh()
	stuck.Points[1] = append([]float64(nil), stuck.Points[0]...)
	dropped := fresh()
	dropped.Points = dropped.Points[:8]
	for _, c := range []struct {
		name string
		d    *MorrisDesign
		y    []float64
		want string
	}{
		{"short", fresh(), good[:8], "8 outputs for 9 Morris design points"},
		{"long", fresh(), append(append([]float64(nil), good...), 0), "10 outputs for 9 Morris design points"},
		{"NaN", fresh(), with(4, math.NaN()), "output y[4] = NaN (the model's value at point 4) is not finite"},
		{"Inf", fresh(), with(0, math.Inf(1)), "output y[0] = +Inf (the model's value at point 0) is not finite"},
		{"two factors", twoFactors, good, "points 3 and 4 differ in more than one factor"},
		{"no step", stuck, good, "points 0 and 1 are not one step of a new factor"},
		{"points dropped", dropped, good, "has 8 points; want Trajectories*(K+1) = 3*3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.d.Analyze(c.y, 10, 1)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one containing %q", err, c.want)
			}
		})
	}
}
