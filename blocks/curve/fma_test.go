package curve_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoFusedMultiplyAdd compiles the curve, process and metric block
// families for architectures whose compilers fuse a*b + c into one
// instruction (arm64, and amd64 with GOAMD64=v3) and checks that none was
// emitted in their code: every product that feeds a sum is rounded by an
// explicit float64(...), so blocks give the same bits on every machine,
// as gds/expr's expressions do (see its TestNoFusedMultiplyAdd).
func TestNoFusedMultiplyAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the packages")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	const mod = "github.com/statecraft/statecraft/blocks/"
	pkgs := []string{mod + "curve", mod + "process", mod + "metric"}
	for _, arch := range []string{"arm64", "amd64"} {
		args := append([]string{"build", "-gcflags=" + mod + "...=-S"}, pkgs...)
		cmd := exec.Command(goTool, args...)
		cmd.Env = append(cmd.Environ(), "GOARCH="+arch, "GOOS=linux", "CGO_ENABLED=0", "GOAMD64=v3")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", arch, err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if !strings.Contains(line, "/blocks/curve/") && !strings.Contains(line, "/blocks/process/") && !strings.Contains(line, "/blocks/metric/") {
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
