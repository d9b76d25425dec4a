package configs

import (
	"fmt"

	"github.com/statecraft/statecraft/internal/names"
	"github.com/statecraft/statecraft/internal/tomlerr"
)

// The enumerated values of an experiment config. Each type decodes itself
// (encoding.TextUnmarshaler), so the TOML decoder reports a bad value with
// the file, line and column, and no package after loading reads the
// string. The zero value of each is "not given"; the loader fills in the
// default (defaults.go).

// SweepMode says how list-valued parameters combine into sweep points.
type SweepMode uint8

// The sweep modes.
const (
	SweepZip    SweepMode = iota + 1 // lists of length 1 or n, paired by position (cadCAD's rule)
	SweepGrid                        // the cartesian product, the last parameter varying fastest
	SweepPoints                      // the explicit sweep.points table
	SweepLHS                         // a Latin hypercube sample of sweep.samples points within sweep.bounds
	SweepSobol                       // the first sweep.samples points of the Sobol sequence within sweep.bounds
)

var sweepModeNames = []string{SweepZip: "zip", SweepGrid: "grid", SweepPoints: "points", SweepLHS: "lhs", SweepSobol: "sobol"}

// String returns the mode as configs write it.
func (m SweepMode) String() string { return choiceName(sweepModeNames, uint8(m)) }

// MarshalText writes the mode as configs write it.
func (m SweepMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText decodes zip, grid, points, lhs or sobol.
func (m *SweepMode) UnmarshalText(b []byte) error { return parseChoice(sweepModeNames, b, (*uint8)(m)) }

// UnmarshalTOML rejects values that are not strings, then decodes the text.
func (m *SweepMode) UnmarshalTOML(v any) error { return unmarshalChoice(v, m) }

// Format is the file format of a dataset's part files.
type Format uint8

// The output formats.
const (
	Parquet Format = iota + 1 // Apache Parquet (the default)
	Arrow                     // the Arrow IPC file format
	CSV                       // comma-separated text with a header
)

var formatNames = []string{Parquet: "parquet", Arrow: "arrow", CSV: "csv"}

// String returns the format as configs write it.
func (f Format) String() string { return choiceName(formatNames, uint8(f)) }

// MarshalText writes the format as configs write it.
func (f Format) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText decodes parquet, arrow or csv.
func (f *Format) UnmarshalText(b []byte) error { return parseChoice(formatNames, b, (*uint8)(f)) }

// UnmarshalTOML rejects values that are not strings, then decodes the text.
func (f *Format) UnmarshalTOML(v any) error { return unmarshalChoice(v, f) }

// Compression is the codec of a dataset's part files (Parquet and Arrow).
type Compression uint8

// The codecs.
const (
	Snappy       Compression = iota + 1 // snappy for Parquet, LZ4 frame for Arrow (the default)
	Zstd                                // zstandard
	Uncompressed                        // written as "none"
)

var compressionNames = []string{Snappy: "snappy", Zstd: "zstd", Uncompressed: "none"}

// String returns the codec as configs write it.
func (c Compression) String() string { return choiceName(compressionNames, uint8(c)) }

// MarshalText writes the codec as configs write it.
func (c Compression) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText decodes snappy, zstd or none.
func (c *Compression) UnmarshalText(b []byte) error {
	return parseChoice(compressionNames, b, (*uint8)(c))
}

// UnmarshalTOML rejects values that are not strings, then decodes the text.
func (c *Compression) UnmarshalTOML(v any) error { return unmarshalChoice(v, c) }

// AgentLayout is how agent-record variables are written.
type AgentLayout uint8

// The agent layouts.
const (
	// AgentsTable writes each agent variable as a table of its own, one
	// row per agent per recorded substep (the default).
	AgentsTable AgentLayout = iota + 1
	// AgentsList writes each agent variable as a list<struct> column of
	// the substep table.
	AgentsList
)

var agentLayoutNames = []string{AgentsTable: "table", AgentsList: "list"}

// String returns the layout as configs write it.
func (a AgentLayout) String() string { return choiceName(agentLayoutNames, uint8(a)) }

// MarshalText writes the layout as configs write it.
func (a AgentLayout) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText decodes table or list.
func (a *AgentLayout) UnmarshalText(b []byte) error {
	return parseChoice(agentLayoutNames, b, (*uint8)(a))
}

// UnmarshalTOML rejects values that are not strings, then decodes the text.
func (a *AgentLayout) UnmarshalTOML(v any) error { return unmarshalChoice(v, a) }

func choiceName(all []string, v uint8) string {
	if int(v) < len(all) && all[v] != "" {
		return all[v]
	}
	return "unset"
}

// parseChoice stores in dst the index of text among all.
func parseChoice(all []string, text []byte, dst *uint8) error {
	i, err := names.Choice(all, string(text))
	if err != nil {
		return err
	}
	*dst = uint8(i)
	return nil
}

// unmarshalChoice decodes a TOML value into a choice: a string, whose text
// the choice's UnmarshalText reads.
func unmarshalChoice(v any, dst interface{ UnmarshalText([]byte) error }) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("want a string, got %s", tomlerr.Kind(v))
	}
	return dst.UnmarshalText([]byte(s))
}

// VectorStat is the statistic that charts a vector variable over time in
// the report: one number per row.
type VectorStat uint8

// The vector statistics.
const (
	VectorMean VectorStat = iota + 1 // the mean of the elements (the default)
	VectorSum                        // their sum
	VectorMin                        // the smallest
	VectorMax                        // the largest
	VectorLen                        // the number of elements
)

var vectorStatNames = []string{VectorMean: "mean", VectorSum: "sum", VectorMin: "min", VectorMax: "max", VectorLen: "len"}

// String returns the statistic as configs write it.
func (v VectorStat) String() string { return choiceName(vectorStatNames, uint8(v)) }

// MarshalText writes the statistic as configs write it.
func (v VectorStat) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText decodes mean, sum, min, max or len.
func (v *VectorStat) UnmarshalText(b []byte) error {
	return parseChoice(vectorStatNames, b, (*uint8)(v))
}

// UnmarshalTOML rejects values that are not strings, then decodes the text.
func (v *VectorStat) UnmarshalTOML(a any) error { return unmarshalChoice(a, v) }
