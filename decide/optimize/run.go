package optimize

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"sort"
	"strings"

	gopt "gonum.org/v1/gonum/optimize"
)

// DefaultMaxEvals is the evaluation budget when Settings.MaxEvals <= 0.
const DefaultMaxEvals = 100

// Settings configures a run. The zero value is Nelder-Mead, minimising,
// with DefaultMaxEvals evaluations from the middle of the bounds.
type Settings struct {
	// Method is the search method (NelderMead by default).
	Method Method
	// Maximize maximises the objective instead of minimising it.
	Maximize bool
	// MaxEvals is the budget of objective evaluations, never exceeded
	// (DefaultMaxEvals when <= 0).
	MaxEvals int
	// Start is the optional starting point in parameter units, one value
	// per parameter within its bounds; nil starts at the middle of the
	// bounds (the geometric middle for Log parameters). For CMAES it is
	// the mean of the first generation.
	Start []float64
	// Population is the CMA-ES population per generation; 0 is gonum's
	// default 4 + floor(3 ln d), otherwise at least 2. NelderMead
	// ignores it.
	Population int
	// Seed seeds CMA-ES's sampling (a PCG source): the same seed gives
	// the same trace. NelderMead is deterministic and ignores it.
	Seed uint64
	// Concurrency is how many evaluations may be in flight at once for
	// CMAES, at most the population (default 1). NelderMead evaluates one
	// point at a time whatever its value.
	Concurrency int
}

// Eval is one objective evaluation.
type Eval struct {
	// N is the 1-based order in which the method requested the
	// evaluation (not the order of completion, which varies with
	// Concurrency), so traces compare between runs.
	N int
	// X is the evaluated point in parameter units, after rounding of Int
	// parameters: exactly what the objective was given.
	X []float64
	// F is the value the objective returned: not negated when
	// maximising, NaN kept.
	F float64
}

// Result is the outcome of a run.
type Result struct {
	// X is the best evaluated point in parameter units (the first of
	// equals in N order), always within bounds.
	X []float64
	// F is the objective at X as returned; NaN only when no evaluation
	// returned a number.
	F float64
	// Evals are the completed evaluations in N order.
	Evals []Eval
	// Status says why the run stopped.
	Status string
}

// Objective evaluates one point in parameter units. It may be called
// from several goroutines at once when Concurrency > 1. x is a fresh
// slice the objective may keep. It should return promptly with ctx's
// error once ctx is done.
type Objective func(ctx context.Context, x []float64) (float64, error)

// Run searches params for the minimum (or, with s.Maximize, the
// maximum) of f within the bounds, using at most the budget of
// evaluations. See the package documentation for the specification.
//
// A non-nil error is returned for invalid arguments (with a nil
// Result), and for a failed evaluation, a cancelled ctx or a method
// failure, in which case the Result holds the evaluations completed.
func Run(ctx context.Context, params []Param, f Objective, s Settings) (*Result, error) {
	if err := validate(params); err != nil {
		return nil, err
	}
	if err := validateStart(params, s.Start); err != nil {
		return nil, err
	}
	if f == nil {
		return nil, errors.New("optimize: nil objective")
	}
	if int(s.Method) >= len(methodNames) {
		return nil, fmt.Errorf("optimize: unknown method %d", uint8(s.Method))
	}
	if s.Population < 0 || s.Population == 1 {
		return nil, fmt.Errorf("optimize: population %d: CMA-ES needs at least 2 (or 0 for the default)", s.Population)
	}
	if s.Concurrency < 0 {
		return nil, fmt.Errorf("optimize: concurrency %d is negative", s.Concurrency)
	}
	if s.MaxEvals <= 0 {
		s.MaxEvals = DefaultMaxEvals
	}
	if s.Concurrency == 0 {
		s.Concurrency = 1
	}
	d := &driver{params: params, f: f, s: s}
	err := d.run(ctx, startU(params, s.Start))
	return d.result(), err
}

