package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"time"
)

// shardManifestRe matches the names of shard manifests: the current
// layout's (_manifest-shard-0000-of-0004.json) and the old one's, without
// the metadata mark.
var shardManifestRe = regexp.MustCompile(`^` + metaMark + `?` + manifestStem + `-shard-(\d{4})-of-(\d{4})\.json$`)

// Merge combines the shard manifests of a sharded dataset into one
// _manifest.json, once every shard has finished: it checks that all n
// shards are there, ran the same config, model, seed and columns, and that
// every part file they list exists (the agent tables' too); it sums jobs
// and rows, joins the file lists (per agent table as well), failures and
// anomalies, and the KPI tables' file lists. It returns the merged
// manifest. The shard manifests stay. The shard manifests of a dataset of
// the old layout (manifest-shard-*-of-*.json) merge too, into
// _manifest.json.
func Merge(dir string) (*Manifest, error) {
	ds := &Shard{Dir: dir} // the merged dataset, unsharded
	if _, err := os.ReadDir(dir); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	release, err := ds.Lock() // no shard may be running while it merges
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	defer release()
	interrupted, err := completeShardCommits(dir)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	var shards []*Manifest
	n := -1
	seen := map[int]string{}
	for _, e := range entries {
		m := shardManifestRe.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		count, _ := strconv.Atoi(m[2])
		if n >= 0 && count != n {
			return nil, fmt.Errorf("merge %s: shard manifests of runs with %d and %d shards are mixed (%s, %s)", dir, n, count, seen[firstKey(seen)], e.Name())
		}
		n = count
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		var man Manifest
		if err := json.Unmarshal(data, &man); err != nil {
			return nil, fmt.Errorf("merge %s: %s: %w", dir, e.Name(), err)
		}
		if man.Shard != i || man.Shards != count {
			return nil, fmt.Errorf("merge %s: %s says it is shard %d of %d", dir, e.Name(), man.Shard, man.Shards)
		}
		if other, ok := seen[i]; ok {
			return nil, fmt.Errorf("merge %s: two manifests of shard %d (%s, %s); remove the one of the older run", dir, i, other, e.Name())
		}
		seen[i] = e.Name()
		shards = append(shards, &man)
	}
	if n < 0 {
		return nil, fmt.Errorf("merge %s: no shard manifests (_manifest-shard-*-of-*.json); is this a sharded dataset?", dir)
	}
	var missing []string
	for i := 0; i < n; i++ {
		if _, ok := seen[i]; !ok {
			missing = append(missing, strconv.Itoa(i))
		}
	}
	if len(missing) > 0 {
		more := ""
		if len(interrupted) > 0 {
			more = fmt.Sprintf("; shard %v were interrupted, and rerunning the same command continues each", interrupted)
		}
		return nil, fmt.Errorf("merge %s: %d of %d shards have not finished (missing: shard %v)%s; run them, then merge", dir, len(missing), n, missing, more)
	}
	sort.Slice(shards, func(i, j int) bool { return shards[i].Shard < shards[j].Shard })

	first := shards[0]
	out := *first
	out.Shard, out.Shards = 0, 1
	out.Jobs, out.Rows, out.ElapsedSec, out.ResumedJobs, out.Identity, out.ReportRows = 0, 0, 0, 0, nil, nil
	keptRows := true // every shard kept its report's rows
	out.Files, out.Failed, out.Anomalies = []FileInfo{}, []JobFailure{}, []JobAnomaly{}
	out.Tables = nil
	if first.KPIs != nil {
		out.KPIs = &TableInfo{Dir: first.KPIs.Dir, Columns: first.KPIs.Columns, Files: []FileInfo{}}
	}
	for name, t := range first.Tables {
		if out.Tables == nil {
			out.Tables = map[string]*TableInfo{}
		}
		out.Tables[name] = &TableInfo{Dir: t.Dir, Kind: t.Kind, Columns: t.Columns, Files: []FileInfo{}}
	}
	out.Complete = true
	out.Created = time.Now().UTC().Format(time.RFC3339)
	for _, s := range shards {
		name := seen[s.Shard]
		switch {
		case s.Config.Text != first.Config.Text:
			return nil, fmt.Errorf("merge %s: %s ran another config than %s", dir, name, seen[0])
		case s.Model != first.Model || s.Seed != first.Seed || s.TotalJobs != first.TotalJobs:
			return nil, fmt.Errorf("merge %s: %s ran another model, seed or job count than %s", dir, name, seen[0])
		case !reflect.DeepEqual(s.Columns, first.Columns):
			return nil, fmt.Errorf("merge %s: %s has other columns than %s", dir, name, seen[0])
		case !sameTables(s.Tables, first.Tables):
			return nil, fmt.Errorf("merge %s: %s has other agent tables (or columns in them) than %s; were the shards run with the same output.agents?", dir, name, seen[0])
		case (s.KPIs == nil) != (first.KPIs == nil) || s.KPIs != nil && !reflect.DeepEqual(s.KPIs.Columns, first.KPIs.Columns):
			return nil, fmt.Errorf("merge %s: %s has another KPI table than %s", dir, name, seen[0])
		}
		files := s.Files
		for _, t := range s.Tables {
			files = append(files[:len(files):len(files)], t.Files...)
		}
		if s.KPIs != nil {
			files = append(files[:len(files):len(files)], s.KPIs.Files...)
			out.KPIs.Rows += s.KPIs.Rows
			out.KPIs.Files = append(out.KPIs.Files, s.KPIs.Files...)
		}
		for _, f := range files {
			if _, err := os.Stat(ds.Path(f.Name)); err != nil {
				return nil, fmt.Errorf("merge %s: %s lists %s, which is missing", dir, name, f.Name)
			}
		}
		// the kept report rows are an aid: one missing only makes the
		// report read the dataset
		keptRows = keptRows && len(s.ReportRows) > 0
		for _, f := range s.ReportRows {
			if _, err := os.Stat(ds.Path(f)); err != nil {
				keptRows = false
			}
		}
		out.ReportRows = append(out.ReportRows, s.ReportRows...)
		for tn, t := range s.Tables {
			o := out.Tables[tn]
			o.Rows += t.Rows
			o.Files = append(o.Files, t.Files...)
		}
		out.Jobs += s.Jobs
		out.Rows += s.Rows
		out.ElapsedSec = max(out.ElapsedSec, s.ElapsedSec)
		out.ResumedJobs += s.ResumedJobs
		out.Files = append(out.Files, s.Files...)
		out.Failed = append(out.Failed, s.Failed...)
		out.Anomalies = append(out.Anomalies, s.Anomalies...)
		out.Complete = out.Complete && s.Complete
	}
	if !keptRows {
		out.ReportRows = nil
	}
	if out.Jobs != out.TotalJobs {
		return nil, fmt.Errorf("merge %s: the shards ran %d jobs; the experiment has %d", dir, out.Jobs, out.TotalJobs)
	}
	SortFiles(out.Files)
	for _, t := range out.Tables {
		SortFiles(t.Files)
	}
	if out.KPIs != nil {
		SortFiles(out.KPIs.Files)
	}
	if _, err := ds.WriteManifest(&out); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if !out.Complete {
		return &out, errors.New("merged, but some jobs failed: the manifest lists them and says the dataset is incomplete")
	}
	return &out, nil
}

// sameTables reports whether two shards wrote the same secondary tables,
// of the same kinds, with the same directories and columns.
func sameTables(a, b map[string]*TableInfo) bool {
	if len(a) != len(b) {
		return false
	}
	for name, t := range a {
		u, ok := b[name]
		if !ok || t.Dir != u.Dir || t.Kind != u.Kind || !reflect.DeepEqual(t.Columns, u.Columns) {
			return false
		}
	}
	return true
}

func firstKey(m map[int]string) int {
	k := -1
	for i := range m {
		if k < 0 || i < k {
			k = i
		}
	}
	return k
}

// completeShardCommits completes the commits that shards killed while
// committing left in dir, and returns the shards whose journals say they
// were interrupted before.
func completeShardCommits(dir string) (interrupted []int, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		m := journalRe.FindStringSubmatch(e.Name())
		if m == nil || m[1] == "" {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		s := &Shard{Dir: dir, Index: i, Count: n}
		st, err := readJournal(s.JournalPath())
		switch {
		case err != nil:
			return nil, err
		case st != nil && st.commit != nil:
			if err := s.rollForward(st.commit); err != nil {
				return nil, err
			}
		default:
			interrupted = append(interrupted, i)
		}
	}
	return interrupted, nil
}
