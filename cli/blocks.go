package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/internal/names"
)

// cmdBlocks lists the registered library blocks that model files can use,
// with their arguments, as text or as a markdown reference: all of them,
// or those of the families and the blocks named (an unknown name is an
// error with the nearest one).
func cmdBlocks(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("blocks", "blocks [FAMILY|FAMILY.NAME ...] [--markdown]", stderr)
	md := fs.Bool("markdown", false, "print a markdown reference")
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	want := map[string]bool{} // families and block names asked for
	var families []string
	all := blocks.Names()
	for _, name := range all {
		fam, _, _ := strings.Cut(name, ".")
		if !slices.Contains(families, fam) {
			families = append(families, fam)
		}
	}
	for _, f := range pos {
		switch {
		case slices.Contains(families, f), slices.Contains(all, f):
			want[f] = true
		case strings.Contains(f, "."):
			fmt.Fprintf(stderr, "statecraft blocks: no block %q%s; 'statecraft blocks' lists them\n", f, names.Suggest(f, all))
			return ExitUsage
		default:
			fmt.Fprintf(stderr, "statecraft blocks: no block family %q%s; families: %s\n", f, names.Suggest(f, families), strings.Join(families, ", "))
			return ExitUsage
		}
	}
	family := ""
	for _, name := range all {
		fam, _, _ := strings.Cut(name, ".")
		if len(want) > 0 && !want[fam] && !want[name] {
			continue
		}
		d, _ := blocks.Lookup(name)
		if *md && fam != family {
			fmt.Fprintf(stdout, "\n### %s\n\n| block | kind | arguments | what it does |\n|---|---|---|---|\n", fam)
		}
		family = fam
		writeBlock(stdout, d, *md)
	}
	return ExitOK
}

func writeBlock(w io.Writer, d blocks.Def, md bool) {
	kind := "policy"
	if !d.Policy {
		kind = "update (" + d.Target.String() + ")"
	}
	var args []string
	for _, a := range d.Args {
		s := a.Name + " " + a.Kind.String()
		switch {
		case a.Output:
			s += " → signal"
		case a.Default != "":
			s += " = " + a.Default
		}
		args = append(args, s)
	}
	if md {
		fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", d.Name, kind, strings.ReplaceAll(strings.Join(args, ", "), "|", `\|`), strings.ReplaceAll(d.Doc, "|", `\|`))
		return
	}
	fmt.Fprintf(w, "%-26s %-16s %s\n", d.Name, kind, d.Doc)
	if len(args) > 0 {
		fmt.Fprintf(w, "%-26s %-16s args: %s\n", "", "", strings.Join(args, ", "))
	}
}