// driver drives a gonum Method through the protocol of
// gonum.org/v1/gonum/optimize.Method (documented on that interface), in
// place of gonum's Minimize, so that it numbers evaluations in request
// order, enforces the budget exactly, honours ctx and aborts on an
// objective's error. All its state is owned by the goroutine in run;
// evaluations report back on a channel.
type driver struct {
	params []Param
	f      Objective
	s      Settings

	evals  []Eval // completed, in completion order until result sorts them
	status string
}

// completion is the outcome of one evaluation.
type completion struct {
	task gopt.Task
	eval Eval
	err  error
}

func (d *driver) run(ctx context.Context, u0 []float64) error {
	dim := len(d.params)
	method := d.s.Method.gonum(d.s, dim)
	conv := d.s.Method.converger(dim)
	conv.Init(dim)

	n := method.Init(dim, d.s.Concurrency)
	ops := make(chan gopt.Task, n)
	results := make(chan gopt.Task, n)
	tasks := make([]gopt.Task, n)
	tasks[0].Location = &gopt.Location{X: u0}
	for i := 1; i < n; i++ {
		tasks[i].Location = &gopt.Location{X: make([]float64, dim)}
	}
	go method.Run(ops, results, tasks)

	evalCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan completion, n) // at most n evaluations are in flight

	var (
		pending    []gopt.Task // for results, in order
		inflight   int
		requested  int
		completed  int
		stopping   bool
		closed     bool
		methodDone bool
		failed     *completion // the first evaluation to fail
		cancelled  error
	)
	stop := func(status string) {
		if stopping {
			return
		}
		stopping = true
		d.setStatus(status)
		pending = append(pending, gopt.Task{Op: gopt.PostIteration})
	}
	for {
		if stopping && !closed && inflight == 0 && len(pending) == 0 {
			// Every started evaluation is answered: tell the method
			// the results are over; it then closes ops.
			close(results)
			closed = true
		}
		var out chan<- gopt.Task
		var next gopt.Task
		if len(pending) > 0 {
			out, next = results, pending[0]
		}
		select {
		case out <- next:
			pending = pending[1:]

		case t, ok := <-ops:
			if !ok {
				return d.finish(method, methodDone, failed, cancelled)
			}
			switch {
			case stopping:
				// After PostIteration the method may still request
				// evaluations (they are not run) and report its best
				// (the result is taken from the evaluations).
			case t.Op == gopt.MajorIteration:
				if st := d.checkMajor(t.Location, conv); st != "" {
					stop(st)
				} else {
					pending = append(pending, t)
				}
			case t.Op == gopt.MethodDone:
				methodDone = true
				stop("") // the method's Status, read after ops closes
			case t.Op == gopt.NoOperation:
				pending = append(pending, t)
			case t.Op == gopt.FuncEvaluation:
				// ctx is checked here only: with nothing in flight and
				// nothing to send, the method is about to request.
				if err := ctx.Err(); err != nil {
					cancelled = err
					stop("cancelled")
					continue
				}
				requested++
				if requested > d.s.MaxEvals {
					// Over budget: not run; the run stops when the
					// evaluations in flight are back.
					continue
				}
				inflight++
				e := Eval{N: requested, X: toParams(d.params, t.X)}
				go d.evaluate(evalCtx, t, e, done)
			default:
				panic(fmt.Sprintf("optimize: unexpected operation %v from the gonum method", t.Op))
			}

		case c := <-done:
			inflight--
			switch {
			case c.err != nil && ctx.Err() != nil:
				cancelled = ctx.Err()
				stop("cancelled")
			case c.err != nil && failed != nil:
				// Most likely the cancellation after the first failure.
			case c.err != nil:
				failed = &c
				cancel() // the evaluations in flight are abandoned
				stop(fmt.Sprintf("failed: evaluation %d", c.eval.N))
			default:
				d.evals = append(d.evals, c.eval)
				completed++
				c.task.F = d.internal(c.eval.F)
				pending = append(pending, c.task)
				if completed == d.s.MaxEvals {
					stop(fmt.Sprintf("evaluation budget of %d used", d.s.MaxEvals))
				}
			}

		}
	}
}

