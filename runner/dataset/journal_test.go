package dataset

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
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
	job := func(i int, plain bool) DoneJob {
		d := DoneJob{Index: i}
		if n := r.IntN(4); n > 0 {
			d.KPIs = make(Floats, n)
			for k := range d.KPIs {
				d.KPIs[k] = kpi()
			}
		}
		switch r.IntN(10) {
		case 0:
			if plain {
				break
			}
			d.Failure = &JobFailure{Simulation: 1, Subset: 2, Run: 3, Params: map[string]any{"a<b>": 1.5, "s": "x\"y"}, Error: "policy \"p\": boom & <more>"}
		case 1:
			if plain {
				break
			}
			d.Anomalies = []JobAnomaly{{Run: 1, Timestep: 4, PSUB: "grow", Block: "b", Var: "x", Value: math.NaN(), ValueText: "NaN"}}
		}
		return d
	}
	cases := map[string]Checkpoint{
		"parts only":        {Parts: []SealedPart{{Name: "part-0000-000-0000.parquet", Rows: []int64{3, 0}}}},
		"jobs, empty slice": {Parts: []SealedPart{{Name: "p", Rows: []int64{1}}}, Jobs: []DoneJob{}},
		"one job":           {Jobs: []DoneJob{{Index: 7}}},
	}
	for n := range 10 {
		c := Checkpoint{}
		for i := range r.IntN(3) {
			c.Parts = append(c.Parts, SealedPart{Name: "part-" + strings.Repeat("x", i) + `"],{`, Rows: []int64{int64(r.IntN(1000)), 2}})
		}
		for i := range 1 + r.IntN(300) {
			c.Jobs = append(c.Jobs, job(1000*n+i, n%2 == 1)) // odd: no failures or anomalies
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
		plain := true
		for _, d := range c.Jobs {
			plain = plain && d.Failure == nil && len(d.Anomalies) == 0
		}
		fast, ok := readCheckpointLine(bytes.TrimSuffix(got, []byte("\n")))
		if ok != plain {
			t.Fatalf("%s: the fast reader read it: %v; want %v (no failures or anomalies)", name, ok, plain)
		}
		if ok && !sameCheckpoint(fast, back.Checkpoint) {
			t.Fatalf("%s: the fast reader read %+v, encoding/json %+v", name, fast, back.Checkpoint)
		}
	}
}

// sameCheckpoint reports whether a and b hold the same parts and jobs,
// KPIs to the bit, nil and empty slices apart.
func sameCheckpoint(a, b *Checkpoint) bool {
	if !reflect.DeepEqual(a.Parts, b.Parts) || (a.Jobs == nil) != (b.Jobs == nil) || len(a.Jobs) != len(b.Jobs) {
		return false
	}
	for i := range a.Jobs {
		x, y := a.Jobs[i], b.Jobs[i]
		if x.Index != y.Index || (x.KPIs == nil) != (y.KPIs == nil) || len(x.KPIs) != len(y.KPIs) || x.Failure != nil || y.Failure != nil || x.Anomalies != nil || y.Anomalies != nil {
			return false
		}
		for k := range x.KPIs {
			if math.Float64bits(x.KPIs[k]) != math.Float64bits(y.KPIs[k]) {
				return false
			}
		}
	}
	return true
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

// TestFloatsJSON: KPI values round-trip exactly through JSON, NaN's
// payload and the sign of zero included, and what is not eight bytes a
// float in base64 is an error saying so.
func TestFloatsJSON(t *testing.T) {
	for _, fs := range []Floats{nil, {}, {1}, {math.NaN(), math.Float64frombits(0x7ff8dead00000001), math.Inf(-1), math.Copysign(0, -1), 5e-324},
		{1, 2, 3, 4, 5, 6}, {1, 2, 3, 4, 5, 6, 7}, {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3}} {
		data, err := json.Marshal(fs)
		if err != nil {
			t.Fatal(err)
		}
		var back Floats
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if (fs == nil) != (back == nil) || len(back) != len(fs) {
			t.Fatalf("%v -> %s -> %v", fs, data, back)
		}
		for i := range fs {
			if math.Float64bits(back[i]) != math.Float64bits(fs[i]) {
				t.Errorf("%s: value %d has bits %x, want %x", data, i, math.Float64bits(back[i]), math.Float64bits(fs[i]))
			}
		}
	}
	if data, _ := json.Marshal(Floats{1}); string(data) != `"AAAAAAAA8D8="` {
		t.Errorf("Floats{1} is %s, want the base64 of its little-endian bits", data)
	}
	for _, c := range []struct{ in, want string }{
		{`[4607182418800017408]`, "want a base64 string"},
		{`"not base64!"`, "illegal base64"},
		{`"AAAA"`, "3 bytes, not eight a float"},
		{`12`, "want a base64 string"},
	} {
		var fs Floats
		if err := json.Unmarshal([]byte(c.in), &fs); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.in, err, c.want)
		}
	}
}

