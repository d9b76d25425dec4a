package version

import (
	"runtime/debug"
	"testing"
)

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

// TestFromBuildInfo: go install's module version, a checkout's
// pseudo-version (its revision not repeated), a plain revision, nothing.
func TestFromBuildInfo(t *testing.T) {
	rev := []debug.BuildSetting{{Key: "vcs.revision", Value: "abcdef1234567890"}}
	for _, c := range []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{&debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20240101120000-abcdef123456+dirty"}, Settings: rev}, "v0.0.0-20240101120000-abcdef123456+dirty"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: rev}, "devel+abcdef123456"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
		{nil, "devel"},
	} {
		if got := fromBuildInfo(c.bi); got != c.want {
			t.Errorf("fromBuildInfo(%+v) = %q, want %q", c.bi, got, c.want)
		}
	}
}
