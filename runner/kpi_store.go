package runner

import (
	"fmt"
	"math/bits"
)

// kpiStore holds the KPI values of a shard's finished jobs, for the KPI
// table and the decisions: k values a job in one array, by the job's
// position in the shard, and a bit a job that says whether it has them (a
// failed job has none). It is allocated once for the run, so a job costs
// its values and nothing more: no allocation, slice header or job spec a
// job, no sort (a million jobs with ten KPIs: 80 MB). The journal's
// checkpoints share the values (dataset.DoneJob.KPIs is the job's slot).
type kpiStore struct {
	p    *Plan
	jobs ShardJobs
	k    int       // KPIs a job
	vals []float64 // job at position i: vals[i*k : (i+1)*k]
	have []uint64  // bit i: the job at position i has its values
	n    int       // jobs that have their values
}

// newKPIStore returns the store of the plan's KPIs for the jobs (none if
// the plan has no KPIs).
func newKPIStore(p *Plan, jobs ShardJobs) *kpiStore {
	s := &kpiStore{p: p, jobs: jobs, k: len(p.KPIs)}
	if s.k > 0 {
		s.vals = make([]float64, jobs.Len()*s.k)
		s.have = make([]uint64, (jobs.Len()+63)/64)
	}
	return s
}

// put stores the KPIs of job index and returns the store's copy of them.
// A job outside the store's, with another number of values or stored
// already is an error.
func (s *kpiStore) put(index int, vals []float64) ([]float64, error) {
	i, ok := s.position(index)
	switch {
	case !ok:
		return nil, fmt.Errorf("job %d is not one of this run's", index)
	case len(vals) != s.k:
		return nil, fmt.Errorf("job %d: %d KPI values, want %d", index, len(vals), s.k)
	case s.have[i/64]&(1<<(i%64)) != 0:
		return nil, fmt.Errorf("job %d: its KPIs appear twice", index)
	}
	s.have[i/64] |= 1 << (i % 64)
	s.n++
	slot := s.vals[i*s.k : (i+1)*s.k : (i+1)*s.k]
	copy(slot, vals)
	return slot, nil
}

// position returns the position of job index among the store's jobs.
func (s *kpiStore) position(index int) (int, bool) {
	i, ok := s.jobs.position(index)
	return i, ok && s.k > 0
}

// len returns the number of jobs that have their KPIs.
func (s *kpiStore) len() int { return s.n }

// each calls fn with every job that has its KPIs, in the plan's order,
// until fn returns false. vals is the store's: fn must not change it.
func (s *kpiStore) each(fn func(spec JobSpec, vals []float64) bool) {
	for w, word := range s.have {
		for word != 0 {
			i := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			if !fn(s.p.Job(s.jobs.At(i)), s.vals[i*s.k:(i+1)*s.k:(i+1)*s.k]) {
				return
			}
		}
	}
}
