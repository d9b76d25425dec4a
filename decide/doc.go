// Package decide turns an experiment's KPI table into decisions: pass
// rates of success criteria with confidence intervals, statistics of
// each KPI, and a ranking of the controllable parameters' values under
// the uncertainty of the others (parameter selection under uncertainty,
// PSUU).
//
// The runner builds a Table (one Row per finished job: its simulation,
// subset and run, the swept parameters' values and the KPI values),
// compiles the experiment's criteria with CompileCriteria, and calls
// Summarize and Rank; it writes their results as JSON and prints their
// WriteTable text. Every result depends on the rows, not on their order.
//
// # Criteria
//
// A criterion is a named condition over KPI names, written in the
// expression language of package gds/expr (gini <= 0.7 && quality >= 60).
// Each KPI is a float name; the run's built-in names (t, run, ...), lag
// and random draws are compile errors, since a criterion looks at a run
// after it has finished. A run passes a criterion when the condition is
// true on its KPI values, and passes "all" when it passes every
// criterion. A comparison with NaN is false (IEEE 754): gini <= 0.7 fails
// for a NaN gini, while !(gini > 0.7) passes, and isnan(x) tests for it.
// An evaluation that fails at run time (int(x) of a NaN) is an error of
// Summarize or Rank naming the row and the criterion. A CompiledCriteria
// reads the values from one buffer: use it from one goroutine at a time.
//
// # Pass rates and the Wilson interval
//
// Over the n runs of a sweep point, k of which pass, the pass rate is
// p = k/n and its interval at confidence level 1-α (0.95 by default) is
// Wilson's score interval, with z the standard normal quantile at
// 1-α/2 (distuv.Normal; 1.95996 for 95%):
//
//	center = (p + z²/(2n)) / (1 + z²/n)
//	half   = z/(1 + z²/n) · sqrt(p(1-p)/n + z²/(4n²))
//	[lo, hi] = [max(0, center-half), min(1, center+half)]
//
// with lo = 0 exactly when k = 0, hi = 1 exactly when k = n, and [0, 1]
// when n = 0. Unlike p ± z·sqrt(p(1-p)/n) it stays inside [0, 1] and does
// not collapse to a point when every run passes: 10 of 10 gives
// [0.7225, 1], 8 of 10 [0.4902, 0.9433], 0 of 10 [0, 0.2775].
//
// # KPI statistics
//
// For each KPI and sweep point, over the values x of its runs that are
// not NaN (N of them; NaN counts the others; ±Inf are values), sorted
// ascending as x_1 <= ... <= x_N:
//
//	Mean = Σ x_i / N                                   (stat.Mean)
//	Std  = sqrt(Σ (x_i - Mean)² / (N-1))               (stat.StdDev; NaN when N < 2)
//	Min  = x_1, Max = x_N
//	P5, P50, P95 = Q(0.05), Q(0.5), Q(0.95)            (stat.Quantile, stat.LinInterp)
//
// where Q is gonum's linear interpolation of the empirical distribution
// function: with f = q·N and i = max(1, ceil(f)), Q(q) = x_1 when i = 1,
// else (i-f)·x_{i-1} + (1-(i-f))·x_i. So Q(k/N) = x_k, Q is linear
// between, and flat at x_1 below 1/N (Hyndman and Fan's definition 4).
// With 10 values Q(0.05) = x_1, Q(0.5) = x_5 and Q(0.95) = (x_9+x_10)/2;
// note that the median of an odd number of values is not the middle one:
// Q(0.5) of 1, 2, 3 is 1.5. With N = 0 every statistic is NaN.
//
// # Parameter selection under uncertainty
//
// PSUU names the controllable parameters: a choice is one combination of
// their values. The other swept parameters, with the simulation
// (scenario), are uncertain: an uncertain case is a simulation with
// values of the uncertain parameters. Each choice × case cell holds the
// Monte Carlo runs of one sweep point; two sweep points of a simulation
// with the same values are an error, as their runs could not be told
// apart.
//
// An objective measures each cell: the pass rate of a criterion (or of
// all criteria), or a statistic of a KPI over the cell's runs: the mean,
// the median, or the quantile Q(q) above, NaN values left out. It then
// combines the measures m_c of the choice's cases c into a score:
//
//	worst     min_c m_c when maximising, max_c m_c when minimising
//	best      the other way round
//	mean      Σ_c m_c / C, over the C cases
//	weighted  Σ_c w_c m_c / Σ_c w_c, with w_c = W_s / C_s: scenario s's weight W_s
//	          shared by its C_s cases
//
// Pass rates are maximised; a KPI objective is maximised when its
// Maximize is true, minimised otherwise. Every choice is scored over every case of the table (every
// case in which some choice has runs): a cell without runs (the choice's
// jobs failed there), or whose KPI values are all NaN, has a NaN
// measure, and a NaN measure makes the score NaN, which ranks after
// every number, in either direction, so an incomplete choice is treated
// as the worst. Choices are ranked by the first objective's score, ties
// broken by the next objectives' scores and then by the controllable
// values, ascending; the first is chosen.
//
// The Pareto front (with more than one objective) holds the choices that
// no other choice dominates, where a dominates b when a is at least as
// good as b on every objective and better on one (NaN worse than any
// number, and as good as NaN).
//
// # Paired differences
//
// Paired differences assume that the runner seeds the job of (case, run)
// alike for every choice, so that two choices' runs with the same case
// and run number see the same random numbers (common random numbers) and
// the noise they share cancels out of their difference; without it the
// pairing is arbitrary but the interval is still valid for independent
// runs, only wider. For the chosen choice A and each of the next (up
// to 3) choices B, per objective, over the n pairs of runs (A's and B's
// run with the same case and run number, in every case both have, with
// neither value NaN), the per-run differences are
//
//	d_i = v_A,i - v_B,i
//
// with v a run's own measure: 1 or 0 for passing the criterion, the KPI
// value for a KPI (whatever the objective's statistic and combination:
// the difference is of means over all shared runs). Then
//
//	MeanDiff = Σ d_i / n
//	[Lo, Hi] = MeanDiff ∓ t·s/sqrt(n),  s = sqrt(Σ (d_i - MeanDiff)² / (n-1))
//
// with t Student's t quantile at 1-α/2 with n-1 degrees of freedom
// (distuv.StudentsT); Lo and Hi are NaN when n < 2, MeanDiff when n = 0.
// An interval on the objective's good side of 0 says the chosen choice
// is better than that one beyond the noise.
//
// # JSON
//
// Summary and Ranking encode with encoding/json under lower-case names
// (the field comments give them); a float that is NaN or infinite
// encodes as null, and decodes back as NaN. Point.All is left out when
// there are no criteria.
package decide
