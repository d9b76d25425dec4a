// Package optimize searches a box of parameters for the optimum of an
// expensive, possibly noisy objective, with the derivative-free methods
// of gonum.org/v1/gonum/optimize.
//
// The caller owns the objective: in Statecraft the runner evaluates one
// parameter point by running a batch of Monte Carlo jobs on its worker
// pool with common random numbers and averaging a KPI. This package
// knows nothing about runs; it only proposes points and records what
// the objective returned.
//
// # Problem
//
// Run minimises f (or maximises it, with Settings.Maximize) over the
// parameters, each a Param with inclusive finite bounds [Min, Max],
// optionally on a log scale (Log, Min > 0) or integer (Int: the value
// given to f is rounded to the nearest integer within the bounds). Run
// rejects, with a nil Result and an error naming the parameter where
// there is one: no
// parameters, an empty or duplicate name, NaN or infinite bounds,
// Min > Max, Log with Min <= 0, an Int parameter whose bounds contain no
// integer, a Start of the wrong length or outside the bounds, a nil
// objective, an unknown Method, a Population of 1 or less than 0 and a
// negative Concurrency. Min == Max holds a parameter fixed.
//
// # Bounds
//
// gonum's methods are unconstrained. They search u in R^d and parameter
// i is
//
//	s = (1 + sin u_i) / 2
//	x = Min + (Max - Min) * s                 (linear)
//	x = exp(ln Min + (ln Max - ln Min) * s)   (Log)
//
// clamped to [Min, Max] against rounding, then rounded if Int. Every
// point given to the objective, every Eval and the Result are therefore
// within bounds, whatever the method does.
//
// Why sin rather than a logistic (or tanh): a logistic reaches a bound
// only as u goes to infinity, so an optimum on a bound (common for a
// policy parameter: "as much as allowed") is approached by ever larger
// steps in u and reached only where the map saturates in floating
// point, and a Start on a bound has no u at all. sin reaches each bound
// at a finite u (±pi/2), where f seen from u has an ordinary smooth
// minimum, so the methods converge onto the bound as onto an interior
// point, and every Start, bounds included, has a u (asin(2s - 1), in
// [-pi/2, pi/2]) that maps back to it to rounding. The price is that sin is
// periodic: the map is a bijection only on [-pi/2, pi/2] and folds
// beyond it, so several u give the same x. No u is infeasible, so a
// method may wander past a fold harmlessly; but a CMA-ES generation
// that straddles a fold sees the objective's mirror image there, one
// reason its first generation is kept narrow (below). The map is flat
// near the bounds (dx/du = 0), so steps in x shrink there: fine
// resolution where a bound is active. On this package's test problems
// a tanh map found the same optima in about as many evaluations.
//
// # Methods
//
// NelderMead (the default) is gonum's Nelder-Mead simplex, for a few
// parameters and a smooth objective (which common random numbers give).
// It evaluates Start first, then a simplex stepping 0.3 in u along each
// axis (15% of a range from its middle), one point at a time whatever
// Concurrency says. It stops when its best value has not improved by
// more than 1e-10 + 1e-10*|f| for 20 iterations per parameter.
//
// CMAES is gonum's CmaEsChol, a population method for noisy or
// multimodal objectives. Its first generation is normal around Start
// with a standard deviation of 0.5 in u in every coordinate (two
// deviations reach 42% of a range each way from the middle), its
// randomness a PCG source seeded with Settings.Seed, its population
// Settings.Population or gonum's 4 + floor(3 ln d). It stops on the
// budget, or when its search distribution has collapsed (gonum's
// default, a log-determinant below d ln 1e-16); it has no stall rule,
// because with noise the best value stalls long before the search is
// done. Up to Settings.Concurrency evaluations of a generation (at most
// the population) are in flight at once. gonum's implementation samples
// from its covariance without its step size, so it converges slowly:
// on a 2-parameter quadratic it is still 0.005 to 0.02 from the
// optimum after 600 evaluations (20 seeds), where Nelder-Mead is within
// 1e-10 after 151. Use it when noise misleads Nelder-Mead.
//
// # Budget and stopping
//
// Settings.MaxEvals (DefaultMaxEvals when <= 0) bounds the objective's
// calls exactly: the package drives the gonum method itself (through
// the gonum.org/v1/gonum/optimize.Method protocol, not Minimize),
// numbers every evaluation the method requests and never runs one past
// the budget, even with evaluations in flight, so len(Result.Evals) <=
// MaxEvals. The run also stops when the method converges (above), when
// the best value is -Inf (+Inf when maximising), on an error and on
// cancellation. Result.Status says which:
//
//	evaluation budget of N used
//	converged: the best value did not improve in K iterations
//	converged: the CMA-ES search distribution collapsed
//	the objective reached -Inf (or +Inf)
//	failed: evaluation N
//	cancelled
//
// # Result
//
// Result.X and Result.F are those of the best completed evaluation (the
// first of equals in N order), F as the objective returned it; Evals
// are all completed evaluations in N order, N being the order in which
// the method requested them. With a noisy objective the best
// evaluation's value is biased in its favour (it is the luckiest of
// many draws): re-evaluate X with fresh randomness to report its value.
//
// # NaN, errors and cancellation
//
// A NaN value is the worst possible for the method (+Inf minimising,
// -Inf maximising); the Eval records the NaN and X is never a NaN point
// unless every evaluation was NaN (then X is the first point and F is
// NaN). Nelder-Mead cannot start from a point without a finite value:
// it stops with an error naming the start.
//
// An objective's error ends the run: Run returns
// "optimize: evaluation N at [name=value ...]: <error>", wrapping the
// error for errors.Is and errors.As. A panic in the objective becomes
// such an error with its stack, since it happens on a goroutine the
// caller cannot recover on. The other evaluations in flight have their
// context cancelled and Run waits for them to return. When ctx is done
// Run requests nothing more, waits for the evaluations in flight (which
// should return promptly with ctx's error) and returns an error
// wrapping ctx.Err(). In both cases, and when a method fails, Run
// returns the Result of the evaluations completed, with the error.
//
// # Determinism
//
// Given an objective that is a function of its point, a run is a
// function of its arguments: NelderMead has no randomness, and CMAES
// with the same Seed gives the same Result, Evals included. That holds
// for any Concurrency: CmaEsChol draws a generation's points in order
// before any value is back and updates only once the whole generation
// is, so the order in which evaluations complete changes nothing, and
// the budget counts requests, not completions. What depends on timing
// is how a failed or cancelled run ends: which of the evaluations in
// flight completed before it stopped. Evaluations complete on their own
// goroutines but are recorded by the one goroutine that drives the
// method, from a channel, so recording needs no lock.
package optimize
