// Package diagram renders a built model as a description of its
// generalized dynamical system: as aligned text (Text), as a Mermaid
// flowchart (Mermaid) and as a Graphviz DOT graph (DOT). Everything comes
// from the model's declarations (Vars, Params, Signals) and its traced
// Structure; no source is parsed. The output is deterministic:
// declarations keep their declaration order, PSUBs and blocks their
// position, and the sets of the structure are sorted by name.
package diagram

import (
	"bufio"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/statecraft/statecraft/gds"
)

// This file renders a built model as a description of its generalized
// dynamical system: as aligned text, as a Mermaid flowchart and as a
// Graphviz DOT graph. Everything comes from the declarations (Vars, Params,
// Signals) and the traced Structure; no source is parsed. The output is
// deterministic: declarations keep their declaration order, PSUBs and blocks
// their position, and the sets of the structure are sorted by name.

// Text writes a terminal-friendly description of the model: its name
// and hash; its state variables (kind, initial value, lags, doc),
// parameters (kind, default, bounds, doc) and signals (kind, rule); then
// each PSUB in order with, for each block, what it reads (state, lags as
// x[k], parameters, signals) and what it emits or writes.
func Text(w io.Writer, m *gds.Model) error {
	bw := bufio.NewWriter(w)
	nblocks := 0
	for _, ps := range m.Structure() {
		nblocks += len(ps.Blocks)
	}
	fmt.Fprintf(bw, "model %s  hash %s\n", m.Name(), m.Hash())
	fmt.Fprintf(bw, "%s, %s; %s, %s, %s\n",
		plural(len(m.Structure()), "PSUB", "PSUBs"), plural(nblocks, "block", "blocks"),
		plural(len(m.Vars()), "state variable", "state variables"),
		plural(len(m.Params()), "parameter", "parameters"),
		plural(len(m.Signals()), "signal", "signals"))

	init := m.InitialState()
	if len(m.Vars()) > 0 {
		fmt.Fprintf(bw, "\nstate variables\n")
		var rows [][]string
		for _, v := range m.Vars() {
			val, _ := init.Get(v.Name)
			lags := ""
			if v.Lags > 0 {
				lags = "lags " + strconv.Itoa(v.Lags)
			}
			doc := oneLine(v.Doc)
			if len(v.Fields) > 0 {
				doc = strings.TrimSpace(doc + " (fields " + fieldList(v.Fields) + ")")
			}
			rows = append(rows, []string{v.Name, v.Kind.String(), formatValue(val), lags, doc})
		}
		writeTable(bw, "  ", rows)
	}
	if len(m.Params()) > 0 {
		fmt.Fprintf(bw, "\nparameters\n")
		var rows [][]string
		for _, p := range m.Params() {
			rows = append(rows, []string{p.Name, p.Kind.String(), formatValue(p.Default), bounds(p), oneLine(p.Doc)})
		}
		writeTable(bw, "  ", rows)
	}
	if len(m.Signals()) > 0 {
		fmt.Fprintf(bw, "\nsignals\n")
		var rows [][]string
		for _, s := range m.Signals() {
			rows = append(rows, []string{s.Name, s.Kind.String(), s.Rule.String()})
		}
		writeTable(bw, "  ", rows)
	}
	for i, ps := range m.Structure() {
		fmt.Fprintf(bw, "\nPSUB %d: %s\n", i+1, ps.Name)
		for _, bl := range ps.Blocks {
			var rows [][]string
			add := func(label string, names []string, always bool) {
				if len(names) == 0 && !always {
					return
				}
				list := "-"
				if len(names) > 0 {
					list = strings.Join(names, ", ")
				}
				rows = append(rows, []string{label, list})
			}
			if bl.Policy {
				fmt.Fprintf(bw, "  policy %s\n", bl.Name)
			} else {
				fmt.Fprintf(bw, "  update %s\n", bl.Name)
			}
			add("reads", bl.Reads, false)
			add("lags", bl.Lags, false)
			add("params", bl.Params, false)
			add("signals", bl.SignalsIn, false)
			if bl.Policy {
				add("emits", bl.SignalsOut, true)
			} else {
				add("writes", []string{bl.Writes}, true)
			}
			for _, r := range rows {
				fmt.Fprintf(bw, "      %-8s %s\n", r[0], r[1])
			}
		}
	}
	return bw.Flush()
}

