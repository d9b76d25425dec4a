package configs

import (
	"path/filepath"
	"runtime"

	"github.com/BurntSushi/toml"

	"github.com/statecraft/statecraft/gds"
)

// The defaults of an experiment's numeric keys.
const (
	// DefaultRuns is the number of Monte Carlo runs per sweep point.
	DefaultRuns = 1
	// DefaultEvery records every timestep.
	DefaultEvery = 1
	// DefaultRowGroupRows is the least number of rows per row group
	// (fewer when a part file ends first); a worker's batch holds at most
	// 16384 of them.
	DefaultRowGroupRows = 65536
	// DefaultCheckpointSeconds is how often a worker checkpoints.
	DefaultCheckpointSeconds = 60
	// DefaultSobolSamples is the number of base points of a Sobol
	// sensitivity analysis: (parameters + 2) times as many jobs per run.
	DefaultSobolSamples = 256
	// DefaultMorrisTrajectories is the number of Morris trajectories:
	// (parameters + 1) points each.
	DefaultMorrisTrajectories = 16
	// DefaultMorrisLevels is the number of levels of the Morris grid.
	DefaultMorrisLevels = 4
	// DefaultBootstrap is the number of bootstrap resamples of the
	// sensitivity indices' confidence intervals.
	DefaultBootstrap = 1000
	// DefaultMaxEvals is the evaluation budget of an optimisation.
	DefaultMaxEvals = 100
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
//	output.row_group_rows  65536
//	output.agents          table
//	output.checkpoint_seconds  60
//	report.html            true
//	report.vector_stat     mean
//	report.points          1000
//	kpis.*.stat            final
//	psuu.objectives.*      across worst; stat mean (a KPI's); sense max and criterion all (a pass rate's)
//	sensitivity.samples    256 (sobol) or 16 (morris)
//	sensitivity.levels     4 (morris)
//	sensitivity.bootstrap  1000
//	optimize.method        nelder_mead
//	optimize.max_evals     100
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
	if x.Limits.MaxVectorLen == 0 {
		x.Limits.MaxVectorLen = gds.DefaultMaxVecLen
	}
	if x.Limits.MaxAgents == 0 {
		x.Limits.MaxAgents = gds.DefaultMaxAgents
	}
	if x.Output.RowGroupRows == 0 {
		x.Output.RowGroupRows = DefaultRowGroupRows
	}
	if x.Output.CheckpointSeconds == 0 {
		x.Output.CheckpointSeconds = DefaultCheckpointSeconds
	}
	if x.Output.Agents == 0 {
		x.Output.Agents = AgentsTable
	}
	if !md.IsDefined("report", "html") {
		x.Report.HTML = true
	}
	if x.Report.VectorStat == 0 {
		x.Report.VectorStat = VectorMean
	}
	if x.Report.Points == 0 {
		x.Report.Points = DefaultReportPoints
	}
	for name, k := range x.KPIs {
		if k.Stat == 0 && k.Expr == "" {
			k.Stat = StatFinal
			x.KPIs[name] = k
		}
	}
	for _, o := range psuuObjectives(x.PSUU) {
		if o.Across == 0 {
			o.Across = AcrossWorst
		}
		if o.Stat == 0 && o.KPI != "" {
			o.Stat = ObjectiveMean
		}
		if o.Sense == 0 && o.KPI == "" {
			o.Sense = Maximize
		}
		if o.KPI == "" && o.Criterion == "" {
			o.Criterion = "all"
		}
	}
	if s := x.Sensitivity; s != nil {
		if s.Samples == 0 {
			s.Samples = DefaultSobolSamples
			if s.Method == Morris {
				s.Samples = DefaultMorrisTrajectories
			}
		}
		if s.Levels == 0 && s.Method == Morris {
			s.Levels = DefaultMorrisLevels
		}
		if s.Bootstrap == 0 {
			s.Bootstrap = DefaultBootstrap
		}
	}
	if o := x.Optimize; o != nil {
		if o.Method == 0 {
			o.Method = NelderMead
		}
		if o.MaxEvals == 0 {
			o.MaxEvals = DefaultMaxEvals
		}
	}
}

func psuuObjectives(p *PSUU) []*Objective {
	if p == nil {
		return nil
	}
	out := make([]*Objective, len(p.Objectives))
	for i := range p.Objectives {
		out[i] = &p.Objectives[i]
	}
	return out
}
