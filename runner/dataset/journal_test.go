package dataset

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckpointLine: a checkpoint's line, encoded as it is written, is
// the line json.Marshal makes, and reads back as the checkpoint.
func TestCheckpointLine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	kpi := func() float64 {
		return []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), r.NormFloat64(), 1e300}[r.IntN(7)]
	}
	job := func(i int) DoneJob {
		d := DoneJob{Index: i}
		if n := r.IntN(4); n > 0 {
			d.KPIs = make(Floats, n)
			for k := range d.KPIs {
				d.KPIs[k] = kpi()
			}
		}
		switch r.IntN(10) {
		case 0:
			d.Failure = &JobFailure{Simulation: 1, Subset: 2, Run: 3, Params: map[string]any{"a<b>": 1.5, "s": "x\"y"}, Error: "policy \"p\": boom & <more>"}
		case 1:
			d.Anomalies = []JobAnomaly{{Run: 1, Timestep: 4, PSUB: "grow", Block: "b", Var: "x", Value: math.NaN(), ValueText: "NaN"}}
		}
		return d
	}
	cases := map[string]Checkpoint{
		"parts only":        {Parts: []SealedPart{{Name: "part-0000-000-0000.parquet", Rows: []int64{3, 0}}}},
		"jobs, empty slice": {Parts: []SealedPart{{Name: "p", Rows: []int64{1}}}, Jobs: []DoneJob{}},
		"one job":           {Jobs: []DoneJob{{Index: 7}}},
	}
	for n := range 5 {
		c := Checkpoint{}
		for i := range r.IntN(3) {
			c.Parts = append(c.Parts, SealedPart{Name: "part-" + strings.Repeat("x", i), Rows: []int64{int64(r.IntN(1000)), 2}})
		}
		for i := range 1 + r.IntN(300) {
			c.Jobs = append(c.Jobs, job(1000*n+i))
		}
		cases["random "+string(rune('a'+n))] = c
	}
	for name, c := range cases {
		path := filepath.Join(t.TempDir(), "j.jsonl")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		j := &Journal{f: f, path: path}
		if err := j.Checkpoint(c); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		j.Close()
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(journalLine{Checkpoint: &c})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, append(want, '\n')) {
			t.Fatalf("%s: the line\n%.300s\nwant json.Marshal's\n%.300s", name, got, want)
		}
		var back journalLine
		if err := json.Unmarshal(got, &back); err != nil || back.Checkpoint == nil || len(back.Checkpoint.Jobs) != len(c.Jobs) {
			t.Fatalf("%s: read back: %v", name, err)
		}
		for i, d := range back.Checkpoint.Jobs {
			for k, v := range d.KPIs {
				if math.Float64bits(float64(v)) != math.Float64bits(float64(c.Jobs[i].KPIs[k])) {
					t.Fatalf("%s: job %d, KPI %d: %v, want %v", name, i, k, v, c.Jobs[i].KPIs[k])
				}
			}
		}
	}
}

// TestCheckpointErrors: what JSON cannot hold is an error before a byte is
// written, and the journal goes on; a failed write closes it, since the
// file may end in part of a line.
func TestCheckpointErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	j := &Journal{f: f, path: path}
	bad := Checkpoint{Jobs: []DoneJob{{Index: 1}, {Index: 2, Failure: &JobFailure{Params: map[string]any{"x": math.NaN()}}}}}
	if err := j.Checkpoint(bad); err == nil || !strings.Contains(err.Error(), "unsupported value: NaN") {
		t.Fatalf("a NaN parameter: %v", err)
	}
	if err := j.Checkpoint(Checkpoint{Jobs: []DoneJob{{Index: 3}}}); err != nil {
		t.Fatalf("after an encoding error: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != `{"checkpoint":{"jobs":[{"i":3}]}}`+"\n" {
		t.Fatalf("the journal holds %q", b)
	}
	f.Close() // the next write fails
	if err := j.Checkpoint(Checkpoint{Jobs: []DoneJob{{Index: 4}}}); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("a failed write: %v", err)
	}
	if err := j.Checkpoint(Checkpoint{Jobs: []DoneJob{{Index: 5}}}); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("after a failed write: %v", err)
	}
}

func BenchmarkCheckpointLine(b *testing.B) {
	c := Checkpoint{Jobs: make([]DoneJob, 10000)}
	for i := range c.Jobs {
		c.Jobs[i] = DoneJob{Index: i, KPIs: make(Floats, 10)}
		for k := range c.Jobs[i].KPIs {
			c.Jobs[i].KPIs[k] = float64(i) * 1.1 * float64(k)
		}
	}
	path := filepath.Join(b.TempDir(), "j.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	j := &Journal{f: f, path: path}
	b.ReportAllocs()
	for b.Loop() {
		if err := j.writeCheckpoint(&c); err != nil {
			b.Fatal(err)
		}
	}
}
