// Package gds declares models as generalized dynamical systems and runs them.
//
// A model is a fixed set of typed state variables evolved by an ordered list of
// partial state update blocks (PSUBs). Inside a PSUB, policies read the state as
// it was before the block and emit signals; signals with the same name are
// aggregated by the signal's rule; state-update functions read the same
// pre-block state plus the aggregated signals and return the new value of
// exactly one variable. Variables that no update writes carry over.
//
// Models are declared with a Builder, which hands out typed handles:
//
//	b := gds.NewBuilder("predator_prey")
//	prey := b.Float("prey", 10)
//	alpha := b.ParamFloat("alpha", 1.1)
//	growth := b.FloatSignal("d_prey", gds.Sum)
//	b.PSUB("populations",
//		gds.Policy("growth", func(c *gds.Ctx) {
//			growth.Emit(c, alpha.Get(c)*prey.Get(c)*0.01)
//		}),
//		prey.Update(func(c *gds.Ctx) float64 { return prey.Get(c) + growth.Get(c) }),
//	)
//	m, err := b.Build()
//
// Every name resolves to a typed slot when the model is built, so the run
// loop touches no map, string key or reflection, and allocates nothing per
// substep for scalar models. Vectors and agent records are double-buffered:
// an update writes into a spare buffer that becomes current after the block,
// so no block can change the state another block reads, and nothing is
// deep-copied per substep; Agents.Edit changes some records in place in
// the spare, which the engine keeps current by copying only what the last
// edit changed. Agent records have a Go struct type (AgentsOf) or,
// when a model file declares them at run time, fields given as data and
// stored by column (Builder.Records).
//
// Build checks the structure: duplicate or invalid names, a variable written
// twice in one PSUB, a signal read by an update that no policy of its PSUB
// emits, lags read beyond the depth a variable keeps, handles from another
// builder, and a model without PSUBs. It finds reads and writes by tracing one
// timestep of the model on its defaults, and the result is available from
// Model.Structure for diagrams.
//
// An Engine runs one job (simulation, subset, run) at a time with the
// semantics documented in docs/semantics.md: an initial row at timestep 0,
// substep 0, then one row per substep, handed to a Recorder.
package gds
