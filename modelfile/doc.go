// Package modelfile compiles declarative model files, TOML text that
// describes a model without Go, into *gds.Model values that run like Go
// models. docs/models.md is the guide, with a complete example; this is
// the format in brief.
//
// # Sections
//
// A model file has these top-level keys, and no others:
//
//	name        the model's name (default: the file's base name)
//	description one line
//	[variables] state variables, in column order (at least one, unless
//	            there are agents or populations)
//	[params]    parameters with defaults
//	[signals]   signals with their aggregation rule
//	[tokens]    the tokens agents hold
//	[agents]    named agents: agents.NAME = { wallet = {...}, fields = {...} }
//	[populations] populations of agents: fields and a wallet each
//	[[psubs]]   partial state update blocks, in order (at least one)
//	[meta]      free-form (sources, authors); not interpreted
//
// Variables, parameters and signals share one namespace.
//
// # Declarations
//
//	x = { type = "float", initial = 1.0, lags = 2, doc = "..." }   # variable
//	k = { type = "int", default = 3, min = 1, max = 9, doc = "..." } # parameter
//	d = { type = "float", rule = "sum" }                             # signal
//
// A bare value declares a variable or parameter with that initial value or
// default, its type inferred from the TOML value (1.0 float, 1 int, true
// bool, "s" string, [1.0, 2.0] vector); a bare string declares a float
// signal with that rule. Types are the value kinds of gds
// (gds.ValueKinds): float, int, bool, string and vector; signals are
// float, int or vector. Values convert as an experiment's do (gds.Convert):
// an int where a float is wanted, an integral float (3.0) where an int is.
// lags = k keeps k earlier values for lag(x, j); min and max bound float
// and int parameters. Rules are sum (the default), product, min, max, last
// and, for vectors, concat.
//
// # PSUBs
//
//	[[psubs]]
//	name = "step"                    # default psubN
//	  [[psubs.policies]]             # run in order
//	  name = "grow"
//	  let.g = "rate*x"               # local values, in file order
//	  emit.d = "g"                   # signal = expression
//	  [psubs.updates]                # one entry per variable written
//	  x = "x + d"
//	  p = { use = "process.gbm", args = { sigma = "vol" }, name = "..." }
//
// A PSUB may also hold [[psubs.transfers]] (token, from, to, amount,
// overdraft: payments between agents, populations, "mint" and "burn";
// state updates that read the PSUB's signals), [psubs.join.P] (agents
// joining population P: count, set, types with shares) and
// [psubs.each.P] (per-agent updates of P's fields). Only transfers
// change balances, so every token's Σ balances is its initial balances
// plus what was minted less what was burned, at every row. Per-agent
// expressions read the agent's fields by name and its position as agent;
// the model's expressions read a population's numeric field as the
// vector P.field and aggregate any per-agent expression with over(P, x).
//
// A policy either emits expressions (emit, with optional let) or uses a
// library block (use = "family.block", args binding its inputs to
// expressions and its outputs to signals by name). An update is an
// expression string or a table with expr = "..." or use = "...". Policies
// read the state before the PSUB, the parameters and their lets; updates
// also read the PSUB's aggregated signals. Expressions are those of
// package gds/expr, compiled once when the file is compiled.
//
// # Blocks
//
// use = "family.block" names a block of the Compiler's registry,
// blocks.Default unless Compiler.Blocks says otherwise. This package links
// only the agent and ledger families (joins and payments use their
// arithmetic): a program that wants the library imports
// github.com/statecraft/statecraft/blocks/all for its side effects, or
// the families it needs.
//
// # Errors
//
// Unknown keys, wrong types, unknown names (with a suggestion), type
// mismatches in expressions and every structural check of gds.Builder are
// errors; all but the last are an *Error naming the file, the line, the
// key and, for expressions, the column.
package modelfile
