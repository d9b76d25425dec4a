package runner

import (
	"strconv"
	"time"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/statecraft/statecraft/internal/version"
	"github.com/statecraft/statecraft/runner/dataset"
)

// datasetMeta is the key-value metadata of every part file.
func datasetMeta(p *Plan) map[string]string {
	m0 := p.Sims[0].Model
	return map[string]string{
		"statecraft.model":      m0.Name(),
		"statecraft.model_hash": m0.Hash(),
		"statecraft.seed":       strconv.FormatInt(p.Config.Seed, 10),
		"statecraft.version":    version.String(),
		"statecraft.config":     p.Config.Text,
	}
}

// ColumnsOf lists the columns of an Arrow schema as a dataset manifest
// names them: each field's name and TypeName.
func ColumnsOf(schema *arrow.Schema) []dataset.Column {
	var out []dataset.Column
	for _, f := range schema.Fields() {
		out = append(out, dataset.Column{Name: f.Name, Type: TypeName(f.Type)})
	}
	return out
}

// manifestOf returns the manifest of a finished run of shard ds of plan p.
func manifestOf(ds *dataset.Shard, p *Plan, res *Result, schema *arrow.Schema) *dataset.Manifest {
	m0 := p.Sims[0].Model
	man := &dataset.Manifest{
		Program: "statecraft", Version: version.String(), Created: time.Now().UTC().Format(time.RFC3339),
		Complete: len(res.Failed) == 0,
		Config:   dataset.ManifestConfig{Source: p.Config.Source, Text: p.Config.Text},
		Model:    dataset.ManifestModel{Name: m0.Name(), Hash: m0.Hash()},
		Seed:     p.Config.Seed, Shard: ds.Index, Shards: ds.Count,
		Jobs: res.Jobs, TotalJobs: p.Jobs(), Rows: res.Rows, RowsPerRun: p.RowsPerRun,
		Format: p.Config.Output.Format.String(), Files: res.Files, Failed: res.Failed, Anomalies: res.Anomalies,
		ElapsedSec: res.Elapsed.Seconds(), ResumedJobs: res.Resumed,
	}
	if res.reportRows != "" {
		man.ReportRows = []string{res.reportRows}
	}
	for _, s := range p.Sims {
		man.Sims = append(man.Sims, dataset.ManifestSim{Index: s.Index, Name: s.Name, Model: s.Model.Name(), Hash: s.Model.Hash(), Subsets: len(s.Points)})
	}
	man.Columns = ColumnsOf(schema)
	man.Tables = res.Tables
	man.KPIs = res.KPIs
	man.Optimize = res.Trace
	return man
}
