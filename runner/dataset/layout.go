package dataset

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// The names of a dataset's files. Every name Statecraft writes in a
// dataset directory is built here.
const (
	// ManifestName is the manifest of a finished dataset (an unsharded
	// run's, or the one Merge writes), in the dataset directory.
	ManifestName = metaMark + manifestStem + ".json"
	// TablesDir is the directory, in the dataset directory, of the
	// secondary tables: table V is in TablesDir/V.
	TablesDir = metaMark + "tables"
	// KPITable is the name of the KPI table, a secondary table (in
	// TableDir(KPITable)) of one row per job; no variable can have the
	// name, which starts with metaMark.
	KPITable = metaMark + "kpis"
	// TraceTable is the name of an optimisation's trace table, of one row
	// per evaluation, in TableDir(TraceTable).
	TraceTable = metaMark + "optimize"
	// ReportName is the dataset's HTML report, in the dataset directory.
	ReportName = metaMark + reportStem + ".html"

	metaMark     = "_" // starts the name of every file that is not data
	tempMark     = "." // starts a temporary name, tempExt ends it
	tempExt      = ".tmp"
	partPrefix   = "part-"
	manifestStem = "manifest"
	reportStem   = "report" // the pass-rate report of datasets before the decision layer
	decisionStem = "decision"
	// reportRowsStem names the files of a shard's kept report rows
	reportRowsStem = "report-rows"

	// oldManifestName is ManifestName in the layout before the
	// metadata mark.
	oldManifestName = manifestStem + ".json"
)

// Shard is the share of a dataset directory that one run writes: shard
// Index of Count, or the whole dataset when Count <= 1. It names the run's
// files, and prepares, commits and cleans them up.
type Shard struct {
	// Dir is the dataset directory.
	Dir string
	// Index and Count say that this is shard Index of Count; Count 0 or 1
	// is an unsharded run.
	Index, Count int
	// Ext is the extension of the part files, with its dot: ".parquet".
	Ext string
	// Tables are the names of the agent tables the run writes, each in
	// TableDir(name).
	Tables []string
	// KPIs says that the run writes the KPI table (KPIFile).
	KPIs bool
	// Trace says that the run writes an optimisation's trace (TraceFile).
	Trace bool

	// Stage lets Lock choose a staging directory (StagingDir) for an
	// unsharded run into a directory that does not exist yet, so that
	// Commit makes the whole dataset visible in one rename. Run sets it;
	// Merge, which writes into an existing directory, does not.
	Stage bool

	// staging is the directory the run writes in until its commit makes
	// it Dir, in one rename (StagingDir); "" when the run writes in Dir.
	staging string
	// stagedLock is where the lock file of a staged run is: in staging,
	// then in Dir once published.
	stagedLock string
	// locked says that the run holds the directory's lock (Lock), and
	// removing reports the end of the background removal of the files
	// it overwrites, if one runs (see trash.go).
	locked   bool
	removing chan struct{}
}

// StagingDir returns where an unsharded run into dir, when dir does not
// exist, writes the dataset until its commit renames it to dir: a hidden
// sibling, .statecraft-staging-BASE, in the same parent directory (and so
// on the same file system).
func StagingDir(dir string) string {
	dir = filepath.Clean(dir)
	return filepath.Join(filepath.Dir(dir), tempMark+"statecraft-staging-"+filepath.Base(dir))
}

// Staging returns the staging directory the run writes in until its
// commit (see Stage), or "" when it writes in Dir.
func (s *Shard) Staging() string { return s.staging }

// root is the directory the run's files are in now: the staging
// directory until the commit, then Dir.
func (s *Shard) root() string {
	if s.staging != "" {
		return s.staging
	}
	return s.Dir
}

// TraceFile returns the name of the optimisation trace's file.
func (s *Shard) TraceFile() string {
	return FileName(TraceTable, s.ownPrefix()+"000-0000.parquet")
}

// KPIFile returns the name of the run's file of the KPI table, relative
// to the dataset directory: one per shard, named like a part file.
func (s *Shard) KPIFile() string {
	return FileName(KPITable, s.ownPrefix()+"000-0000.parquet")
}

// ReportRowsFile is the name of the file of a shard's kept report rows
// (Manifest.ReportRows).
func (s *Shard) ReportRowsFile() string {
	return metaMark + reportRowsStem + s.shardSuffix() + ".bin"
}

// sharded reports whether the run is one shard of several.
func (s *Shard) sharded() bool { return s.Count > 1 }

// shardSuffix is the part of a shard's metadata file names that says
// which shard wrote them.
func (s *Shard) shardSuffix() string {
	return fmt.Sprintf("-shard-%04d-of-%04d", s.Index, s.Count)
}

// ownPrefix is the prefix of this shard's part files.
func (s *Shard) ownPrefix() string { return fmt.Sprintf("%s%04d-", partPrefix, s.Index) }