// Mermaid writes the model as a Mermaid flowchart (left to right) that
// GitHub renders: one subgraph per PSUB, in order, labelled with its number
// and name; policies as stadiums and updates as rectangles; state variables
// as cylinders and parameters as hexagons, outside the PSUBs. Edges go from
// a variable to each block that reads it (labelled with the lags read, if
// any), dotted from a parameter to each block that reads it, from a policy to
// each update of its PSUB that reads a signal it emits (labelled with the
// signals, and their rule unless it is sum), and thick from an update to the
// variable it writes. Node ids are v_NAME, p_NAME and b_PSUB_BLOCK (1-based),
// so names never clash with Mermaid keywords or with one another.
func Mermaid(w io.Writer, m *gds.Model) error {
	bw := bufio.NewWriter(w)
	g := newGraph(m)
	fmt.Fprintf(bw, "flowchart LR\n")
	fmt.Fprintf(bw, "  %%%% model %s, hash %s\n", mermaidComment(m.Name()), m.Hash())
	for _, v := range m.Vars() {
		fmt.Fprintf(bw, "  %s[(\"%s\")]\n", varID(v.Name), mermaidLabel(varLabel(v)...))
	}
	for _, p := range m.Params() {
		fmt.Fprintf(bw, "  %s{{\"%s\"}}\n", paramID(p.Name), mermaidLabel(paramLabel(p)...))
	}
	for i, ps := range m.Structure() {
		fmt.Fprintf(bw, "  subgraph %s [\"%s\"]\n", psubID(i), mermaidLabel(psubLabel(i, ps.Name)))
		for j, bl := range ps.Blocks {
			if bl.Policy {
				fmt.Fprintf(bw, "    %s([\"%s\"])\n", blockID(i, j), mermaidLabel(bl.Name))
			} else {
				fmt.Fprintf(bw, "    %s[\"%s\"]\n", blockID(i, j), mermaidLabel(bl.Name))
			}
		}
		fmt.Fprintf(bw, "  end\n")
	}
	for _, e := range g.edges {
		arrow := "-->"
		switch e.kind {
		case edgeParam:
			arrow = "-.->"
		case edgeWrite:
			arrow = "==>"
		}
		if e.label != "" {
			fmt.Fprintf(bw, "  %s %s|\"%s\"| %s\n", e.from, arrow, mermaidLabel(e.label), e.to)
		} else {
			fmt.Fprintf(bw, "  %s %s %s\n", e.from, arrow, e.to)
		}
	}
	fmt.Fprintf(bw, "  classDef state fill:#dbeafe,stroke:#1d4ed8,color:#111111\n")
	fmt.Fprintf(bw, "  classDef param fill:#fef3c7,stroke:#b45309,color:#111111\n")
	fmt.Fprintf(bw, "  classDef policy fill:#dcfce7,stroke:#15803d,color:#111111\n")
	fmt.Fprintf(bw, "  classDef update fill:#fee2e2,stroke:#b91c1c,color:#111111\n")
	for _, c := range []struct {
		class string
		ids   []string
	}{{"state", g.varIDs}, {"param", g.paramIDs}, {"policy", g.policyIDs}, {"update", g.updateIDs}} {
		if len(c.ids) > 0 {
			fmt.Fprintf(bw, "  class %s %s\n", strings.Join(c.ids, ","), c.class)
		}
	}
	return bw.Flush()
}

