package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// Manifest is the content of a dataset's manifest (_manifest.json, or a
// shard's): what was run, and the files and rows it wrote.
type Manifest struct {
	Program    string         `json:"program"`     // "statecraft"
	Version    string         `json:"version"`     // the writer's version
	Created    string         `json:"created"`     // when, RFC 3339, UTC
	Complete   bool           `json:"complete"`    // false if a job failed
	Config     ManifestConfig `json:"config"`      // the config after overrides
	Model      ManifestModel  `json:"model"`       // the first simulation's model
	Sims       []ManifestSim  `json:"simulations"` // one per simulation (A/B scenario)
	Seed       int64          `json:"seed"`        // the master seed
	Shard      int            `json:"shard"`       // shard Shard of Shards wrote it (0 of 1: the whole run, or merged)
	Shards     int            `json:"shards"`
	Jobs       int            `json:"jobs"`         // jobs run by the shard
	TotalJobs  int            `json:"total_jobs"`   // jobs of the experiment
	Rows       int64          `json:"rows"`         // rows of the substep table
	RowsPerRun int            `json:"rows_per_run"` // rows a job writes
	Format     string         `json:"format"`       // parquet, arrow or csv
	Columns    []Column       `json:"columns"`      // the substep table's, in order
	Files      []FileInfo     `json:"files"`        // the substep table's part files, by name
	// Tables are the agent tables (output.agents = "table"), by variable
	// name: each its directory, columns, files and rows. Rows, Columns and
	// Files above are the substep table's.
	Tables map[string]*TableInfo `json:"tables,omitempty"`
	// KPIs is the KPI table (with [kpis]): one row per job that finished,
	// in the directory TableDir(KPITable), one file per shard.
	KPIs *TableInfo `json:"kpis,omitempty"`
	// Optimize is an optimisation's trace table (with [optimize]).
	Optimize   *TableInfo   `json:"optimize,omitempty"`
	Failed     []JobFailure `json:"failed_jobs"`     // jobs whose rows are missing
	Anomalies  []JobAnomaly `json:"anomalies"`       // NaN and ±Inf flagged (on_nan = "flag")
	ElapsedSec float64      `json:"elapsed_seconds"` // the run's wall time (merged: the slowest shard's)
	// ResumedJobs is the number of jobs an interrupted run had finished
	// and this one kept (merged: the sum over shards).
	ResumedJobs int `json:"resumed_jobs,omitempty"`
	// Identity is what a rerun must share with the run that wrote the
	// manifest to find its work done (a shard's, or an unsharded run's).
	Identity *Identity `json:"identity,omitempty"`
	// ReportRows are the files, in the dataset directory, of the rows the
	// HTML report's charts read, kept by the shards as they wrote them
	// (a shard's: its own; merged: every shard's, if every shard kept
	// them), so that the report after statecraft merge need not read the
	// dataset back. Internal to Statecraft; readers ignore them.
	ReportRows []string `json:"report_rows,omitempty"`
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

// Column is a dataset column and its type: int32, int64, float64, bool,
// string, list<float64> or list<struct<name: type, ...>>.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// FileInfo is a part file of the dataset. Name is relative to the dataset
// directory, with forward slashes (see FileName):
// part-0000-000-0000.parquet for the substep table,
// _tables/agents/part-0000-000-0000.parquet for agent table agents.
type FileInfo struct {
	Name string `json:"name"`
	Rows int64  `json:"rows"`
}

// TableInfo describes a secondary table: an agent table (the records of
// one agent variable, one row per agent per recorded substep, in the
// directory TableDir of the variable's name), or a graph variable's node
// or edge table (TableDir of the variable's name with .nodes or .edges).
// Its part files have the names of the substep table's.
type TableInfo struct {
	Dir     string     `json:"dir"`            // relative to the dataset directory, with forward slashes
	Kind    string     `json:"kind,omitempty"` // TableAgents (also when empty), TableGraphNodes or TableGraphEdges
	Rows    int64      `json:"rows"`
	Columns []Column   `json:"columns"`
	Files   []FileInfo `json:"files"`
}

// The kinds of secondary tables (TableInfo.Kind).
const (
	TableAgents     = "agents"
	TableGraphNodes = "graph_nodes"
	TableGraphEdges = "graph_edges"
)

// What names the kind of table, as messages say it: "agent table",
// "graph node table" or "graph edge table".
func (t *TableInfo) What() string {
	switch t.Kind {
	case TableGraphNodes:
		return "graph node table"
	case TableGraphEdges:
		return "graph edge table"
	}
	return "agent table"
}

// RowsAre says what a row of the table is.
func (t *TableInfo) RowsAre() string {
	switch t.Kind {
	case TableGraphNodes:
		return "one per alive node per graph snapshot"
	case TableGraphEdges:
		return "one per edge per graph snapshot"
	}
	return "one per agent per recorded substep"
}

// JobFailure is a job that did not finish; its rows are not in the dataset.
type JobFailure struct {
	Simulation int            `json:"simulation"`
	Subset     int            `json:"subset"`
	Run        int            `json:"run"`
	Params     map[string]any `json:"params"`
	Error      string         `json:"error"`
}

// JobAnomaly is a NaN or ±Inf flagged in a job (on_nan = "flag"). Value
// is written as text (NaN, +Inf, -Inf), which JSON numbers cannot hold.
type JobAnomaly struct {
	Simulation int     `json:"simulation"`
	Subset     int     `json:"subset"`
	Run        int     `json:"run"`
	Timestep   int     `json:"timestep"`
	Substep    int     `json:"substep"`
	PSUB       string  `json:"psub"`
	Block      string  `json:"block"`
	Var        string  `json:"variable"`
	Value      float64 `json:"-"`
	ValueText  string  `json:"value"`
}

// WriteManifest writes the run's manifest (ManifestPath) under a temporary
// name and renames it: its presence means the run's files are final. It
// writes empty lists, not null, for a manifest without files, failures or
// anomalies, and returns the manifest's path.
func (s *Shard) WriteManifest(m *Manifest) (string, error) {
	data, err := EncodeManifest(m)
	if err != nil {
		return "", err
	}
	if err := writeAtomic(s.Dir, s.manifestName(), data); err != nil {
		return "", fmt.Errorf("manifest: %w", err)
	}
	return s.ManifestPath(), nil
}

// ReadManifestFile reads a manifest file: a dataset's or a shard's.
func ReadManifestFile(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	return &m, nil
}

// ReadManifest reads the manifest of the finished dataset in dir:
// _manifest.json, or manifest.json in a dataset of the old layout.
func ReadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		old := filepath.Join(dir, oldManifestName)
		if d, oldErr := os.ReadFile(old); oldErr == nil {
			path, data, err = old, d, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	return &m, nil
}

// SortFiles sorts part files by name: the order of a manifest's lists.
func SortFiles(f []FileInfo) {
	sort.Slice(f, func(i, j int) bool { return f[i].Name < f[j].Name })
}
