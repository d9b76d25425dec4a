package report

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/statecraft/statecraft/runner"
	"github.com/statecraft/statecraft/runner/dataset"
)

// A shard of a run keeps its report's rows as a run does (Collector.Add)
// and commits them with its manifest (runner.Options.ShardRows, encoded
// by Encode); statecraft merge adds every shard's to one Collector
// (LoadShardRows), so that the report of the merged dataset draws from
// them as a run's does, instead of reading the dataset back.

// shardRowsVersion changes with the encoding: a file of another version
// is not read (the report reads the dataset).
const shardRowsVersion = 1

// shardRows is a Collector's kept rows as a shard commits them.
type shardRows struct {
	Version              int
	T, Stride, N         int // the time bins
	Panels, Runs, Budget int
	Last                 int64
	Every, Vec           int
	Tables               map[string]shardTable
}

type shardTable struct {
	Agents, Off bool
	Cols        []string
	Vals        [][]float64 // the substep table's
	Jobs        []shardJob  // an agent table's
}

type shardJob struct {
	Key    [3]int32
	T, Sub int64
	Vals   [][]float64
}

// Encode returns the rows the Collector kept, for
// runner.Options.ShardRows.
func (c *Collector) Encode() ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := shardRows{Version: shardRowsVersion, T: c.bins.T, Stride: c.bins.stride, N: c.bins.n,
		Panels: c.panels, Runs: c.runs, Budget: c.budget, Last: c.last, Every: c.every, Vec: int(c.vec),
		Tables: map[string]shardTable{}}
	for name, k := range c.tables {
		t := shardTable{Agents: k.agents, Off: k.off, Cols: k.cols, Vals: k.vals}
		for _, key := range slices.SortedFunc(maps.Keys(k.jobs), compareKeys) {
			j := k.jobs[key]
			t.Jobs = append(t.Jobs, shardJob{Key: key, T: j.t, Sub: j.sub, Vals: j.vals})
		}
		s.Tables[name] = t
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&s); err != nil {
		return nil, fmt.Errorf("report rows: %w", err)
	}
	return buf.Bytes(), nil
}

// LoadShardRows returns a Collector for the report of the merged dataset
// of man, in dir, planned with p, holding the rows each shard kept
// (man.ReportRows); false if the manifest lists none, or one is missing
// or was kept for a report of other options: then the report reads the
// dataset.
func LoadShardRows(dir string, man *dataset.Manifest, p *runner.Plan, opt Options) (*Collector, bool) {
	if len(man.ReportRows) == 0 {
		return nil, false
	}
	c := NewCollector(p, opt)
	ds := &dataset.Shard{Dir: dir}
	for _, name := range man.ReportRows {
		data, err := os.ReadFile(ds.Path(name))
		if err != nil {
			return nil, false
		}
		if err := c.add(data); err != nil {
			return nil, false
		}
	}
	return c, true
}

// add adds a shard's encoded rows to the Collector's.
func (c *Collector) add(data []byte) error {
	var s shardRows
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&s); err != nil {
		return err
	}
	if s.Version != shardRowsVersion || s.T != c.bins.T || s.Stride != c.bins.stride || s.N != c.bins.n ||
		s.Panels != c.panels || s.Runs != c.runs || s.Budget != c.budget || s.Last != c.last || s.Every != c.every || s.Vec != int(c.vec) {
		return errors.New("kept for another report")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for name, t := range s.Tables {
		k := c.tables[name]
		if k == nil || k.agents != t.Agents {
			return fmt.Errorf("table %q", name)
		}
		if k.off {
			continue
		}
		if t.Off {
			c.stop(k)
			continue
		}
		if t.Cols == nil {
			continue // no rows written
		}
		if k.cols == nil {
			k.cols = t.Cols
			k.vals = make([][]float64, len(t.Cols))
		} else if !slices.Equal(k.cols, t.Cols) {
			return fmt.Errorf("table %q: columns", name)
		}
		if !k.agents {
			if len(t.Vals) != len(k.cols) {
				return fmt.Errorf("table %q: %d columns of values", name, len(t.Vals))
			}
			for j := range t.Vals {
				if len(t.Vals[j]) != len(t.Vals[0]) {
					return fmt.Errorf("table %q: ragged columns", name)
				}
				k.vals[j] = append(k.vals[j], t.Vals[j]...)
				c.values += len(t.Vals[j])
			}
		}
		for _, j := range t.Jobs {
			if _, dup := k.jobs[j.Key]; dup {
				return fmt.Errorf("table %q: job %v twice", name, j.Key)
			}
			if len(j.Vals) != len(k.cols)-len(runner.IDColumns()) {
				return fmt.Errorf("table %q: job %v: %d columns of values", name, j.Key, len(j.Vals))
			}
			for _, v := range j.Vals {
				if len(v) != len(j.Vals[0]) {
					return fmt.Errorf("table %q: job %v: ragged columns", name, j.Key)
				}
			}
			k.jobs[j.Key] = &agentLast{t: j.T, sub: j.Sub, vals: j.Vals}
			for _, v := range j.Vals {
				c.values += len(v)
			}
		}
		if c.values > c.budget {
			c.stop(k)
		}
	}
	return nil
}
