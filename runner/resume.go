package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/statecraft/statecraft/internal/version"
	"github.com/statecraft/statecraft/runner/dataset"
)

// identityOf is what a rerun must share with an interrupted run of shard
// ds of plan p to continue it: the same config text (after overrides),
// models, seed, version, shard and format make the same jobs write the
// same rows.
func identityOf(p *Plan, ds *dataset.Shard, jobs int) dataset.Identity {
	config := sha256.Sum256([]byte(p.Config.Text))
	models := sha256.New()
	for _, s := range p.Sims {
		fmt.Fprintf(models, "%s %s\n", s.Model.Name(), s.Model.Hash())
	}
	return dataset.Identity{
		Version:    version.String(),
		ConfigHash: hex.EncodeToString(config[:]),
		ModelHash:  hex.EncodeToString(models.Sum(nil)),
		Seed:       p.Config.Seed,
		Shard:      ds.Index,
		Shards:     max(ds.Count, 1),
		Format:     p.Config.Output.Format.String(),
		Jobs:       jobs,
	}
}

// resume fills the result with what an interrupted run left (its part
// files, failures, anomalies, rows and KPIs) and returns the jobs it
// finished.
func (res *Result) resume(ds *dataset.Shard, r *dataset.Resume, kpis *kpiStore) (*jobSet, error) {
	res.tableFiles = make([][]dataset.FileInfo, len(ds.Tables))
	done := newJobSet(kpis.jobs)
	for _, c := range r.Checkpoints {
		for _, pt := range c.Parts {
			res.Files = append(res.Files, dataset.FileInfo{Name: pt.Name, Rows: pt.Rows[0]})
			res.Rows += pt.Rows[0]
			for k, table := range ds.Tables {
				res.tableFiles[k] = append(res.tableFiles[k], dataset.FileInfo{Name: dataset.FileName(table, pt.Name), Rows: pt.Rows[1+k]})
			}
		}
		for k := range c.Jobs {
			j := &c.Jobs[k]
			if _, err := done.add(j.Index); err != nil {
				return nil, fmt.Errorf("resume %s: the journal's %w", ds.Dir, err)
			}
			if err := res.addJob(j, kpis); err != nil {
				return nil, fmt.Errorf("resume %s: the journal's %w", ds.Dir, err)
			}
		}
	}
	return done, nil
}

// jobSet is a set of a shard's jobs: a bit a job, by its position in the
// shard (a map of a million resumed jobs took 30 MB).
type jobSet struct {
	jobs ShardJobs
	bits bitset
}

func newJobSet(jobs ShardJobs) *jobSet { return &jobSet{jobs: jobs} }

// add adds job index, which must be one of the shard's and not in the
// set, and returns its position in the shard.
func (s *jobSet) add(index int) (int, error) {
	k, ok := s.jobs.position(index)
	switch {
	case !ok:
		return 0, fmt.Errorf("job %d is not one of this run's", index)
	case s.bits.has(k):
		return 0, fmt.Errorf("job %d appears twice", index)
	}
	s.bits.add(k)
	return k, nil
}

// has reports whether the shard's job k (its position) is in the set.
func (s *jobSet) has(k int) bool { return s.bits.has(k) }

// len returns the number of jobs in the set.
func (s *jobSet) len() int { return s.bits.len() }

// addJob adds a finished job's failure, anomalies and KPIs to the result.
// Its KPIs go to the store, and j.KPIs becomes the store's copy.
func (res *Result) addJob(j *dataset.DoneJob, kpis *kpiStore) error {
	if j.Failure != nil {
		res.Failed = append(res.Failed, *j.Failure)
	} else if kpis.k > 0 {
		vals, err := kpis.put(j.Index, j.KPIs)
		if err != nil {
			return err
		}
		j.KPIs = vals
	}
	res.Anomalies = append(res.Anomalies, j.Anomalies...)
	return nil
}

// finishedResult is the result of a run whose dataset an interrupted run
// of the same command had finished, and whose commit was completed on
// restart: read from its manifest.
func finishedResult(ds *dataset.Shard, jobs int, start time.Time) (*Result, error) {
	man, err := dataset.ReadManifestFile(ds.ManifestPath())
	if err != nil {
		return nil, err
	}
	res := &Result{Dir: ds.Dir, Manifest: ds.ManifestPath(), Jobs: man.Jobs, Rows: man.Rows, Files: man.Files, Tables: man.Tables,
		Failed: man.Failed, Anomalies: man.Anomalies, KPIs: man.KPIs, Trace: man.Optimize, Resumed: man.Jobs, AlreadyCommitted: true, Elapsed: time.Since(start)}
	if len(res.Failed) > 0 {
		return res, &JobsFailedError{Failed: res.Failed, Jobs: jobs}
	}
	return res, nil
}