// PartName returns the name of part seq of a worker: the name of its file
// in every table's directory.
func (s *Shard) PartName(worker, seq int) string {
	return fmt.Sprintf("%s%03d-%04d%s", s.ownPrefix(), worker, seq, s.Ext)
}

// manifestName is the name of the run's manifest: ManifestName, or the
// shard's.
func (s *Shard) manifestName() string {
	if !s.sharded() {
		return ManifestName
	}
	return metaMark + manifestStem + s.shardSuffix() + ".json"
}

// ManifestPath returns the path of the manifest the run writes.
func (s *Shard) ManifestPath() string { return filepath.Join(s.root(), s.manifestName()) }

// TableDir returns the directory of secondary table name, relative to the
// dataset directory, with forward slashes (a TableInfo's Dir).
func TableDir(name string) string { return path.Join(TablesDir, name) }

// FileName returns the name of a table's file of part, relative to the
// dataset directory, with forward slashes (a FileInfo's Name): part itself
// for the substep table (table ""), TableDir(table)/part for a secondary
// table.
func FileName(table, part string) string {
	if table == "" {
		return part
	}
	return path.Join(TableDir(table), part)
}

// Path returns the path of a file of the dataset given its name relative
// to the dataset directory (a FileInfo's Name).
func (s *Shard) Path(name string) string { return filepath.Join(s.root(), filepath.FromSlash(name)) }

// TempPath returns the temporary path of the dataset file name (a
// FileInfo's Name): .BASE.tmp in the same directory, renamed to name by
// Commit.
func (s *Shard) TempPath(name string) string { return s.Path(tempFileName(name)) }

// tempFileName is the temporary name of the dataset file name, relative
// to the dataset directory like name.
func tempFileName(name string) string {
	dir, base := path.Split(name)
	return dir + tempName(base)
}

// tempName is the temporary name of a file.
func tempName(name string) string { return tempMark + name + tempExt }

// isTemp reports whether a file name is a temporary one.
func isTemp(name string) bool {
	return strings.HasPrefix(name, tempMark) && strings.HasSuffix(name, tempExt)
}

// The exact names of the files Statecraft writes, without the marks of a
// temporary: part files (and the probe Prepare writes), and manifests and
// reports of any shard, in the current layout (with metaMark) or the old
// one (without). Only these count as Statecraft's: --overwrite must never
// delete a user's report.pdf or manifest-notes.json.
var (
	// The HTML report exists only in the current layout: a user's
	// report.html is not Statecraft's.
	htmlRe = regexp.MustCompile(`^` + regexp.QuoteMeta(ReportName) + `$`)
	partRe = regexp.MustCompile(`^` + partPrefix + `\d{4,}-(?:\d{3,}-\d{4,}\.[a-z]+|probe|trash-\d+)$`)
	metaRe = regexp.MustCompile(`^` + metaMark + `?(?:` + manifestStem + `(?:-shard-\d{4}-of-\d{4})?\.json|` +
		reportStem + `(?:-shard-\d{4}-of-\d{4})?\.(?:json|md)|` + reportRowsStem + `-shard-\d{4}-of-\d{4}\.bin|` +
		decisionStem + `\.(?:json|txt))$`)
)

// untemp strips a temporary name of its marks.
func untemp(name string) string {
	if isTemp(name) {
		return strings.TrimSuffix(strings.TrimPrefix(name, tempMark), tempExt)
	}
	return name
}

// isPart reports whether a file name is a part file's (final or temporary).
func isPart(name string) bool { return partRe.MatchString(untemp(name)) }

// metaStem strips a file name of the marks of a temporary and of a
// metadata file: what is left starts with the stem of a manifest or
// report. Datasets written before the metadata mark named the same files
// without it.
func metaStem(name string) string { return strings.TrimPrefix(untemp(name), metaMark) }

// isFinished reports whether a file name is a finished dataset's manifest
// (ManifestName, or manifest.json in the old layout).
func isFinished(name string) bool { return name == ManifestName || name == oldManifestName }

// ours reports whether a file name, in the dataset directory, is one
// Statecraft writes there: a part file, a manifest or a report (final or
// temporary, in the current or the old layout).
func ours(name string) bool {
	return isPart(name) || metaRe.MatchString(untemp(name)) || htmlRe.MatchString(untemp(name))
}

// mine reports whether a file Statecraft writes belongs to this run: with
// shards, whether this shard wrote it.
func (s *Shard) mine(name string) bool {
	if !ours(name) {
		return false
	}
	if isPart(name) {
		return !s.sharded() || strings.HasPrefix(strings.TrimPrefix(name, tempMark), s.ownPrefix())
	}
	n := metaStem(name)
	// report-rows before report, its prefix
	for _, stem := range []string{manifestStem, reportRowsStem, reportStem, decisionStem} {
		if strings.HasPrefix(n, stem) {
			return !s.sharded() || strings.HasPrefix(n, stem+s.shardSuffix())
		}
	}
	return false
}
