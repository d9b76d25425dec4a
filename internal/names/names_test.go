package names

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"alpha", "alpah", 2}, {"same", "same", 0}} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	known := []string{"alpha", "beta", "gamma"}
	if got, want := Suggest("alpah", known), ` (did you mean "alpha"?)`; got != want {
		t.Errorf("Suggest = %q, want %q", got, want)
	}
	if got, want := Suggest("zzzzzzzz", known), " (known: [alpha beta gamma])"; got != want {
		t.Errorf("Suggest = %q, want %q", got, want)
	}
	if got := Suggest("x", nil); got != "" {
		t.Errorf("Suggest with nothing known = %q, want empty", got)
	}
}

// TestChoice: a name's index among an enumeration's names (unnamed
// values skipped), or an error listing the names with the nearest.
func TestChoice(t *testing.T) {
	all := []string{"", "zip", "grid", "points"}
	for _, c := range []struct {
		v    string
		want int
		err  string
	}{
		{"zip", 1, ""},
		{"points", 3, ""},
		{"", 0, `must be one of zip, grid, points, got ""`},
		{"gird", 0, `must be one of zip, grid, points, got "gird" (did you mean "grid"?)`},
		{"cartesian", 0, `must be one of zip, grid, points, got "cartesian"`},
	} {
		i, err := Choice(all, c.v)
		switch {
		case c.err == "" && (err != nil || i != c.want):
			t.Errorf("Choice(%q) = %d, %v; want %d", c.v, i, err, c.want)
		case c.err != "" && (err == nil || err.Error() != c.err):
			t.Errorf("Choice(%q): err = %v, want %q", c.v, err, c.err)
		}
	}
}
