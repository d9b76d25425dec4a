package ledger

import (
	"fmt"

	"github.com/statecraft/statecraft/blocks"
	"github.com/statecraft/statecraft/gds"
)

func init() {
	blocks.MustRegister(blocks.Def{
		Name:   "ledger.split",
		Doc:    "splits an amount among payees in proportion to shares, exactly: the parts add up to the amount (the last takes what rounding leaves)",
		Policy: true,
		Args: []blocks.Arg{
			{Name: "amount", Kind: gds.KindFloat, Doc: "what to split"},
			{Name: "shares", Kind: gds.KindVec, Doc: "one share per payee, >= 0, normalised by their sum"},
			{Name: "parts", Kind: gds.KindVec, Output: true, Doc: "the parts, one per payee"},
		},
		New: func(b *blocks.Binding) (gds.Block, error) {
			amount, shares, out := b.Float("amount"), b.Vec("shares"), b.VecSignal("parts")
			buf := b.Builder.Scratch()
			name := b.Name
			return gds.Policy(name, func(c *gds.Ctx) {
				p := buf.Buf(c)
				parts, err := Split(amount(c), shares(c), *p)
				if err != nil {
					panic(fmt.Errorf("ledger.split at timestep %d: %w", c.T, err))
				}
				*p = parts
				out.Emit(c, parts)
			}).Emits(out), nil
		},
	})
}
