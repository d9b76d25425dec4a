// Package floatfold folds float64 series into the statistics that KPIs
// and Parquet page statistics take of them: sums, sums of squares about
// a shift, minima, maxima and threshold counts.
//
// Each fold keeps four lanes, lane j taking the values j, j+4, j+8, ...
// of the series, and combines them at the end in a fixed order, so the
// result is the same on every machine: on amd64 the lanes are two SSE2
// registers (baseline amd64, no CPU check) and the loop is assembly;
// elsewhere the same lanes are plain Go. A test checks that the two agree
// bit for bit.
//
// Comparisons are those of Go's < and >: a NaN value never becomes the
// minimum or the maximum, and of two equal values (0 and -0) the one
// seen first in its lane is kept. Callers that need NaN to propagate
// check for it themselves (a NaN makes the sum NaN).
package floatfold
