package all_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks"
)

// documented are the blocks docs/blocks.md describes in sections of their
// own outside the network family (whose test checks its own).
var documented = []string{
	"metric.window_sum",
	"supply.halflife_emission", "supply.ramped_halflife_emission",
	"growth.saturating", "growth.step_rate", "growth.compound",
	"valuation.price_to_sales", "valuation.overall", "valuation.token_price",
	"ledger.split",
}

// TestBlocksDocumented: docs/blocks.md has a summary row and a section for
// each, naming every argument, with a usage snippet; and every block of
// the growth and valuation families is among them.
func TestBlocksDocumented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "blocks.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, n := range documented {
		d, ok := blocks.Lookup(n)
		if !ok {
			t.Errorf("%s is not registered", n)
			continue
		}
		anchor := strings.ReplaceAll(n, ".", "")
		if !strings.Contains(doc, fmt.Sprintf("| [`%s`](#%s) |", n, anchor)) {
			t.Errorf("docs/blocks.md: no summary row for %s", n)
		}
		_, sec, ok := strings.Cut(doc, "\n### "+n+"\n")
		if !ok {
			t.Errorf("docs/blocks.md: no section ### %s", n)
			continue
		}
		if i := strings.Index(sec, "\n#"); i >= 0 {
			sec = sec[:i]
		}
		for _, a := range d.Args {
			if !strings.Contains(sec, "| `"+a.Name+"` |") {
				t.Errorf("docs/blocks.md: section %s does not document argument %s", n, a.Name)
			}
		}
		if !strings.Contains(sec, `use = "`+n+`"`) {
			t.Errorf("docs/blocks.md: section %s has no usage snippet", n)
		}
	}
	for _, n := range blocks.Names() {
		fam, _, _ := strings.Cut(n, ".")
		if (fam == "growth" || fam == "valuation") && !strings.Contains(strings.Join(documented, " "), n) {
			t.Errorf("%s is not in the list of documented blocks", n)
		}
	}
}
