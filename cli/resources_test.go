package cli

import (
	"math"
	"strings"
	"testing"
)

// TestParseSize: sizes with decimal and binary units, off and 0, and
// errors for what is not a size.
func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		err  string
	}{
		{"8GB", 8e9, ""},
		{"500MB", 500e6, ""},
		{"500mb", 500e6, ""},
		{"2GiB", 2 << 30, ""},
		{"1.5 KiB", 1536, ""},
		{"1048576", 1 << 20, ""},
		{"10k", 10e3, ""},
		{"off", 0, ""},
		{"0", 0, ""},
		{"1e30", math.MaxInt64, ""},
		{"lots", 0, `"lots" is not a size`},
		{"-1GB", 0, `"-1GB" is not a size`},
		{"NaN", 0, `"NaN" is not a size`},
	} {
		got, err := parseSize(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("parseSize(%q) = %d, %v; want an error with %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}

// TestMachineLimits: this machine has physical memory and the temporary
// directory's file system free space, and a directory that does not exist
// yet is measured at its nearest parent.
func TestMachineLimits(t *testing.T) {
	if mem, err := physicalMemory(); err != nil || mem <= 0 {
		t.Skipf("no /proc/meminfo here: %v", err)
	}
	free, at, err := freeSpace(t.TempDir() + "/not/yet")
	if err != nil || free <= 0 || strings.Contains(at, "not") {
		t.Fatalf("freeSpace = %d at %q, %v", free, at, err)
	}
	var r resourceFlags
	l := r.limits(t.TempDir())
	if l.Memory <= 0 || l.Output <= 0 || !strings.Contains(l.MemoryFrom, "80% of the") || !strings.Contains(l.OutputFrom, "90% of the") {
		t.Errorf("default limits %+v", l)
	}
}
