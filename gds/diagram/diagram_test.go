package diagram_test

import (
	"bytes"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/gds/diagram"
	"github.com/statecraft/statecraft/gds/internal/fixture"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/")

// diagramModel and structureModel are the fixture models (see
// gds/internal/fixture).
func diagramModel(t testing.TB) *gds.Model { return mustModel(t)(fixture.Diagram()) }

func structureModel(t testing.TB, alpha float64) *gds.Model {
	return mustModel(t)(fixture.Structure(alpha))
}

func mustModel(t testing.TB) func(*gds.Model, error) *gds.Model {
	return func(m *gds.Model, err error) *gds.Model {
		t.Helper()
		if err != nil {
			t.Fatalf("Build: %v", err)
		}
		return m
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./gds -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test ./gds -run %s -update rewrites it):\n--- got\n%s\n--- want\n%s", path, t.Name(), got, want)
	}
}

type writer func(io.Writer, *gds.Model) error

var formats = []struct {
	name string
	ext  string
	fn   writer
}{
	{"text", "txt", diagram.Text},
	{"mermaid", "mmd", diagram.Mermaid},
	{"dot", "dot", diagram.DOT},
}

func render(t *testing.T, fn writer, m *gds.Model) string {
	t.Helper()
	var buf bytes.Buffer
	if err := fn(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestDiagramGolden(t *testing.T) {
	m := diagramModel(t)
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			out := render(t, f.fn, m)
			golden(t, "diagram."+f.ext, []byte(out))
			if again := render(t, f.fn, diagramModel(t)); again != out {
				t.Errorf("two builds of the model render differently")
			}
		})
	}
}

// TestDiagramEdges: every read, lag, parameter, signal and write of the
// structure is an edge of the Mermaid and DOT graphs, and there are no
// other edges.
func TestDiagramEdges(t *testing.T) {
	for _, m := range []*gds.Model{diagramModel(t), structureModel(t, 1.1)} {
		mmd := render(t, diagram.Mermaid, m)
		dot := render(t, diagram.DOT, m)
		mmdEdge := regexp.MustCompile(`(?m)^  (\S+) (-->|-\.->|==>)(?:\|"([^"]*)"\|)? (\S+)$`)
		dotEdge := regexp.MustCompile(`(?m)^  (\S+) -> (\S+)(?: \[(.*)\])?;$`)
		gotM := map[string]bool{}
		for _, e := range mmdEdge.FindAllStringSubmatch(mmd, -1) {
			gotM[e[1]+" "+e[2]+" "+e[4]+" "+e[3]] = true
		}
		gotD := map[string]bool{}
		for _, e := range dotEdge.FindAllStringSubmatch(dot, -1) {
			gotD[e[1]+" "+e[2]+" "+e[3]] = true
		}
		want := 0
		check := func(from, to, arrow, label, attrs string) {
			t.Helper()
			want++
			if k := from + " " + arrow + " " + to + " " + label; !gotM[k] {
				t.Errorf("%s: Mermaid lacks edge %q:\n%s", m.Name(), k, mmd)
			}
			if k := from + " " + to + " " + attrs; !gotD[k] {
				t.Errorf("%s: DOT lacks edge %q:\n%s", m.Name(), k, dot)
			}
		}
		rules := map[string]gds.Rule{}
		for _, s := range m.Signals() {
			rules[s.Name] = s.Rule
		}
		for i, ps := range m.Structure() {
			for j, bl := range ps.Blocks {
				id := blockID(i, j)
				for _, v := range bl.Reads {
					var lags []string
					for _, l := range bl.Lags {
						if strings.HasPrefix(l, v+"[") {
							lags = append(lags, l)
						}
					}
					label := strings.Join(lags, ", ")
					attrs := ""
					if label != "" {
						attrs = `label="` + label + `"`
					}
					check("v_"+v, id, "-->", label, attrs)
				}
				for _, p := range bl.Params {
					check("p_"+p, id, "-.->", "", "style=dotted")
				}
				if bl.Writes != "" {
					check(id, "v_"+bl.Writes, "==>", "", "penwidth=2")
				}
				if !bl.Policy {
					continue
				}
				for k, up := range ps.Blocks {
					var sigs []string
					for _, s := range up.SignalsIn {
						for _, o := range bl.SignalsOut {
							if s == o {
								if rules[s] != gds.Sum {
									s += " (" + rules[s].String() + ")"
								}
								sigs = append(sigs, s)
							}
						}
					}
					if len(sigs) > 0 {
						label := strings.Join(sigs, ", ")
						check(id, blockID(i, k), "-->", label, `label="`+label+`"`)
					}
				}
			}
		}
		if len(gotM) != want || len(gotD) != want {
			t.Errorf("%s: %d edges expected; Mermaid has %d, DOT %d", m.Name(), want, len(gotM), len(gotD))
		}
	}
}

func blockID(i, j int) string {
	return "b_" + strconv.Itoa(i+1) + "_" + strconv.Itoa(j+1)
}

