package main

import (
	"path/filepath"
	"testing"

	"github.com/statecraft/statecraft/internal/readback"
)

// TestExample runs the example as a user would: the custom block is
// registered, the model file uses it by name, and the dataset has the
// logistic curve (users grow and stay below capacity).
func TestExample(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if code := run([]string{"run", "experiment.toml", "--quiet", "--out", dir}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	ds, err := readback.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	ds.Sort(5)
	if len(ds.Rows) != 3*3*(200*2+1) {
		t.Fatalf("%d rows", len(ds.Rows))
	}
	users, capc := ds.Col("users"), ds.Col("capacity")
	for i, r := range ds.Rows {
		u, k := r[users].(float64), r[capc].(float64)
		if u <= 0 || u > k {
			t.Fatalf("row %d: users %v outside (0, %v]", i, u, k)
		}
		if i > 0 && r[2] == ds.Rows[i-1][2] && u < ds.Rows[i-1][users].(float64) {
			t.Fatalf("row %d: users fell from %v to %v", i, ds.Rows[i-1][users], u)
		}
	}
	last := ds.Rows[len(ds.Rows)-1]
	if u := last[users].(float64); u < 0.5*last[capc].(float64) {
		t.Errorf("after 200 steps users = %v, want past half of capacity %v", u, last[capc])
	}
}
