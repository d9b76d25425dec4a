// Package fmacheck is a test helper: it checks that packages compile
// without fused multiply-add instructions on the architectures whose
// compilers fuse a*b + c into one (arm64, and amd64 with GOAMD64=v3).
// Code that promises the same bits on every machine rounds every product
// that feeds a sum with an explicit float64(...); this finds the ones it
// missed.
package fmacheck

import (
	"os/exec"
	"strings"
	"testing"
)

// Module is the import path of Statecraft's module.
const Module = "github.com/statecraft/statecraft/"

// fused are the mnemonics of fused multiply-adds (arm64, amd64 without
// its V prefix, s390x).
var fused = []string{"FMADD", "FMSUB", "FNMADD", "FNMSUB", "WFMADB", "WFMSDB"}

// Check compiles the packages (paths relative to the module, such as
// "gds/expr") for linux/arm64 and linux/amd64 (GOAMD64=v3) with assembly
// listings and reports every fused multiply-add in their code. It skips
// in -short mode: a cold build takes ~10 s per architecture. ppc64le,
// s390x and riscv64 fuse too; they are left out for that cost.
func Check(t testing.TB, pkgs ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("cross-compiles the packages")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	args := []string{"build"}
	for _, p := range pkgs {
		args = append(args, "-gcflags="+Module+p+"=-S")
	}
	for _, p := range pkgs {
		args = append(args, Module+p)
	}
	for _, arch := range []string{"arm64", "amd64"} {
		cmd := exec.Command(goTool, args...)
		cmd.Env = append(cmd.Environ(), "GOARCH="+arch, "GOOS=linux", "CGO_ENABLED=0", "GOAMD64=v3")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", arch, err, out)
		}
		checked := false
		for _, line := range strings.Split(string(out), "\n") {
			if !ours(line, pkgs) {
				continue
			}
			checked = true
			f := strings.Fields(line)
			if len(f) < 4 {
				continue
			}
			op := strings.TrimPrefix(f[3], "V") // amd64: VFMADD231SD
			for _, m := range fused {
				if strings.HasPrefix(op, m) {
					t.Errorf("%s: fused multiply-add: %s", arch, strings.TrimSpace(line))
				}
			}
		}
		if !checked {
			t.Fatalf("%s: the build printed no assembly of %v", arch, pkgs)
		}
	}
}

// ours reports whether an assembly line is from one of the packages'
// source files.
func ours(line string, pkgs []string) bool {
	for _, p := range pkgs {
		if strings.Contains(line, "/"+p+"/") {
			return true
		}
	}
	return false
}
