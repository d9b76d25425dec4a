package optimize

import "testing"

func TestMethodText(t *testing.T) {
	for _, m := range []Method{NelderMead, CMAES} {
		b, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Method = 7
		if err := back.UnmarshalText(b); err != nil || back != m {
			t.Errorf("%v: %q decodes to %v, %v", m, b, back, err)
		}
	}
	if s := CMAES.String(); s != "cmaes" {
		t.Errorf("CMAES.String() = %q", s)
	}
	if s := Method(9).String(); s != "Method(9)" {
		t.Errorf("Method(9).String() = %q", s)
	}
	if _, err := Method(9).MarshalText(); err == nil || err.Error() != "optimize: unknown method 9" {
		t.Errorf("MarshalText(9): %v", err)
	}
	for text, want := range map[string]string{
		"nelder-mead": `optimize: method must be one of nelder_mead, cmaes, got "nelder-mead" (did you mean "nelder_mead"?)`,
		"bfgs":        `optimize: method must be one of nelder_mead, cmaes, got "bfgs"`,
		"":            `optimize: method must be one of nelder_mead, cmaes, got ""`,
	} {
		m := CMAES
		err := m.UnmarshalText([]byte(text))
		if err == nil || err.Error() != want {
			t.Errorf("%q: err = %v\nwant %s", text, err, want)
		}
		if m != CMAES {
			t.Errorf("%q: the method changed to %v on error", text, m)
		}
	}
}
