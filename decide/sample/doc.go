// Package sample makes reproducible sampled sweep designs within declared
// bounds: Latin hypercube samples and Sobol low-discrepancy sequences.
//
// # Parameters
//
// A Dim declares one sampled parameter: a name, bounds Min <= Max, and two
// options. Dim.Validate accepts a dim when both bounds are finite,
// Min <= Max (Min == Max makes a constant), Log implies 0 < Min, and Int
// implies that [ceil(Min), floor(Max)] holds an integer.
//
// Every design is first drawn in the unit cube [0, 1)^d and then mapped
// coordinate by coordinate with Dim.Scale:
//
//   - linear: Min + u*(Max-Min);
//   - Log: exp(log Min + u*(log Max - log Min)), so that equal ratios of
//     the value are equally likely (log-uniform);
//   - Int: the scaled value rounded to the nearest integer, halves away
//     from zero, and kept within [ceil(Min), floor(Max)].
//
// The result is clamped to the bounds, so rounding error never leaves them.
// Rounding gives an integer end point half the probability of an inner
// integer when the bound is itself an integer: to make the integers
// 1..k equally likely, declare Min = 0.5, Max = k + 0.5.
//
// Because Scale is monotone, the structure of a design in the unit cube
// carries over to the parameters: a stratum of equal probability in u is an
// interval of equal width on the dim's scale (linear or log). Int rounding
// may merge neighbouring strata.
//
// # Latin hypercube
//
// LatinHypercube(n, dims, seed) cuts each coordinate of the unit cube into
// the n intervals [k/n, (k+1)/n) and puts exactly one point in each, at a
// uniformly random position within it; the intervals are paired across
// coordinates by independent random permutations. It uses gonum's
// samplemv.LatinHypercube on the unit uniform distribution, with a
// math/rand/v2 PCG source seeded from seed; every seed, 0 included, is an
// ordinary seed. UnitLatinHypercube returns the unscaled design.
//
// # Sobol
//
// Sobol(n, dims, seed) returns points 1..n of the Sobol sequence in base 2
// in len(dims) <= MaxSobolDims dimensions, generated in Gray-code order
// from 64-bit direction numbers. Dimension 1 is the van der Corput sequence;
// dimensions 2 to MaxSobolDims use the primitive polynomials and initial
// direction integers of Joe and Kuo (2008), file new-joe-kuo-6.21201, with
// the usual recurrence of Bratley and Fox. Coordinates are the top 53 bits
// of the 64-bit fractions, truncated, so they lie in [0, 1). The result is
// a prefix: the first n points are the same whatever larger n is asked for.
//
// The sequence's point 0, the origin, is skipped, as scipy's
// qmc.Sobol(scramble=False) does after fast_forward(1): the origin is the
// corner (Min, ..., Min) of the bounds, a poor first design point. Row i of
// the result is sequence point i+1. The price is bookkeeping in the net
// property: sequence points 0..2^m - 1, that is the origin and the first
// 2^m - 1 rows, put exactly one point in each of the 2^m intervals
// [k/2^m, (k+1)/2^m) of every coordinate (and in dimensions 1 and 2 form a
// (0, m, 2)-net), and so does every later aligned block of sequence points
// 2^m*b .. 2^m*(b+1) - 1, rows 2^m*b - 1 .. 2^m*(b+1) - 2, for b >= 1. A
// design of n = 2^m - 1 rows is therefore balanced but for the skipped
// origin.
//
// With seed != 0, Sobol applies a random digital shift: coordinate j of
// every point, as a 64-bit integer, is XORed with word j of a stream drawn
// from a PCG generator seeded with seed. A digital shift permutes the
// intervals [k/2^m, (k+1)/2^m) of each coordinate, so every balance
// property above holds with the origin replaced by the shift itself, the
// point that is skipped. seed == 0 gives the plain sequence.
// UnitSobol returns the unscaled design.
//
// # Reproducibility
//
// The same arguments always give the same points. Sobol's points depend
// only on the table in this package and on PCG-DXSM, whose algorithm
// math/rand/v2 specifies. Latin hypercube points also depend on how
// math/rand/v2's Rand and gonum's sampler turn PCG output into positions and
// permutations; ExampleLatinHypercube pins them, so a change of either is
// seen as a failing example.
//
// # Errors
//
// Every function returns an error, never panics, for bad input:
// "samples must be > 0, got N" for n <= 0; "dims must be > 0, got D" for no
// dims; "sobol supports at most 128 dims, got D" (MaxSobolDims); a design
// of more than 2^28 values; and an invalid dim, as "NAME: " followed by its
// Validate error, which errors.Unwrap returns (an unnamed dim is named
// "dim I" after its index). Validate's errors read "min must be finite, got NaN",
// "min 3 > max 1", "log scale needs min > 0, got -1" and
// "int range [0.2, 0.8] holds no integer".
package sample