// FuzzReadJournal: whatever a journal file holds, reading it returns a
// state, its damage (a line that does not decode) naming the file, never
// an error or a panic; what it reads writes back to lines that read the
// same.
func FuzzReadJournal(f *testing.F) {
	f.Add([]byte(`{"identity":{"version":"v1","config_hash":"a","model_hash":"b","seed":1,"shard":0,"shards":1,"format":"parquet","jobs":3}}` + "\n" +
		`{"checkpoint":{"parts":[{"name":"part-0000-000-0000.parquet","rows":[11]}],"jobs":[{"i":0,"k":"AAAAAAAA8D8="},{"i":1,"f":{"simulation":0,"subset":0,"run":2,"params":{"a":1},"error":"boom"}}]}}` + "\n"))
	f.Add([]byte("{\"identity\":{}}\n{\"commit\":{\"files\":[\"a\",\"b\"]}}\n{\"checkpoint\""))
	f.Add([]byte("\n\n"))
	f.Add([]byte(`{"identity":{}}` + "\n" + `{"checkpoint":{"parts":[{"name":"a\\"]","rows":[1]}],"jobs":[{"i":3,"k":"AAAAAAAA8D8AAAAAAAAAQA=="},{"i":4}]}}` + "\n"))
	path := filepath.Join(f.TempDir(), "journal") // one process runs its inputs one at a time
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		st, err := readJournal(path)
		if err != nil {
			t.Fatalf("a file that reads is not an error: %v", err)
		}
		if st == nil {
			return
		}
		if st.damaged != nil && !strings.Contains(st.damaged.Error(), path) {
			t.Fatalf("damage without the journal named: %v", st.damaged)
		}
		for _, text := range bytes.Split(data, []byte("\n")) {
			if fast, ok := readCheckpointLine(text); ok {
				var l journalLine
				if err := json.Unmarshal(text, &l); err != nil || l.Checkpoint == nil || !sameCheckpoint(fast, l.Checkpoint) {
					t.Fatalf("%q: the fast reader read %+v; encoding/json %+v, %v", text, fast, l.Checkpoint, err)
				}
			}
		}
		for _, c := range st.checkpoints {
			line, err := json.Marshal(journalLine{Checkpoint: &c})
			if err != nil {
				continue // a failure's parameters JSON cannot hold
			}
			var back journalLine
			if err := json.Unmarshal(line, &back); err != nil || back.Checkpoint == nil || len(back.Checkpoint.Jobs) != len(c.Jobs) {
				t.Fatalf("%s does not read back: %v", line, err)
			}
		}
	})
}

// TestStartWithAnUnreadableJournal: an interrupted run whose journal has
// a line this version cannot read (one an older version wrote, whose KPIs
// were decimal integers, or a damaged file) is not resumed: the run says
// which version wrote it when its identity line says so, that the journal
// cannot be read otherwise, and starts over with --overwrite.
func TestStartWithAnUnreadableJournal(t *testing.T) {
	oldLine := `{"checkpoint":{"parts":[{"name":"part-0000-000-0000.parquet","rows":[11]}],"jobs":[{"i":0,"k":[4607182418800017408]}]}}`
	for _, c := range []struct {
		name, wrote, version string
		overwrite            bool
		want                 string // "": started over
	}{
		{"another version", oldLine, "v1.0.0", false, "it was run by statecraft v1.0.0, this is v1.1.0; pass --overwrite to start over"},
		{"the same version, a line damaged", oldLine, "v1.1.0", false, "journal cannot be read (journal "},
		{"the same version, a line damaged, overwritten", oldLine, "v1.1.0", true, ""},
		{"a first line that is not an identity", "", "", false, "not a journal's first line"},
		{"a first line that is not an identity, overwritten", "", "", true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			s := &Shard{Dir: dir, Ext: ".parquet"}
			if err := os.MkdirAll(s.root(), 0o755); err != nil {
				t.Fatal(err)
			}
			first := `{"identity":{"version":"` + c.version + `","jobs":1}}`
			if c.version == "" {
				first = `{"checkpoint":{"jobs":[]}}`
			}
			if err := os.WriteFile(s.JournalPath(), []byte(first+"\n"+c.wrote+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			j, res, err := s.Start(Identity{Version: "v1.1.0", Jobs: 1}, c.overwrite)
			if c.want != "" {
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("start: %v, want %q", err, c.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("start with --overwrite: %v", err)
			}
			defer j.Close()
			if len(res.Checkpoints) != 0 || res.Committed {
				t.Errorf("started over with %d checkpoints kept (committed %v)", len(res.Checkpoints), res.Committed)
			}
			st, err := readJournal(s.JournalPath())
			if err != nil || st == nil || st.damaged != nil || st.identity.Version != "v1.1.0" {
				t.Errorf("the new journal: %+v, %v", st, err)
			}
		})
	}
}

// FuzzCheckpointLine: whatever line the fast checkpoint reader reads,
// encoding/json reads the same.
func FuzzCheckpointLine(f *testing.F) {
	f.Add([]byte(`{"checkpoint":{"parts":[{"name":"a\"]","rows":[1]}],"jobs":[{"i":3,"k":"AAAAAAAA8D8AAAAAAAAAQA=="},{"i":4}]}}`))
	f.Add([]byte(`{"checkpoint":{"jobs":[]}}`))
	f.Add([]byte(`{"checkpoint":{"jobs":null}}`))
	f.Fuzz(func(t *testing.T, text []byte) {
		fast, ok := readCheckpointLine(text)
		if !ok {
			return
		}
		var l journalLine
		if err := json.Unmarshal(text, &l); err != nil || l.Checkpoint == nil || !sameCheckpoint(fast, l.Checkpoint) {
			t.Fatalf("%q: the fast reader read %+v; encoding/json %+v, %v", text, fast, l.Checkpoint, err)
		}
	})
}
