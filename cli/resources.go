package cli

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/statecraft/statecraft/runner"
)

// Default shares of the machine a run may take (--max-memory and
// --max-output unset).
const (
	defaultMemoryShare = 0.80 // of physical memory (MemTotal of /proc/meminfo)
	defaultOutputShare = 0.90 // of the free space of the output directory's file system
)

// sizeFlag is a flag.Value holding a size such as 8GB, 500MB, 2GiB or a
// number of bytes; "off" or 0 turns the check off.
type sizeFlag struct {
	set bool
	n   int64 // 0: off
}

// sizeUnits are the suffixes of sizes: decimal (KB = 1000) and binary
// (KiB = 1024), case-insensitive.
var sizeUnits = []struct {
	suffix string
	mult   float64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40}, {"pib", 1 << 50},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12}, {"pb", 1e15},
	{"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"t", 1e12}, {"b", 1},
}

// parseSize parses a size: "off", a number of bytes, or a number with a
// unit (8GB, 1.5GiB, 500mb).
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "off" {
		return 0, nil
	}
	mult := 1.0
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a size: want a number of bytes with an optional unit (500MB, 8GB, 2GiB), 0 or off", s)
	}
	if f*mult >= math.MaxInt64 {
		return math.MaxInt64, nil
	}
	return int64(f * mult), nil
}

func (f *sizeFlag) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	f.set, f.n = true, n
	return nil
}

func (f *sizeFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	if f.n == 0 {
		return "off"
	}
	return runner.Bytes(f.n)
}

// resourceFlags are --max-memory and --max-output.
type resourceFlags struct{ memory, output sizeFlag }

func (r *resourceFlags) register(fs *flag.FlagSet) {
	fs.Var(&r.memory, "max-memory", fmt.Sprintf("refuse a run whose estimated peak memory exceeds this size, e.g. 8GB (default: %.0f%% of physical memory; off: no check)", 100*defaultMemoryShare))
	fs.Var(&r.output, "max-output", fmt.Sprintf("refuse a run whose estimated output exceeds this size, e.g. 500GB (default: %.0f%% of the output directory's free space; off: no check)", 100*defaultOutputShare))
}

// limits returns the limits for a run writing into dir: the flags' sizes,
// or the defaults' shares of the machine where they were not given.
func (r *resourceFlags) limits(dir string) runner.ResourceLimits {
	var l runner.ResourceLimits
	if r.memory.set {
		l.Memory, l.MemoryFrom = r.memory.n, "--max-memory"
	} else if total, err := physicalMemory(); err == nil {
		l.Memory = int64(float64(total) * defaultMemoryShare)
		l.MemoryFrom = fmt.Sprintf("%.0f%% of the %s of physical memory; set another with --max-memory", 100*defaultMemoryShare, runner.Bytes(total))
	}
	if r.output.set {
		l.Output, l.OutputFrom = r.output.n, "--max-output"
	} else if free, at, err := freeSpace(dir); err == nil {
		l.Output = int64(float64(free) * defaultOutputShare)
		l.OutputFrom = fmt.Sprintf("%.0f%% of the %s free on the file system of %s; set another with --max-output", 100*defaultOutputShare, runner.Bytes(free), at)
	}
	return l
}

// physicalMemory returns MemTotal of /proc/meminfo, in bytes.
func physicalMemory() (int64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/meminfo: MemTotal: %v", err)
			}
			return kb << 10, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("/proc/meminfo: no MemTotal")
}

// freeSpace returns the bytes free to unprivileged users on the file
// system that holds dir, or its nearest existing parent when dir does not
// exist yet, and that directory.
func freeSpace(dir string) (int64, string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return 0, "", err
	}
	for {
		var st syscall.Statfs_t
		err := syscall.Statfs(d, &st)
		if err == nil {
			free := st.Bavail * uint64(st.Bsize)
			return int64(min(free, math.MaxInt64)), d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return 0, "", err
		}
		d = parent
	}
}

// plural writes n and word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
