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
