package configs

import (
	"path/filepath"
	"runtime"

	"github.com/BurntSushi/toml"
)

// The defaults of an experiment's numeric keys.
const (
	// DefaultRuns is the number of Monte Carlo runs per sweep point.
	DefaultRuns = 1
	// DefaultEvery records every timestep.
	DefaultEvery = 1
	// DefaultRowGroupRows is the target number of rows per row group.
	DefaultRowGroupRows = 16384
)

// fillDefaults gives every key the config left out its default. It is the
// one place defaults are decided: after loading, every field of an
// Experiment has its final value and no package fills one in later.
//
//	runs                   1
//	workers                GOMAXPROCS (every core)
//	common_random_numbers  true
//	on_nan                 fail (the zero gds.NaNMode)
//	sweep.mode             points when sweep.points is given, else zip
//	output.dir             out/<config name>
//	output.format          parquet
//	output.compression     snappy
//	output.every           1
//	output.row_group_rows  16384
//	output.agents          table
func (x *Experiment) fillDefaults(source string, md toml.MetaData) {
	if !md.IsDefined("runs") {
		x.Runs = DefaultRuns
	}
	if !md.IsDefined("workers") {
		x.Workers = runtime.GOMAXPROCS(0)
	}
	if !md.IsDefined("common_random_numbers") {
		x.CommonRandomNumbers = true
	}
	if x.Sweep.Mode == 0 {
		x.Sweep.Mode = SweepZip
		if len(x.Sweep.Points) > 0 {
			x.Sweep.Mode = SweepPoints
		}
	}
	if x.Output.Dir == "" {
		x.Output.Dir = filepath.Join("out", nameOf(source))
	}
	if x.Output.Format == 0 {
		x.Output.Format = Parquet
	}
	if x.Output.Compression == 0 {
		x.Output.Compression = Snappy
	}
	if x.Output.Every == 0 {
		x.Output.Every = DefaultEvery
	}
	if x.Output.RowGroupRows == 0 {
		x.Output.RowGroupRows = DefaultRowGroupRows
	}
	if x.Output.Agents == 0 {
		x.Output.Agents = AgentsTable
	}
}
