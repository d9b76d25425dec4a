package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/cli"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
)

// guide is the cadCAD migration guide, relative to the repository root.
const guide = "docs/migrating-from-cadcad.md"

// guideNames are the Go names that the guide's prose spells (in inline
// code, outside the code blocks): `gds.X`, `models.X`, `cli.X`, and
// `b.X` and `c.X` for a gds.Builder and a gds.Ctx, as the guide calls
// them. Each refers to the real thing, so renaming one breaks the build of
// this test; a name the guide uses that is missing here fails it.
var guideNames = map[string]any{
	"gds.AgentsOf":    gds.AgentsOf[struct{}],
	"gds.Builder":     (*gds.Builder)(nil),
	"gds.Concat":      gds.Concat,
	"gds.Ctx":         (*gds.Ctx)(nil),
	"gds.Lags":        gds.Lags,
	"gds.Last":        gds.Last,
	"gds.ListOf":      gds.ListOf[int],
	"gds.Max":         gds.Max,
	"gds.Min":         gds.Min,
	"gds.NewBuilder":  gds.NewBuilder,
	"gds.Policy":      gds.Policy,
	"gds.Product":     gds.Product,
	"gds.Schedule":    gds.Schedule{DropSubsteps: true, Every: 1, FinalOnly: false},
	"gds.SignalOf":    gds.SignalOf[int],
	"gds.Sum":         gds.Sum,
	"b.Bool":          (*gds.Builder).Bool,
	"b.Float":         (*gds.Builder).Float,
	"b.FloatSignal":   (*gds.Builder).FloatSignal,
	"b.Int":           (*gds.Builder).Int,
	"b.IntSignal":     (*gds.Builder).IntSignal,
	"b.PSUB":          (*gds.Builder).PSUB,
	"b.ParamFloat":    (*gds.Builder).ParamFloat,
	"b.ParamInt":      (*gds.Builder).ParamInt,
	"b.String":        (*gds.Builder).String,
	"b.Vec":           (*gds.Builder).Vec,
	"b.VecSignal":     (*gds.Builder).VecSignal,
	"c.Rand":          func(c *gds.Ctx) any { return c.Rand },
	"c.Src":           func(c *gds.Ctx) any { return c.Src },
	"c.NormFloat64":   func(c *gds.Ctx) any { return c.NormFloat64 },
	"c.Substep":       func(c *gds.Ctx) any { return c.Substep },
	"c.T":             func(c *gds.Ctx) any { return c.T },
	"cli.Main":        cli.Main,
	"models.Entry":    models.Entry{},
	"models.Register": models.Register,
}

// A guide block is a fenced code block and the HTML comment on the line
// above it, which says how the block is checked:
//
//	<!-- file: PATH... [from "TEXT"] [until "TEXT"] -->  a copy of each file, or of a region
//	<!-- check: experiment -->, <!-- check: model -->    statecraft validate accepts it
//	<!-- output of: statecraft ARGS... -->              what the command prints
//
// A region starts at the first line containing the from text and ends
// before the next line containing the until text; its trailing blank lines
// and common indentation are dropped. Go and TOML blocks must carry a
// marker; in sh blocks every statecraft command is run.
type guideBlock struct {
	line   int // of the opening fence
	lang   string
	marker string
	text   string
}

// guideChecks are the markers and the checks of the blocks under them.
var guideChecks = []struct {
	kind   string
	marker *regexp.Regexp
	check  func(t *testing.T, b guideBlock)
}{
	{"file", fileMarker, checkCopy},
	{"check", checkMarker, checkSnippet},
	{"output", outputMarker, checkOutput},
}

var (
	fileMarker   = regexp.MustCompile(`^<!-- file: ([^"]+?)(?: from "([^"]*)")?(?: until "([^"]*)")? -->$`)
	checkMarker  = regexp.MustCompile(`^<!-- check: (experiment|model) -->$`)
	outputMarker = regexp.MustCompile(`^<!-- output of: (statecraft .+) -->$`)
	goName       = regexp.MustCompile(`\b(?:gds|models|cli|b|c)\.[A-Z]\w*`)
	inlineCode   = regexp.MustCompile("`[^`]+`")
)