// evaluate runs the objective for one point and reports on done. A panic
// in the objective is reported as its error: it happens on a goroutine
// the caller cannot recover on.
func (d *driver) evaluate(ctx context.Context, t gopt.Task, e Eval, done chan<- completion) {
	c := completion{task: t, eval: e}
	defer func() {
		if r := recover(); r != nil {
			c.err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
		done <- c
	}()
	c.eval.F, c.err = d.f(ctx, append([]float64(nil), e.X...))
}

// internal is the value the gonum method minimises: F, negated when
// maximising, NaN as +Inf (the worst).
func (d *driver) internal(f float64) float64 {
	if math.IsNaN(f) {
		return math.Inf(1)
	}
	if d.s.Maximize {
		return -f
	}
	return f
}

// checkMajor checks the best location the method reports at a major
// iteration and returns why to stop, or "".
func (d *driver) checkMajor(loc *gopt.Location, conv gopt.Converger) string {
	if math.IsInf(loc.F, -1) {
		if d.s.Maximize {
			return "the objective reached +Inf"
		}
		return "the objective reached -Inf"
	}
	if conv.Converged(loc) != gopt.NotTerminated {
		return fmt.Sprintf("converged: the best value did not improve in %d iterations", nmStall*len(d.params))
	}
	return ""
}

// finish reports the outcome once the method has closed ops.
func (d *driver) finish(method gopt.Method, methodDone bool, failed *completion, cancelled error) error {
	switch {
	case failed != nil:
		return fmt.Errorf("optimize: evaluation %d at %s: %w", failed.eval.N, d.format(failed.eval.X), failed.err)
	case cancelled != nil:
		return fmt.Errorf("optimize: cancelled after %d evaluations: %w", len(d.evals), cancelled)
	case !methodDone:
		return nil
	}
	status, err := method.(gopt.Statuser).Status()
	switch {
	case status == gopt.MethodConverge:
		d.setStatus("converged: the CMA-ES search distribution collapsed")
		return nil
	case errors.As(err, new(gopt.ErrFunc)) && len(d.evals) > 0:
		// Nelder-Mead refuses a start where the objective is not finite.
		d.setStatus("failed: the objective is not finite at the start")
		e := d.evals[0]
		return fmt.Errorf("optimize: %v needs a finite objective at the start, got %v at %s; choose another start",
			d.s.Method, e.F, d.format(e.X))
	case err != nil:
		d.setStatus("failed: " + err.Error())
		return fmt.Errorf("optimize: %v: %w", d.s.Method, err)
	default:
		d.setStatus("stopped: " + status.String())
		return nil
	}
}

// format writes a point as [name=value ...].
func (d *driver) format(x []float64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, v := range x {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%v", d.params[i].Name, v)
	}
	b.WriteByte(']')
	return b.String()
}

func (d *driver) setStatus(s string) {
	if s != "" {
		d.status = s
	}
}

// result collects the Result from the completed evaluations.
func (d *driver) result() *Result {
	sort.Slice(d.evals, func(i, j int) bool { return d.evals[i].N < d.evals[j].N })
	r := &Result{Evals: d.evals, Status: d.status, F: math.NaN()}
	best := -1
	for i, e := range d.evals {
		if math.IsNaN(e.F) {
			continue
		}
		if best < 0 || d.internal(e.F) < d.internal(d.evals[best].F) {
			best = i
		}
	}
	if best < 0 && len(d.evals) > 0 {
		best = 0 // every value NaN
	}
	if best >= 0 {
		r.X = append([]float64(nil), d.evals[best].X...)
		r.F = d.evals[best].F
	}
	return r
}
