package runner

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/statecraft/statecraft/configs"
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
	var rows []kpiRow
	for _, f := range m.KPIs.Files {
		rs, err := p.readKPIFile(ds.Path(f.Name))
		if err != nil {
			return m, nil, fmt.Errorf("merge %s: KPI table %s: %w", dir, f.Name, err)
		}
		rows = append(rows, rs...)
	}
	d, err := p.decide(rows)
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

// readKPIFile reads a file of the KPI table written for plan p.
func (p *Plan) readKPIFile(path string) ([]kpiRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pr, err := file.NewParquetReader(f)
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	fr, err := pqarrow.NewFileReader(pr, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	want := p.KPISchema(nil)
	if !sameColumns(tbl.Schema(), want) {
		return nil, fmt.Errorf("columns %v, want %v (another config's table?)", tbl.Schema(), want)
	}
	tr := array.NewTableReader(tbl, 1<<16)
	defer tr.Release()
	var rows []kpiRow
	first := 3 + len(p.ParamCols) + len(p.InitCols)
	for tr.Next() {
		rec := tr.Record()
		sims := rec.Column(0).(*array.Int32)
		subs := rec.Column(1).(*array.Int32)
		runs := rec.Column(2).(*array.Int32)
		for i := 0; i < int(rec.NumRows()); i++ {
			spec, ok := p.jobOf(int(sims.Value(i)), int(subs.Value(i)), int(runs.Value(i)))
			if !ok {
				return nil, fmt.Errorf("row %d: job (simulation %d, subset %d, run %d) is not in the experiment", i, sims.Value(i), subs.Value(i), runs.Value(i))
			}
			vals := make([]float64, len(p.KPIs))
			for k := range vals {
				vals[k] = rec.Column(first + k).(*array.Float64).Value(i)
			}
			rows = append(rows, kpiRow{spec: spec, vals: vals})
		}
	}
	return rows, nil
}

// jobOf returns the job with the given ids.
func (p *Plan) jobOf(sim, subset, run int) (JobSpec, bool) {
	if sim < 0 || sim >= len(p.Sims) || subset < 0 || subset >= len(p.Sims[sim].Points) || run < 1 || run > p.Config.Runs {
		return JobSpec{}, false
	}
	return p.Job(p.simStart[sim] + subset*p.Config.Runs + run - 1), true
}

// sameColumns reports whether two schemas have the same column names and
// types, whatever their metadata.
func sameColumns(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i := range a.NumFields() {
		if a.Field(i).Name != b.Field(i).Name || !arrow.TypeEqual(a.Field(i).Type, b.Field(i).Type) {
			return false
		}
	}
	return true
}