// TestMigratingGuide keeps docs/migrating-from-cadcad.md true to the code:
// its copies of files equal the files, its configs and model files
// validate, its commands run and print what it shows, and the Go names
// of its prose exist. It runs the commands from the repository root, as
// the guide does, each run into a temporary directory.
func TestMigratingGuide(t *testing.T) {
	t.Chdir("..")
	data, err := os.ReadFile(guide)
	if err != nil {
		t.Fatal(err)
	}
	blocks, prose := parseGuide(t, string(data))
	for _, b := range blocks {
		kind, check := "", (func(*testing.T, guideBlock))(nil)
		for _, c := range guideChecks {
			if c.marker.MatchString(b.marker) {
				kind, check = c.kind, c.check
			}
		}
		switch {
		case check == nil && b.marker != "":
			t.Errorf("%s:%d: unknown marker %s", guide, b.line-1, b.marker)
		case check == nil && b.lang == "sh":
			kind, check = "commands", checkCommands
		case check == nil && (b.lang == "go" || b.lang == "toml"):
			t.Errorf("%s:%d: a %s block needs a marker: <!-- file: ... -->, <!-- check: ... --> or <!-- output of: ... -->", guide, b.line, b.lang)
		}
		if check != nil {
			t.Run(fmt.Sprintf("line%d_%s", b.line, kind), func(t *testing.T) { check(t, b) })
		}
	}
	t.Run("names", func(t *testing.T) { checkNames(t, prose) })
}

// parseGuide returns the guide's fenced blocks and its text outside them.
func parseGuide(t *testing.T, doc string) ([]guideBlock, string) {
	var blocks []guideBlock
	var prose strings.Builder
	var cur *guideBlock
	prev := ""
	for i, line := range strings.Split(doc, "\n") {
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &guideBlock{line: i + 1, lang: strings.TrimPrefix(line, "```")}
			if strings.HasPrefix(prev, "<!--") {
				cur.marker = prev
			}
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		default:
			prose.WriteString(line + "\n")
		}
		prev = line
	}
	if cur != nil {
		t.Fatalf("%s:%d: the block never closes", guide, cur.line)
	}
	return blocks, prose.String()
}

// checkCopy: the block equals each named file, or the region of it.
func checkCopy(t *testing.T, b guideBlock) {
	m := fileMarker.FindStringSubmatch(b.marker)
	for _, path := range strings.Fields(m[1]) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s:%d: %v", guide, b.line-1, err)
			continue
		}
		want, err := region(string(data), m[2], m[3])
		if err != nil {
			t.Errorf("%s:%d: %s: %v", guide, b.line-1, path, err)
			continue
		}
		if b.text != want {
			n, got, w := firstDiff(b.text, want)
			t.Errorf("%s:%d: the block is not a copy of %s any more; its line %d is\n\t%q\nbut the file has\n\t%q\nthe file's text:\n%s",
				guide, b.line, path, n, got, w, want)
		}
	}
}

// region returns the lines of text from the first containing from up to,
// not including, the next containing until ("": the start, the end), less
// trailing blank lines and common indentation.
func region(text, from, until string) (string, error) {
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	start, end := 0, len(lines)
	if from != "" {
		start = indexContaining(lines, 0, from)
		if start < 0 {
			return "", fmt.Errorf("no line contains %q", from)
		}
	}
	if until != "" {
		if end = indexContaining(lines, start+1, until); end < 0 {
			return "", fmt.Errorf("no line after %q contains %q", from, until)
		}
	}
	sel := lines[start:end]
	for len(sel) > 0 && strings.TrimSpace(sel[len(sel)-1]) == "" {
		sel = sel[:len(sel)-1]
	}
	indent, first := "", true
	for _, l := range sel {
		if strings.TrimSpace(l) == "" {
			continue
		}
		lead := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			indent, first = lead, false
		} else {
			indent = commonPrefix(indent, lead)
		}
	}
	var out strings.Builder
	for _, l := range sel {
		if strings.TrimSpace(l) == "" {
			out.WriteString("\n")
		} else {
			out.WriteString(strings.TrimPrefix(l, indent))
		}
	}
	if s := out.String(); !strings.HasSuffix(s, "\n") {
		return s + "\n", nil
	}
	return out.String(), nil
}