// DOT writes the model as a Graphviz DOT digraph, the same graph as
// WriteMermaid: one cluster per PSUB, policies as rounded boxes and updates
// as boxes, state variables as cylinders and parameters as hexagons, dotted
// edges from parameters and bold edges from updates to the variables they
// write. Render it with, for example, dot -Tsvg.
func DOT(w io.Writer, m *gds.Model) error {
	bw := bufio.NewWriter(w)
	g := newGraph(m)
	fmt.Fprintf(bw, "digraph %s {\n", dotQuote(m.Name()))
	fmt.Fprintf(bw, "  // model %s, hash %s\n", dotComment(m.Name()), m.Hash())
	fmt.Fprintf(bw, "  rankdir=LR;\n")
	fmt.Fprintf(bw, "  graph [fontname=\"Helvetica\", fontsize=12];\n")
	fmt.Fprintf(bw, "  node [fontname=\"Helvetica\", fontsize=11];\n")
	fmt.Fprintf(bw, "  edge [fontname=\"Helvetica\", fontsize=10];\n")
	for _, v := range m.Vars() {
		fmt.Fprintf(bw, "  %s [shape=cylinder, style=filled, fillcolor=\"#dbeafe\", color=\"#1d4ed8\", label=%s];\n",
			varID(v.Name), dotLabel(varLabel(v)...))
	}
	for _, p := range m.Params() {
		fmt.Fprintf(bw, "  %s [shape=hexagon, margin=\"0.02,0.02\", style=filled, fillcolor=\"#fef3c7\", color=\"#b45309\", label=%s];\n",
			paramID(p.Name), dotLabel(paramLabel(p)...))
	}
	for i, ps := range m.Structure() {
		fmt.Fprintf(bw, "  subgraph cluster_%d {\n", i+1)
		fmt.Fprintf(bw, "    label=%s;\n", dotLabel(psubLabel(i, ps.Name)))
		fmt.Fprintf(bw, "    style=rounded;\n    color=\"#6b7280\";\n")
		for j, bl := range ps.Blocks {
			if bl.Policy {
				fmt.Fprintf(bw, "    %s [shape=box, style=\"rounded,filled\", fillcolor=\"#dcfce7\", color=\"#15803d\", label=%s];\n",
					blockID(i, j), dotLabel(bl.Name))
			} else {
				fmt.Fprintf(bw, "    %s [shape=box, style=filled, fillcolor=\"#fee2e2\", color=\"#b91c1c\", label=%s];\n",
					blockID(i, j), dotLabel(bl.Name))
			}
		}
		fmt.Fprintf(bw, "  }\n")
	}
	for _, e := range g.edges {
		var attrs []string
		switch e.kind {
		case edgeParam:
			attrs = append(attrs, "style=dotted")
		case edgeWrite:
			attrs = append(attrs, "penwidth=2")
		}
		if e.label != "" {
			attrs = append(attrs, "label="+dotLabel(e.label))
		}
		if len(attrs) > 0 {
			fmt.Fprintf(bw, "  %s -> %s [%s];\n", e.from, e.to, strings.Join(attrs, ", "))
		} else {
			fmt.Fprintf(bw, "  %s -> %s;\n", e.from, e.to)
		}
	}
	fmt.Fprintf(bw, "}\n")
	return bw.Flush()
}

// Edge kinds of the diagram graph.
const (
	edgeRead   = iota // state variable → block
	edgeParam         // parameter → block
	edgeSignal        // policy → update
	edgeWrite         // update → state variable
)

type graphEdge struct {
	kind     int
	from, to string
	label    string
}

// graph is the diagram shared by WriteMermaid and WriteDOT.
type graph struct {
	edges                                  []graphEdge
	varIDs, paramIDs, policyIDs, updateIDs []string
}

// newGraph lays out the model's structure as nodes and edges, block by
// block in PSUB order: reads, parameters, signals, then the write.
func newGraph(m *gds.Model) *graph {
	g := &graph{}
	for _, v := range m.Vars() {
		g.varIDs = append(g.varIDs, varID(v.Name))
	}
	for _, p := range m.Params() {
		g.paramIDs = append(g.paramIDs, paramID(p.Name))
	}
	rules := map[string]gds.Rule{}
	for _, s := range m.Signals() {
		rules[s.Name] = s.Rule
	}
	for i, ps := range m.Structure() {
		for j, bl := range ps.Blocks {
			id := blockID(i, j)
			if bl.Policy {
				g.policyIDs = append(g.policyIDs, id)
			} else {
				g.updateIDs = append(g.updateIDs, id)
			}
			for _, v := range bl.Reads {
				g.edges = append(g.edges, graphEdge{kind: edgeRead, from: varID(v), to: id, label: strings.Join(lagsOf(bl.Lags, v), ", ")})
			}
			for _, p := range bl.Params {
				g.edges = append(g.edges, graphEdge{kind: edgeParam, from: paramID(p), to: id})
			}
			if bl.Policy {
				out := map[string]bool{}
				for _, s := range bl.SignalsOut {
					out[s] = true
				}
				for k, up := range ps.Blocks {
					if up.Policy {
						continue
					}
					var labels []string
					for _, s := range up.SignalsIn {
						if out[s] {
							if r := rules[s]; r != gds.Sum {
								s += " (" + r.String() + ")"
							}
							labels = append(labels, s)
						}
					}
					if len(labels) > 0 {
						g.edges = append(g.edges, graphEdge{kind: edgeSignal, from: id, to: blockID(i, k), label: strings.Join(labels, ", ")})
					}
				}
			} else if bl.Writes != "" {
				g.edges = append(g.edges, graphEdge{kind: edgeWrite, from: id, to: varID(bl.Writes)})
			}
		}
	}
	return g
}

// lagsOf returns the entries of lags ("x[2]") that belong to variable v.
func lagsOf(lags []string, v string) []string {
	var out []string
	for _, l := range lags {
		if i := strings.LastIndexByte(l, '['); i >= 0 && l[:i] == v {
			out = append(out, l)
		}
	}
	return out
}

func varID(name string) string   { return "v_" + name }
func paramID(name string) string { return "p_" + name }
func psubID(i int) string        { return "s_" + strconv.Itoa(i+1) }
func blockID(i, j int) string    { return "b_" + strconv.Itoa(i+1) + "_" + strconv.Itoa(j+1) }

