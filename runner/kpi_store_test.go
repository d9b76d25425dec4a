package runner

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestKPIStore: a shard's store keeps each finished job's values, in the
// plan's order whatever order they come in, skips the jobs without them,
// and refuses a job of another shard, a wrong number of values and a job
// stored twice.
func TestKPIStore(t *testing.T) {
	p := testPlan(t, `
model = "predator_prey"
timesteps = 3
runs = 5
[params]
alpha = [1.0, 1.1]
[kpis]
a = { of = "prey" }
b = { of = "predator", stat = "max" }
`)
	// shard 1 of 3 of 10 jobs: jobs 1, 4 and 7
	s := newKPIStore(p, p.ShardJobs(1, 3))
	for _, index := range []int{7, 1} { // job 4 failed: no values
		vals := []float64{float64(index), -float64(index)}
		got, err := s.put(index, vals)
		if err != nil {
			t.Fatal(err)
		}
		vals[0] = math.NaN() // the store keeps its own copy
		if got[0] != float64(index) || got[1] != -float64(index) || cap(got) != 2 {
			t.Errorf("job %d: stored %v (cap %d)", index, got, cap(got))
		}
	}
	if s.len() != 2 {
		t.Errorf("len %d, want 2", s.len())
	}
	var seen []JobSpec
	s.each(func(spec JobSpec, vals []float64) bool {
		if vals[0] != float64(spec.Index) || vals[1] != -float64(spec.Index) {
			t.Errorf("job %d: values %v", spec.Index, vals)
		}
		seen = append(seen, spec)
		return true
	})
	want := []JobSpec{p.Job(1), p.Job(7)}
	if len(seen) != 2 || seen[0] != want[0] || seen[1] != want[1] {
		t.Errorf("each saw %v, want %v", seen, want)
	}
	if want[1].Subset != 1 || want[1].Run != 3 {
		t.Errorf("job 7 is %+v, want subset 1, run 3", want[1])
	}
	stops := 0
	s.each(func(JobSpec, []float64) bool { stops++; return false })
	if stops != 1 {
		t.Errorf("each went on after false: %d calls", stops)
	}
	for _, c := range []struct {
		index int
		vals  []float64
		want  string
	}{
		{0, []float64{1, 2}, "job 0 is not one of this run's"},
		{10, []float64{1, 2}, "job 10 is not one of this run's"},
		{-2, []float64{1, 2}, "job -2 is not one of this run's"},
		{4, []float64{1}, "job 4: 1 KPI values, want 2"},
		{7, []float64{1, 2}, "job 7 appears twice"},
	} {
		if _, err := s.put(c.index, c.vals); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("put(%d, %v): %v, want %q", c.index, c.vals, err, c.want)
		}
	}
	if s.len() != 2 {
		t.Errorf("len %d after refused puts, want 2", s.len())
	}
}

// TestJobSet: the set of a shard's resumed jobs holds them by position and
// refuses a job of another shard or one listed twice (a damaged journal).
func TestJobSet(t *testing.T) {
	jobs := ShardJobs{first: 2, step: 4, count: 30} // jobs 2, 6, ..., 118 of shard 2 of 4
	s := newJobSet(jobs)
	for _, index := range []int{2, 118, 66} {
		k, err := s.add(index)
		if err != nil {
			t.Fatal(err)
		}
		if jobs.At(k) != index {
			t.Errorf("add(%d) gave position %d, job %d", index, k, jobs.At(k))
		}
	}
	for k := range jobs.Len() {
		want := jobs.At(k) == 2 || jobs.At(k) == 118 || jobs.At(k) == 66
		if s.has(k) != want {
			t.Errorf("has(%d) (job %d) = %v", k, jobs.At(k), !want)
		}
	}
	for _, c := range []struct {
		index int
		want  string
	}{{3, "job 3 is not one of this run's"}, {122, "job 122 is not one of this run's"}, {-2, "job -2 is not one"}, {66, "job 66 appears twice"}} {
		if _, err := s.add(c.index); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("add(%d): %v, want %q", c.index, err, c.want)
		}
	}
	if s.len() != 3 {
		t.Errorf("len %d, want 3", s.len())
	}
}

// TestBitset: positions across blocks, in any order, are found and listed
// in order; blocks no position falls in are never allocated.
func TestBitset(t *testing.T) {
	var b bitset
	in := []int{200000, 0, 65535, 65536, 5_000_000_000, 63, 64}
	for _, i := range in {
		b.add(i)
	}
	for _, i := range append(slices.Clone(in), 1, 62, 65537, 199999, 4_999_999_999, 7_000_000_000) {
		if b.has(i) != slices.Contains(in, i) {
			t.Errorf("has(%d) = %v", i, !slices.Contains(in, i))
		}
	}
	var got []int
	b.each(func(i int) bool { got = append(got, i); return true })
	want := slices.Sorted(slices.Values(in))
	if !slices.Equal(got, want) || b.len() != len(in) {
		t.Errorf("each gave %v (len %d), want %v", got, b.len(), want)
	}
	allocated := 0
	for _, blk := range b.blocks {
		if blk != nil {
			allocated++
		}
	}
	if allocated != 4 { // blocks 0, 1, 3 and 76293
		t.Errorf("%d blocks allocated, want 4", allocated)
	}
}

// TestKPIStoreOfABillionJobs: the store of a plan of three billion jobs
// allocates nothing until a job finishes, then the block of that job.
func TestKPIStoreOfABillionJobs(t *testing.T) {
	p := testPlan(t, `
model = "predator_prey"
timesteps = 3
runs = 1000000000
[params]
alpha = [1.0, 1.1, 1.2]
[kpis]
a = { of = "prey" }
b = { of = "predator", stat = "max" }
`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s := newKPIStore(p, p.ShardJobs(0, 1))
	if _, err := s.put(p.Jobs()-1, []float64{1, 2}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	// the last job's block: 65,536 jobs' 2 KPIs (1 MB), its bits (8 KB),
	// and the list of 45,777 blocks (1.1 MB)
	if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
		t.Errorf("%d bytes allocated for one job of %d", got, p.Jobs())
	}
	if s.len() != 1 {
		t.Errorf("len %d", s.len())
	}
}
