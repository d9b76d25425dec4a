package gds_test

import (
	"testing"

	"github.com/statecraft/statecraft/gds"
)

func TestKindNames(t *testing.T) {
	want := map[gds.Kind]string{gds.KindFloat: "float", gds.KindInt: "int", gds.KindBool: "bool", gds.KindString: "string", gds.KindVec: "vector",
		gds.KindAgents: "agents", gds.KindList: "list", gds.KindCustom: "custom", 0: "invalid", 99: "invalid"}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), s)
		}
	}
	for _, k := range gds.ValueKinds() {
		if got, ok := gds.ParseKind(k.String()); !ok || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, ok)
		}
	}
	for _, name := range []string{"agents", "list", "custom", "invalid", "", "Float", "vec"} {
		if k, ok := gds.ParseKind(name); ok {
			t.Errorf("ParseKind(%q) = %v, want no kind", name, k)
		}
	}
}
