// Package version is the program version that Statecraft writes into
// every dataset and prints with `statecraft version`.
package version

import "runtime/debug"

// Version is the release version. Release builds set it with
//
//	-ldflags "-X github.com/statecraft/statecraft/internal/version.Version=v1.2.3"
//
// otherwise String takes it from the module's build information.
var Version = ""

// String returns Version, or the build's module version and VCS revision
// ("devel" when neither is known).
func String() string {
	if Version != "" {
		return Version
	}
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "+" + s.Value[:12]
			}
		}
	}
	return v
}
