package version

import "testing"

// TestString: a release version set at link time wins; without one, the
// build's own version is reported, never an empty string.
func TestString(t *testing.T) {
	old := Version
	defer func() { Version = old }()
	Version = ""
	if String() == "" {
		t.Fatal("empty version")
	}
	Version = "v1.2.3"
	if got := String(); got != "v1.2.3" {
		t.Errorf("String() = %q, want v1.2.3", got)
	}
}
