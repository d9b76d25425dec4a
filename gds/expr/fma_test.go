package expr_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoFusedMultiplyAdd compiles the package for architectures whose
// compilers fuse a*b + c into one instruction (arm64, and amd64 with
// GOAMD64=v3) and checks that none was emitted: every float result is
// rounded by an explicit float64(...), so results are the same bits on
// every machine.
func TestNoFusedMultiplyAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the package")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	// ppc64le, s390x and riscv64 fuse too, and pass; they are left out to
	// keep the cold-cache cost of this test down (about 10 s per arch).
	for _, arch := range []string{"arm64", "amd64"} {
		cmd := exec.Command(goTool, "build", "-o", "/dev/null", "-gcflags=github.com/statecraft/statecraft/gds/expr=-S", ".")
		cmd.Env = append(cmd.Environ(), "GOARCH="+arch, "GOOS=linux", "CGO_ENABLED=0", "GOAMD64=v3")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", arch, err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if !strings.Contains(line, "gds/expr/") {
				continue
			}
			f := strings.Fields(line)
			if len(f) < 4 {
				continue
			}
			op := strings.TrimPrefix(f[3], "V") // amd64: VFMADD231SD
			for _, fused := range []string{"FMADD", "FMSUB", "FNMADD", "FNMSUB", "WFMADB", "WFMSDB"} {
				if strings.HasPrefix(op, fused) {
					t.Errorf("%s: fused multiply-add: %s", arch, strings.TrimSpace(line))
				}
			}
		}
	}
}
