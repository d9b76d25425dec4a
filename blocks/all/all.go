// Package all is imported for its side effects, as image/png or a SQL
// driver is: it links every block family of the library (agent, amm,
// breaker, curve, demurrage, growth, metric, network, process, supply,
// valuation), each of which registers its blocks into blocks.Default.
//
//	import _ "github.com/statecraft/statecraft/blocks/all"
//
// Programs that load model files using library blocks (the statecraft
// command, tests) import it; a program that needs only some families can
// import those alone.
package all

import (
	_ "github.com/statecraft/statecraft/blocks/agent"
	_ "github.com/statecraft/statecraft/blocks/amm"
	_ "github.com/statecraft/statecraft/blocks/breaker"
	_ "github.com/statecraft/statecraft/blocks/curve"
	_ "github.com/statecraft/statecraft/blocks/demurrage"
	_ "github.com/statecraft/statecraft/blocks/growth"
	_ "github.com/statecraft/statecraft/blocks/ledger"
	_ "github.com/statecraft/statecraft/blocks/metric"
	_ "github.com/statecraft/statecraft/blocks/network"
	_ "github.com/statecraft/statecraft/blocks/process"
	_ "github.com/statecraft/statecraft/blocks/supply"
	_ "github.com/statecraft/statecraft/blocks/valuation"
)
