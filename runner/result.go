package runner

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/statecraft/statecraft/runner/dataset"
)

// Result describes a finished execution.
type Result struct {
	Dir       string
	Manifest  string                        // path of the manifest file
	Jobs      int                           // jobs run by this shard
	Rows      int64                         // rows written by this shard
	Files     []dataset.FileInfo            // the substep table's part files
	Tables    map[string]*dataset.TableInfo // the agent tables by variable name; nil with none or output.agents = "list"
	Failed    []dataset.JobFailure
	Anomalies []dataset.JobAnomaly
	// Decisions are the pass rates, KPI statistics and rankings, with
	// [kpis] (unsharded: a shard's are drawn by Merge).
	Decisions *Decisions
	// DecisionText is the path of the decisions' text tables.
	DecisionText string
	KPIs         *dataset.TableInfo // the KPI table, with [kpis]
	Trace        *dataset.TableInfo // the optimisation's trace, with [optimize]
	Elapsed      time.Duration
	// Resumed is the number of jobs an interrupted run of the same command
	// had finished, kept rather than run again.
	Resumed int
	// AlreadyCommitted says that an earlier run of the same command had
	// committed the dataset already (or begun to, and this run completed
	// it): nothing was run.
	AlreadyCommitted bool

	tableFiles [][]dataset.FileInfo // by agent table, while running
	reportRows string               // the committed file of the kept report rows (Options.ShardRows)
}

// JobsFailedError reports that some jobs failed; the others' rows were
// written and the manifest says the dataset is incomplete.
type JobsFailedError struct {
	Failed []dataset.JobFailure
	Jobs   int
}

func (e *JobsFailedError) Error() string {
	f := e.Failed[0]
	more := ""
	if len(e.Failed) > 1 {
		more = fmt.Sprintf(" (and %d more; see the manifest)", len(e.Failed)-1)
	}
	return fmt.Sprintf("%d of %d jobs failed; first: %s; parameters %s%s", len(e.Failed), e.Jobs, f.Error, fmtParams(f.Params), more)
}

func fmtParams(p map[string]any) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%v", k, p[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// StoppedError reports a run that stopped before its dataset was
// committed (cancelled, or an I/O error): nothing of it is visible, and
// the jobs the journal holds are kept for a rerun of the same command.
type StoppedError struct {
	Err        error
	Dir        string
	Kept, Jobs int
	// Staging is where the kept jobs are, when not in Dir: the staging
	// directory of a run into a directory that did not exist
	// (dataset.StagingDir), which the commit renames to Dir.
	Staging string
}

func (e *StoppedError) Error() string {
	where := e.Dir
	if e.Staging != "" {
		where = fmt.Sprintf("%s (the staging directory of %s)", e.Staging, e.Dir)
	}
	return fmt.Sprintf("%v; %d of %d jobs are kept in %s: rerun the same command to continue", e.Err, e.Kept, e.Jobs, where)
}

// Unwrap returns the underlying error.
func (e *StoppedError) Unwrap() error { return e.Err }

// OutputDirError reports an output directory that cannot take the dataset
// (not empty, holding other files, not writable); nothing was run.
type OutputDirError struct{ Err error }

func (e *OutputDirError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *OutputDirError) Unwrap() error { return e.Err }
