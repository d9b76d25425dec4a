// Package sensitivity implements global sensitivity analysis designs and
// estimators: Morris elementary effects (screening) and variance-based
// Sobol' indices with Saltelli's design. It is a specification of what the
// functions compute; the formulas below are the contract, with their
// sources.
//
// # Conventions
//
// Everything works on the unit hypercube: a design is a list of points in
// [0,1]^k, one coordinate per factor. The caller maps each coordinate to its
// factor's range (for a uniform factor on [lo,hi], x = lo + u*(hi-lo); for
// another distribution, its quantile function at u), evaluates the model at
// every point, and hands the outputs back in the order of the points. Point
// i's output is y[i].
//
// Randomness is explicit. NewMorrisDesign and the bootstrap of each Analyze
// method draw from a math/rand/v2 PCG generator seeded with the seed
// argument (and a fixed per-purpose stream constant); no global source is
// used, so the same arguments give the same bits. Sobol' designs take their
// base sample as an argument: the caller supplies quasi-random points
// (Sobol', Latin hypercube) or pseudo-random ones.
//
// Outputs must be finite: a NaN or infinite y[i] is an error that names i,
// because a model that failed at one point would otherwise silently corrupt
// every index.
//
// Confidence intervals are 95% percentile bootstrap intervals (Efron &
// Tibshirani 1993, ch. 13): the estimator is recomputed on B resamples
// (with replacement) of the independent units of the design, and the
// interval is the 2.5% and 97.5% quantiles of the B replicates (gonum's
// stat.Quantile with linear interpolation). The resampled unit is the
// trajectory for Morris and the base row for Sobol'. A resample is held as
// the counts w_j of each unit (n draws with replacement of n units), and
// every mean over the resample is computed as (1/n) sum_j w_j x_j, which
// is the same statistic as recomputing it on the drawn units. A bootstrap argument
// <= 0 means B = 1000. SALib reports instead the half-width z*sd of the
// replicates (a normal approximation); the percentile interval need not be
// symmetric about the estimate.
//
// # Morris elementary effects
//
// Morris (1991). The factor space [0,1]^k is discretised into a grid of p
// levels {0, 1/(p-1), ..., 1} per factor (p even; p = 4 by default), and
// the step is
//
//	delta = p / (2(p-1))
//
// (p/2 grid intervals; delta = 2/3 for p = 4). A trajectory is k+1 points:
// a base point x(0) whose coordinates are levels drawn uniformly and
// independently, followed by k one-at-a-time steps, one per factor, in a
// uniformly random order. The step of factor i is +delta when x(0)_i <=
// 1-delta and -delta otherwise; with p even and this delta, exactly one of
// the two stays in [0,1], so every point of a trajectory is on the grid.
// (This is the distribution of Morris's B* = (J x* + (delta/2)((2B - J)D*
// + J)) P* construction as SALib's sample/morris draws it: a base level on
// the lower half of the grid, a random sign, a random order. Campolongo et
// al.'s (2007) selection of optimally spread trajectories is not done.)
// MorrisDesign.Points holds r trajectories one after another: rows
// t(k+1) ... t(k+1)+k are trajectory t.
//
// When step s of trajectory t moves factor i from point a to point b, its
// elementary effect is
//
//	EE_i(t) = (f(b) - f(a)) / (b_i - a_i)
//
// that is (f(x + delta e_i) - f(x))/delta for an upward step, with the same
// sign convention for a downward one. Over the r trajectories,
//
//	mu_i     = (1/r) sum_t EE_i(t)                   (Morris 1991)
//	mu*_i    = (1/r) sum_t |EE_i(t)|                 (Campolongo et al. 2007)
//	sigma_i  = sqrt( (1/(r-1)) sum_t (EE_i(t) - mu_i)^2 )
//
// mu* measures the overall influence of factor i (it cannot cancel when
// effects change sign, as mu can); sigma measures nonlinearity and
// interactions. These are SALib analyze/morris's mu, mu_star and sigma
// (sample standard deviation, ddof = 1). The interval [MuStarLo, MuStarHi]
// is the percentile bootstrap of mu* over trajectories: each replicate
// draws r trajectories with replacement (the same draw for every factor)
// and averages their |EE_i|. Effects are in output units per unit of the
// hypercube coordinate; divide by a factor's range for effects per unit of
// the factor.
//
// # Sobol' indices (first and total order)
//
// For f(X) with independent inputs, the first-order index of factor i is
// S_i = V[E(Y|X_i)]/V(Y), the share of the output variance explained by X_i
// alone, and the total index is ST_i = E[V(Y|X_~i)]/V(Y), the share that
// involves X_i at all, interactions included (Sobol' 1993, Homma & Saltelli
// 1996). ST_i - S_i is the part due to interactions; sum S_i = 1 for an
// additive model.
//
// Saltelli's design (Saltelli 2002; Saltelli et al. 2010): two independent
// N-by-k samples A and B are the first and last k columns of a base sample
// of N rows of 2k values. AB^(i) is A with column i taken from B. The
// design has N(k+2) points, grouped by base row j = 0..N-1, each group in
// SALib's order (sample/saltelli with calc_second_order = False):
//
//	row j(k+2)         A_j
//	row j(k+2) + 1 + i AB^(i)_j   (i = 0..k-1)
//	row j(k+2) + k + 1 B_j
//
// With f_A, f_B, f_AB^(i) the outputs at those rows, centred by the mean of
// all N(k+2) outputs (as SALib does: adding a constant c to f leaves the
// first-order estimator's expectation alone but adds c^2 Var(f_AB^(i) -
// f_A)/N to its variance), and
//
//	V = (1/(2N)) sum over the 2N values v of (f_A, f_B) of (v - mean)^2
//
// the estimators are
//
//	S_i  = (1/N) sum_j f_B,j (f_AB^(i),j - f_A,j) / V      (Saltelli et al. 2010)
//	ST_i = (1/(2N)) sum_j (f_A,j - f_AB^(i),j)^2 / V       (Jansen 1999)
//
// the pair Saltelli et al. (2010) recommend, and SALib analyze/sobol's
// first_order and total_order. The numerators are unbiased estimates of
// V[E(Y|X_i)] and E[V(Y|X_~i)]; the ratios are consistent, and can fall
// slightly outside [0,1] for small N or unimportant factors. The bootstrap resamples
// the N base rows (a row's k+2 outputs together), recomputing V, S_i and
// ST_i on each resample, without recentring; there V is computed as
// E_w[f^2] - E_w[f]^2 over the resampled (f_A, f_B).
//
// # Ishigami function
//
// Ishigami & Homma (1990), the customary test function for these methods:
//
//	f(x) = sin x1 + a sin^2 x2 + b x3^4 sin x1,   x uniform on [-pi,pi]^3
//
// With E sin^2 = 1/2, E sin^4 = 3/8, E x^4 = pi^4/5 and E x^8 = pi^8/9 for x
// uniform on [-pi,pi], its partial variances (as in Sobol' & Levitan 1999)
// are
//
//	V   = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2
//	V1  = (1 + b pi^4/5)^2 / 2,   V2 = a^2/8,   V3 = 0
//	V13 = 8 b^2 pi^8 / 225,       V12 = V23 = V123 = 0
//
// so S = (V1, V2, 0)/V and ST = (V1 + V13, V2, V13)/V. For a = 7, b = 0.1:
// S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
//
// # References
//
//   - Campolongo, F., Cariboni, J., Saltelli, A. (2007). An effective
//     screening design for sensitivity analysis of large models.
//     Environmental Modelling & Software 22(10), 1509-1518.
//   - Efron, B., Tibshirani, R. J. (1993). An Introduction to the
//     Bootstrap. Chapman & Hall.
//   - Herman, J., Usher, W. (2017). SALib: an open-source Python library
//     for sensitivity analysis. Journal of Open Source Software 2(9).
//     (SALib/analyze/morris.py, SALib/analyze/sobol.py,
//     SALib/sample/saltelli.py.)
//   - Homma, T., Saltelli, A. (1996). Importance measures in global
//     sensitivity analysis of nonlinear models. Reliability Engineering &
//     System Safety 52(1), 1-17.
//   - Ishigami, T., Homma, T. (1990). An importance quantification
//     technique in uncertainty analysis for computer models. Proc. ISUMA
//     '90, 398-403.
//   - Jansen, M. J. W. (1999). Analysis of variance designs for model
//     output. Computer Physics Communications 117(1-2), 35-43.
//   - Morris, M. D. (1991). Factorial sampling plans for preliminary
//     computational experiments. Technometrics 33(2), 161-174.
//   - Saltelli, A. (2002). Making best use of model evaluations to compute
//     sensitivity indices. Computer Physics Communications 145(2), 280-297.
//   - Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M.,
//     Tarantola, S. (2010). Variance based sensitivity analysis of model
//     output. Design and estimator for the total sensitivity index.
//     Computer Physics Communications 181(2), 259-270.
//   - Sobol', I. M. (1993). Sensitivity estimates for nonlinear
//     mathematical models. Mathematical Modelling and Computational
//     Experiments 1(4), 407-414.
//   - Sobol', I. M., Levitan, Yu. L. (1999). On the use of variance
//     reducing multipliers in Monte Carlo computations of a global
//     sensitivity index. Computer Physics Communications 117(1-2), 52-61.
package sensitivity
