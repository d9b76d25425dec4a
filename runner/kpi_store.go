package runner

import (
	"fmt"
	"slices"
)

// kpiStore holds the KPI values of a shard's finished jobs, for the KPI
// table and the decisions: k values a job, by the job's position in the
// shard, in blocks of blockBits jobs allocated as their first job
// finishes, and a bit a job that says whether it has them (a failed job
// has none). A job costs its values and nothing more: no allocation, slice
// header or job spec a job, no sort (a million jobs with ten KPIs: 80 MB),
// and a plan of a billion jobs nothing until they run. The journal's
// checkpoints share the values (dataset.DoneJob.KPIs is the job's slot).
type kpiStore struct {
	p      *Plan
	jobs   ShardJobs
	k      int         // KPIs a job
	blocks [][]float64 // the job at position i: blocks[i/blockBits][i%blockBits*k:][:k]
	have   jobSet      // the jobs that have their values
}

// newKPIStore returns the store of the plan's KPIs for the jobs (none if
// the plan has no KPIs).
func newKPIStore(p *Plan, jobs ShardJobs) *kpiStore {
	return &kpiStore{p: p, jobs: jobs, k: len(p.KPIs), have: jobSet{jobs: jobs}}
}

// put stores the KPIs of job index and returns the store's copy of them.
// A job outside the store's, with another number of values or stored
// already is an error.
func (s *kpiStore) put(index int, vals []float64) ([]float64, error) {
	if len(vals) != s.k {
		return nil, fmt.Errorf("job %d: %d KPI values, want %d", index, len(vals), s.k)
	}
	i, err := s.have.add(index)
	if err != nil {
		return nil, err
	}
	blk := i / blockBits
	if len(s.blocks) <= blk {
		s.blocks = slices.Grow(s.blocks, blk+1-len(s.blocks))[:blk+1]
	}
	if s.blocks[blk] == nil { // the block's jobs, or the shard's last ones
		s.blocks[blk] = make([]float64, min(blockBits, s.jobs.Len()-blk*blockBits)*s.k)
	}
	slot := s.slot(i)
	copy(slot, vals)
	return slot, nil
}

// slot returns the values of the job at position i.
func (s *kpiStore) slot(i int) []float64 {
	at := i % blockBits * s.k
	return s.blocks[i/blockBits][at : at+s.k : at+s.k]
}

// len returns the number of jobs that have their KPIs.
func (s *kpiStore) len() int { return s.have.len() }

// each calls fn with every job that has its KPIs, in the plan's order,
// until fn returns false. vals is the store's: fn must not change it.
func (s *kpiStore) each(fn func(spec JobSpec, vals []float64) bool) {
	s.have.bits.each(func(i int) bool { return fn(s.p.Job(s.jobs.At(i)), s.slot(i)) })
}