// TestDiagramNodes: every variable, parameter, PSUB and block has its node,
// with the shape of its kind, and the same-named policy and update get
// distinct ids.
func TestDiagramNodes(t *testing.T) {
	m := diagramModel(t)
	mmd := render(t, diagram.Mermaid, m)
	dot := render(t, diagram.DOT, m)
	for _, want := range []string{
		`v_n[("n")]`, `v_x[("x (lags 2)<br/>`, `p_k{{"k = 4"}}`, `p_weights{{"weights = [0.5, 0.25]"}}`,
		`subgraph s_1 ["PSUB 1: grow"]`, `subgraph s_3 ["PSUB 3: settle"]`,
		`b_1_1(["growth"])`, `b_1_4["x"]`, `b_1_5["count"]`, `class v_x,v_y,v_n,v_mode,v_bal,v_traders,v_z state`,
		`class b_1_1,b_1_2,b_1_3 policy`,
	} {
		if !strings.Contains(mmd, want) {
			t.Errorf("Mermaid lacks %q:\n%s", want, mmd)
		}
	}
	for _, want := range []string{
		`v_n [shape=cylinder`, `p_k [shape=hexagon`, `subgraph cluster_2 {`, `label="PSUB 2: follow";`,
		`b_1_1 [shape=box, style="rounded,filled"`, `b_2_1 [shape=box, style=filled`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %q:\n%s", want, dot)
		}
	}
	if !strings.HasPrefix(mmd, "flowchart LR\n") {
		t.Errorf("Mermaid does not start with flowchart LR")
	}
}

// TestDiagramEscaping: docs and defaults with quotes, markup, entity
// characters, backslashes and line breaks cannot break out of a label.
func TestDiagramEscaping(t *testing.T) {
	m := diagramModel(t)
	mmd := render(t, diagram.Mermaid, m)
	for _, want := range []string{
		`the #34;x#34; #60;b#62;level#60;/b#62; #38; #35;1; a|b {c} [d] (e) #96;f#96;`,
		`y<br/>first line second line`,
		`alpha = 1.1<br/>growth #34;rate#34;`,
		`label = #34;a \#34;b\#34;#34;`,
	} {
		if !strings.Contains(mmd, want) {
			t.Errorf("Mermaid lacks %q:\n%s", want, mmd)
		}
	}
	// inside every Mermaid label, no raw quote, < or > is left
	label := regexp.MustCompile(`\["(.*?)"\]|\{\{"(.*?)"\}\}|\(\["(.*?)"\]\)|\|"(.*?)"\|`)
	for _, l := range label.FindAllStringSubmatch(mmd, -1) {
		body := strings.Join(l[1:], "")
		if strings.ContainsAny(strings.ReplaceAll(body, "<br/>", ""), "\"<>`\n") {
			t.Errorf("unescaped label %q", body)
		}
	}
	dot := render(t, diagram.DOT, m)
	for _, want := range []string{
		`label="x (lags 2)\nthe \"x\" <b>level</b> & #1; a|b {c} [d] (e) ` + "`f`" + `"`,
		`label="mode\nback\\slash"`,
		`label="y\nfirst line second line"`,
		`label="label = \"a \\\"b\\\"\""`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %q:\n%s", want, dot)
		}
	}
	text := render(t, diagram.Text, m)
	if !strings.Contains(text, "first line second line") || strings.Contains(text, "\t") {
		t.Errorf("text keeps line breaks or tabs of docs:\n%s", text)
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("trailing space in %q", line)
		}
	}
}

// TestDiagramText: the text format lists declarations and, per block, what
// it reads and writes.
func TestDiagramText(t *testing.T) {
	m := structureModel(t, 1.1)
	text := render(t, diagram.Text, m)
	for _, want := range []string{
		"model structure  hash " + m.Hash() + "\n",
		"2 PSUBs, 5 blocks; 3 state variables, 3 parameters, 3 signals\n",
		"  x  float  1  lags 2  the x\n",
		"  alpha   float  1.1   growth\n",
		"  cnt  int    max\n",
		"  log  list   append\n",
		"\nPSUB 1: grow\n  policy growth\n      reads    x\n      lags     x[2]\n      params   alpha\n      emits    dx, log\n",
		"  update count\n      signals  cnt, log\n      writes   n\n",
		"\nPSUB 2: follow\n  update y\n      reads    x, y\n      lags     x[1]\n      writes   y\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

// TestDiagramDOTRenders: dot accepts the output (skipped without Graphviz).
func TestDiagramDOTRenders(t *testing.T) {
	path, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz dot is not installed")
	}
	for _, m := range []*gds.Model{diagramModel(t), structureModel(t, 1.1)} {
		cmd := exec.Command(path, "-Tsvg")
		cmd.Stdin = strings.NewReader(render(t, diagram.DOT, m))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 {
			t.Errorf("%s: dot -Tsvg: %v\n%s", m.Name(), err, stderr.String())
		}
		if !bytes.Contains(out, []byte("<svg")) {
			t.Errorf("%s: dot -Tsvg wrote no SVG", m.Name())
		}
	}
}

func TestDiagramWriteError(t *testing.T) {
	m := structureModel(t, 1.1)
	for _, f := range formats {
		if err := f.fn(failWriter{}, m); err == nil {
			t.Errorf("%s: no error from a failing writer", f.name)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

// TestDiagramRecords: a population declared at run time (gds.Records)
// shows its records by count, as AgentsOf populations do.
func TestDiagramRecords(t *testing.T) {
	b := gds.NewBuilder("pop")
	fields := []gds.RecordField{{Name: "w", Kind: gds.KindFloat}}
	init := gds.MakeColumns(fields, 3)
	h := b.Records("members", fields, init, gds.Doc("the members"))
	b.PSUB("p", h.Update(func(*gds.Ctx, *gds.Columns) {}))
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if text := render(t, diagram.Text, m); !strings.Contains(text, "  members  agents  3 records  the members") {
		t.Errorf("text:\n%s", text)
	}
}
