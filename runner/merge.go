package runner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/internal/pqread"
	"github.com/statecraft/statecraft/runner/dataset"
)

// Merge merges the shards of a dataset (dataset.Merge) and, when the
// experiment has KPIs, draws the decisions from the shards' KPI tables
// together, as one machine would have. r resolves the experiment's models
// (nil: models.DefaultResolver); the config is the one in the manifest.
func Merge(dir string, r ModelResolver) (*dataset.Manifest, *Decisions, error) {
	m, err := dataset.Merge(dir)
	if m == nil || m.KPIs == nil {
		return m, nil, err
	}
	mergeErr := err
	p, err := ManifestPlan(m, r)
	if err != nil {
		return m, nil, fmt.Errorf("merge %s: %w", dir, err)
	}
	ds := &dataset.Shard{Dir: dir}
	kpis := newKPIStore(p, p.ShardJobs(0, 1))
	for _, f := range m.KPIs.Files {
		if err := p.readKPIFile(ds.Path(f.Name), kpis); err != nil {
			return m, nil, fmt.Errorf("merge %s: KPI table %s: %w", dir, f.Name, err)
		}
	}
	d, err := p.decide(kpis)
	if err != nil {
		return m, nil, fmt.Errorf("merge %s: %w", dir, err)
	}
	if err := writeDecisions(ds, d); err != nil {
		return m, nil, fmt.Errorf("merge %s: %w", dir, err)
	}
	return m, d, mergeErr
}

// ManifestPlan plans again the experiment a dataset's manifest records
// (its config, after overrides), with the models r resolves (nil:
// models.DefaultResolver): what the dataset's columns, sweep points and
// KPIs are.
func ManifestPlan(m *dataset.Manifest, r ModelResolver) (*Plan, error) {
	x, err := configs.Parse(m.Config.Source, []byte(m.Config.Text))
	if err != nil {
		return nil, fmt.Errorf("the manifest's config: %w", err)
	}
	x.Embedded = strings.HasPrefix(m.Config.Source, "embedded:")
	p, err := NewPlan(x, r)
	if err != nil {
		return nil, fmt.Errorf("the manifest's config: %w", err)
	}
	return p, nil
}

// readKPIFile reads a file of the KPI table written for plan p into the
// store.
func (p *Plan) readKPIFile(path string, kpis *kpiStore) error {
	r, err := pqread.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	want := ColumnsOf(p.KPISchema(nil))
	var got []dataset.Column
	for _, f := range r.Fields() {
		got = append(got, dataset.Column{Name: f.Name, Type: f.Kind.String()})
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("columns %s, want %s (another config's table?)", columnList(got), columnList(want))
	}
	cols := []string{want[0].Name, want[1].Name, want[2].Name}
	cols = append(cols, p.KPIs...)
	row := 0
	vals := make([]float64, len(p.KPIs))
	return r.Scan(cols, 1<<16, func(n int, cs []pqread.Column) error {
		sims, subs, runs := cs[0].Int32s, cs[1].Int32s, cs[2].Int32s
		for i := range n {
			spec, ok := p.jobOf(int(sims[i]), int(subs[i]), int(runs[i]))
			if !ok {
				return fmt.Errorf("row %d: job (simulation %d, subset %d, run %d) is not in the experiment", row, sims[i], subs[i], runs[i])
			}
			for k := range vals {
				vals[k] = cs[3+k].Float64s[i]
			}
			if _, err := kpis.put(spec.Index, vals); err != nil {
				return fmt.Errorf("row %d (simulation %d, subset %d, run %d): %w", row, sims[i], subs[i], runs[i], err)
			}
			row++
		}
		return nil
	})
}

// jobOf returns the job with the given ids.
func (p *Plan) jobOf(sim, subset, run int) (JobSpec, bool) {
	if sim < 0 || sim >= len(p.Sims) || subset < 0 || subset >= len(p.Sims[sim].Points) || run < 1 || run > p.Config.Runs {
		return JobSpec{}, false
	}
	return p.Job(p.simStart[sim] + subset*p.Config.Runs + run - 1), true
}

// columnList names columns and their types: [name: type, ...].
func columnList(cs []dataset.Column) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Name + ": " + c.Type
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