func psubLabel(i int, name string) string { return fmt.Sprintf("PSUB %d: %s", i+1, name) }

// varLabel is a variable's label lines: name (and lags), then the doc.
func varLabel(v gds.VarInfo) []string {
	head := v.Name
	if v.Lags > 0 {
		head += " (lags " + strconv.Itoa(v.Lags) + ")"
	}
	if d := oneLine(v.Doc); d != "" {
		return []string{head, d}
	}
	return []string{head}
}

// paramLabel is a parameter's label lines: name = default, then the doc.
func paramLabel(p gds.ParamInfo) []string {
	head := p.Name + " = " + formatValue(p.Default)
	if d := oneLine(p.Doc); d != "" {
		return []string{head, d}
	}
	return []string{head}
}

// mermaidLabel escapes label lines for a double-quoted Mermaid label and
// joins them with line breaks. Characters that Mermaid or the HTML it
// renders would interpret are written as Mermaid entity codes (#34; is ").
func mermaidLabel(lines ...string) string {
	var sb strings.Builder
	for i, l := range lines {
		if i > 0 {
			sb.WriteString("<br/>")
		}
		for _, r := range oneLine(l) {
			switch r {
			case '"', '#', '<', '>', '&', '`':
				fmt.Fprintf(&sb, "#%d;", r)
			default:
				sb.WriteRune(r)
			}
		}
	}
	return sb.String()
}

// mermaidComment makes s safe inside a %% comment line.
func mermaidComment(s string) string { return oneLine(s) }

// dotQuote returns s as a DOT double-quoted string.
func dotQuote(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, r := range oneLine(s) {
		if r == '"' || r == '\\' {
			sb.WriteByte('\\')
		}
		sb.WriteRune(r)
	}
	sb.WriteByte('"')
	return sb.String()
}

// dotLabel returns label lines as one DOT double-quoted label, the lines
// separated by \n. Backslashes and quotes are escaped, so a doc cannot
// inject DOT escapes such as \N or \G.
func dotLabel(lines ...string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for i, l := range lines {
		if i > 0 {
			sb.WriteString(`\n`)
		}
		for _, r := range oneLine(l) {
			if r == '"' || r == '\\' {
				sb.WriteByte('\\')
			}
			sb.WriteRune(r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

// dotComment makes s safe inside a // comment line.
func dotComment(s string) string { return oneLine(s) }

// oneLine replaces line breaks, tabs and other control characters by
// spaces and trims the result.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s))
}

// formatValue writes a declared value as a config would: numbers in
// shortest form, strings quoted, vectors as [a, b], agents and graphs by
// count.
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case string:
		return strconv.Quote(x)
	case []float64:
		parts := make([]string, len(x))
		for i, f := range x {
			parts[i] = strconv.FormatFloat(f, 'g', -1, 64)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case gds.Columns: // records declared at run time (gds.Records)
		return plural(x.N, "record", "records")
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice {
		return plural(rv.Len(), "record", "records")
	}
	if rv.Kind() == reflect.Struct {
		if n, e := rv.FieldByName("Nodes"), rv.FieldByName("Edges"); n.Kind() == reflect.Slice && e.Kind() == reflect.Slice {
			return plural(n.Len(), "node", "nodes") + ", " + plural(e.Len(), "edge", "edges") // a gds.GraphData
		}
	}
	return oneLine(fmt.Sprint(v))
}

// bounds describes a parameter's bounds: "in [min, max]", ">= min",
// "<= max", or "" when it has none.
func bounds(p gds.ParamInfo) string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	switch {
	case p.Min != nil && p.Max != nil:
		return "in [" + f(*p.Min) + ", " + f(*p.Max) + "]"
	case p.Min != nil:
		return ">= " + f(*p.Min)
	case p.Max != nil:
		return "<= " + f(*p.Max)
	}
	return ""
}

func fieldList(fields []gds.FieldInfo) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.Name + " " + f.Kind.String()
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// writeTable writes rows with their columns aligned, two spaces apart,
// each line prefixed by indent and without trailing spaces. Columns empty in
// every row are left out.
func writeTable(w io.Writer, indent string, rows [][]string) {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		var sb strings.Builder
		sb.WriteString(indent)
		for i, c := range r {
			if width[i] == 0 {
				continue
			}
			sb.WriteString(c)
			sb.WriteString(strings.Repeat(" ", width[i]-len([]rune(c))+2))
		}
		fmt.Fprintln(w, strings.TrimRight(sb.String(), " "))
	}
}
