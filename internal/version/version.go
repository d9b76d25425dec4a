// Package version is the program version that Statecraft writes into
// every dataset and prints with `statecraft version`.
package version

import (
	"runtime/debug"
	"strings"
)

// Version is the release version. Release builds set it with
//
//	-ldflags "-X github.com/statecraft/statecraft/internal/version.Version=v1.2.3"
//
// otherwise String takes it from the module's build information.
var Version = ""

// String returns Version, or the build's module version and VCS revision
// ("devel" when neither is known): the module version of a
// `go install module@v1.2.3` build, or the pseudo-version and revision of
// a `go build` in a checkout.
func String() string {
	if Version != "" {
		return Version
	}
	bi, _ := debug.ReadBuildInfo()
	return fromBuildInfo(bi)
}

// fromBuildInfo is String without a link-time version.
func fromBuildInfo(bi *debug.BuildInfo) string {
	v := "devel"
	if bi == nil {
		return v
	}
	if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	for _, s := range bi.Settings {
		// a pseudo-version (v0.0.0-20240101120000-abcdef123456) already
		// carries the revision
		if s.Key == "vcs.revision" && len(s.Value) >= 12 && !strings.Contains(v, s.Value[:12]) {
			v += "+" + s.Value[:12]
		}
	}
	return v
}
