package bench

import (
	"math"

	"github.com/statecraft/statecraft/gds"
)

// ABMName is the registered name of the abm benchmark model.
const ABMName = "bench_abm"

// NAgents is the size of the abm population.
const NAgents = 100

// Agent is one trader of the abm model: its position in the population is
// its id (0..NAgents-1), as the dict keys of the Python form.
type Agent struct {
	Cash   float64
	Tokens float64
	Trades int64
}

// Order is an agent's trade in one timestep: the changes of its cash and
// tokens.
type Order struct {
	ID     int
	DCash  float64
	DToken float64
}

// NewABM builds the abm peer benchmark: 100 agents {cash, tokens, trades}
// and a price, one PSUB. Every timestep each agent trades with probability
// activity (the swept parameter), buying or selling a share trade_frac of
// its cash or tokens at the current price; the orders are a list signal,
// the agents are updated copy-on-write (the untouched records are copied
// into the engine's spare buffer, never deep-copied per row), and the
// price moves with the net tokens sold.
func NewABM() (*gds.Model, error) {
	b := gds.NewBuilder(ABMName)
	init := make([]Agent, NAgents)
	for i := range init {
		init[i] = Agent{Cash: 100, Tokens: 50}
	}
	agents := gds.AgentsOf(b, "agents", init, gds.Doc("the traders, by id"))
	price := b.Float("price", 2.0, gds.Doc("token price in cash"))

	activity := b.ParamFloat("activity", 0.3, "probability that an agent trades in a timestep (swept)")
	tradeFrac := b.ParamFloat("trade_frac", 0.02, "share of cash or tokens traded")
	impact := b.ParamFloat("impact", 0.5, "price impact of the net tokens sold, per unit of supply")

	orders := gds.ListOf[Order](b, "orders")
	netTokens := b.FloatSignal("net_tokens", gds.Sum)
	draws := b.Scratch()

	b.PSUB("market",
		gds.Policy("agents", func(c *gds.Ctx) {
			as, p := agents.Get(c), price.Get(c)
			n := len(as)
			// numpy draws u (n uniforms), then side (n uniforms).
			buf := (*draws.Buf(c))[:0]
			for k := 0; k < 2*n; k++ {
				buf = append(buf, c.Rand.Float64())
			}
			*draws.Buf(c) = buf
			u, side := buf[:n], buf[n:]
			act, frac := activity.Get(c), tradeFrac.Get(c)
			net := 0.0
			for i := range as {
				if u[i] >= act {
					continue
				}
				var dc, dt float64
				if side[i] < 0.5 { // buy tokens with cash
					dc = -as[i].Cash * frac
					dt = -dc / p
				} else { // sell tokens for cash
					dt = -as[i].Tokens * frac
					dc = -dt * p
				}
				orders.Emit(c, Order{ID: i, DCash: dc, DToken: dt})
				net += dt
			}
			netTokens.Emit(c, net)
		}),
		agents.Update(func(c *gds.Ctx, dst []Agent) []Agent {
			old := agents.Get(c)
			dst = append(dst, old...) // copy-on-write: never mutate the current records
			for _, o := range orders.Get(c) {
				a := old[o.ID]
				dst[o.ID] = Agent{Cash: a.Cash + o.DCash, Tokens: a.Tokens + o.DToken, Trades: a.Trades + 1}
			}
			return dst
		}),
		price.Update(func(c *gds.Ctx) float64 {
			const supply = NAgents * 50.0
			return price.Get(c) * math.Exp(impact.Get(c)*netTokens.Get(c)/supply)
		}),
	)
	return b.Build()
}
