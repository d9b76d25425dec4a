package runner

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/statecraft/statecraft/internal/version"
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

// Manifest is the content of manifest.json.
type Manifest struct {
	Program    string         `json:"program"`
	Version    string         `json:"version"`
	Created    string         `json:"created"`
	Complete   bool           `json:"complete"`
	Config     ManifestConfig `json:"config"`
	Model      ManifestModel  `json:"model"`
	Sims       []ManifestSim  `json:"simulations"`
	Seed       int64          `json:"seed"`
	Shard      int            `json:"shard"`
	Shards     int            `json:"shards"`
	Jobs       int            `json:"jobs"`
	TotalJobs  int            `json:"total_jobs"`
	Rows       int64          `json:"rows"`
	RowsPerRun int            `json:"rows_per_run"`
	Format     string         `json:"format"`
	Columns    []Column       `json:"columns"`
	Files      []FileInfo     `json:"files"`
	// Tables are the agent tables (output.agents = "table"), by variable
	// name: each its directory, columns, files and rows. Rows, Columns and
	// Files above are the substep table's.
	Tables     map[string]*TableInfo `json:"tables,omitempty"`
	Failed     []JobFailure          `json:"failed_jobs"`
	Anomalies  []JobAnomaly          `json:"anomalies"`
	Report     *Report               `json:"report,omitempty"`
	ElapsedSec float64               `json:"elapsed_seconds"`
}

// ManifestConfig is the resolved experiment config.
type ManifestConfig struct {
	Source string `json:"source"`
	Text   string `json:"text"`
}

// ManifestModel names the model and its structural hash.
type ManifestModel struct {
	Name string `json:"name"`
	Hash string `json:"hash"`
}

// ManifestSim describes one simulation.
type ManifestSim struct {
	Index   int    `json:"index"`
	Name    string `json:"name,omitempty"`
	Model   string `json:"model"`
	Hash    string `json:"hash"`
	Subsets int    `json:"subsets"`
}

// Column is a dataset column and its type.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// columnsOf lists a schema's columns and their types.
func columnsOf(schema *arrow.Schema) []Column {
	var out []Column
	for _, f := range schema.Fields() {
		out = append(out, Column{Name: f.Name, Type: TypeName(f.Type)})
	}
	return out
}

// writeManifest writes the manifest under a temporary name and renames it:
// its presence means the dataset is final.
func writeManifest(ds *dataset, p *Plan, res *Result, schema *arrow.Schema) (string, error) {
	m0 := p.Sims[0].Model
	man := Manifest{
		Program: "statecraft", Version: version.String(), Created: time.Now().UTC().Format(time.RFC3339),
		Complete: len(res.Failed) == 0,
		Config:   ManifestConfig{Source: p.Config.Source, Text: p.Config.Text},
		Model:    ManifestModel{Name: m0.Name(), Hash: m0.Hash()},
		Seed:     p.Config.Seed, Shard: ds.shard, Shards: ds.shards,
		Jobs: res.Jobs, TotalJobs: p.Jobs(), Rows: res.Rows, RowsPerRun: p.RowsPerRun,
		Format: p.Config.Output.Format.String(), Files: res.Files, Failed: res.Failed, Anomalies: res.Anomalies,
		ElapsedSec: res.Elapsed.Seconds(), Report: res.Report,
	}
	if man.Files == nil {
		man.Files = []FileInfo{}
	}
	if man.Failed == nil {
		man.Failed = []JobFailure{}
	}
	if man.Anomalies == nil {
		man.Anomalies = []JobAnomaly{}
	}
	for _, s := range p.Sims {
		man.Sims = append(man.Sims, ManifestSim{Index: s.Index, Name: s.Name, Model: s.Model.Name(), Hash: s.Model.Hash(), Subsets: len(s.Points)})
	}
	man.Columns = columnsOf(schema)
	man.Tables = res.Tables
	data, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return "", fmt.Errorf("manifest: %w", err)
	}
	path := filepath.Join(ds.dir, ds.manifestName())
	tmp := filepath.Join(ds.dir, "."+ds.manifestName()+".tmp")
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("manifest: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("manifest: %w", err)
	}
	return path, nil
}