func indexContaining(lines []string, from int, s string) int {
	for i := from; i < len(lines); i++ {
		if strings.Contains(lines[i], s) {
			return i
		}
	}
	return -1
}

// commonPrefix returns the longest common prefix of a and b.
func commonPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return a[:n]
}

// firstDiff returns the first line (1-based) where a and b differ, and
// that line of each.
func firstDiff(a, b string) (int, string, string) {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; ; i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y || i >= len(la) || i >= len(lb) {
			return i + 1, x, y
		}
	}
}

// checkSnippet: statecraft validate accepts the block as an experiment
// config or a model file, with no warnings.
func checkSnippet(t *testing.T, b guideBlock) {
	kind := checkMarker.FindStringSubmatch(b.marker)[1]
	path := filepath.Join(t.TempDir(), kind+".toml")
	if err := os.WriteFile(path, []byte(b.text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run("validate", path)
	want := path + ": ok\n"
	if kind == "model" {
		want = path + ": ok: model "
	}
	if code != cli.ExitOK || !strings.HasPrefix(out, want) || errs != "" {
		t.Errorf("%s:%d: statecraft validate on the %s block: exit %d\n%s%s", guide, b.line, kind, code, out, errs)
	}
}

// checkOutput: the block is what the command prints (stdout, then stderr).
func checkOutput(t *testing.T, b guideBlock) {
	args := shellWords(outputMarker.FindStringSubmatch(b.marker)[1])
	_, out, errs := run(args[1:]...)
	if got := out + errs; got != b.text {
		n, g, w := firstDiff(got, b.text)
		t.Errorf("%s:%d: %s prints something else; at line %d it prints\n\t%q\nwhere the guide shows\n\t%q\nit prints:\n%s",
			guide, b.line, strings.Join(args, " "), n, g, w, got)
	}
}

// checkCommands runs every statecraft command of an sh block: run into a
// temporary directory, the others as they are. Each must exit 0.
func checkCommands(t *testing.T, b guideBlock) {
	lines := strings.Split(strings.ReplaceAll(b.text, "\\\n", " "), "\n")
	for _, line := range lines {
		args := shellWords(line)
		if len(args) < 2 || args[0] != "statecraft" {
			continue
		}
		args = args[1:]
		if args[0] == "run" {
			args = append(args, "--quiet", "--out", filepath.Join(t.TempDir(), "out"))
		}
		if code, _, errs := run(args...); code != cli.ExitOK {
			t.Errorf("%s:%d: %s: exit %d\n%s", guide, b.line, line, code, errs)
		}
	}
}

// shellWords splits a command line as sh would for the guide's commands:
// words separated by blanks, single and double quotes, backslash escapes,
// and a # comment from the start of a word.
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, r := range line {
		switch {
		case escaped:
			w.WriteRune(r)
			escaped = false
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '\\':
			escaped, inWord = true, true
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case r == '#' && !inWord:
			return words
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// checkNames: every Go name of the prose's inline code is in guideNames,
// and every entry of guideNames is still used.
func checkNames(t *testing.T, prose string) {
	used := map[string]bool{}
	for _, span := range inlineCode.FindAllString(prose, -1) {
		for _, n := range goName.FindAllString(span, -1) {
			used[n] = true
			if _, ok := guideNames[n]; !ok {
				t.Errorf("%s: %s in %s is not in guideNames: add it there, referring to the real name, so the compiler checks it", guide, n, span)
			}
		}
	}
	for n := range guideNames {
		if !used[n] {
			t.Errorf("guideNames has %s, which %s no longer uses: remove it", n, guide)
		}
	}
}
