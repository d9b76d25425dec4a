package runner

import (
	"fmt"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/statecraft/statecraft/runner/dataset"
)

// part is a part of the dataset being written under temporary names: one
// file per table, the substep table's in the dataset directory and each
// agent table's, with the same name, in the table's directory. A part's
// files hold the same substep rows (an agent table the records of those
// rows); they are written, spilled, discarded and committed together.
type part struct {
	name      string     // final file name, in every table's directory
	files     []partFile // [0] the substep table, [1+k] agent table k
	discarded bool
	onRows    func(string, arrow.Record) // Options.Rows, or nil
	tables    []string                   // the agent and graph tables' names, as files[1:]
}

// partFile is one table's file of a part.
type partFile struct {
	tmp    string
	f      *os.File
	w      partWriter
	rows   int64
	groups int // row groups ended (Parquet), records written (Arrow, CSV)
	open   int // rows of the row group being built (Parquet)
}

func (wk *worker) newPart() (*part, error) {
	name := wk.ds.PartName(wk.id, wk.seq)
	wk.seq++
	pt := &part{name: name, files: make([]partFile, 1+len(wk.ds.Tables)), onRows: wk.opts.rows, tables: wk.ds.Tables}
	for k := range pt.files {
		table, schema := "", wk.schema
		if k > 0 {
			table, schema = wk.ds.Tables[k-1], wk.batch.tables[k-1].tableSchema()
		}
		pf := &pt.files[k]
		pf.tmp = wk.ds.TempPath(dataset.FileName(table, name))
		f, err := os.Create(pf.tmp)
		if err != nil {
			pt.discard()
			return nil, fmt.Errorf("output: %w", err)
		}
		pf.f = f
		if pf.w, err = wk.format.open(f, schema, wk.opts); err != nil {
			pt.discard()
			return nil, fmt.Errorf("output %s: %w", pf.tmp, err)
		}
	}
	wk.parts = append(wk.parts, pt)
	return pt, nil
}

// write writes the batch's rows [lo, hi) to the substep table's file and
// their agent records to the agent tables' files, in records of at most
// chunk agent rows.
func (pt *part) write(b *batch, mem memory.Allocator, lo, hi, chunk, groupRows int) error {
	if hi <= lo {
		return nil
	}
	rec := b.record(mem, lo, hi)
	defer rec.Release()
	main := &pt.files[0]
	if err := main.w.Write(rec); err != nil {
		return fmt.Errorf("output %s: %w", main.tmp, err)
	}
	main.wrote(hi-lo, groupRows)
	if pt.onRows != nil {
		pt.onRows("", rec)
	}
	for k, t := range b.tables {
		pf := &pt.files[1+k]
		err := b.writeTable(t, mem, lo, hi, chunk, func(r arrow.Record) error {
			if err := pf.w.Write(r); err != nil {
				return fmt.Errorf("output %s: %w", pf.tmp, err)
			}
			pf.wrote(int(r.NumRows()), groupRows)
			if pt.onRows != nil {
				pt.onRows(pt.tables[k], r)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// groupWriter is a partWriter that tells whether a row group is open, and
// its rows: Parquet's, whose row groups end at groupRows rows or
// rowGroupBytes of pages.
type groupWriter interface{ OpenRows() int64 }

// wrote counts n rows (n > 0) written as one record to a file whose row
// groups end once they have groupRows rows, as the writer ends them.
func (pf *partFile) wrote(n, groupRows int) {
	pf.rows += int64(n)
	if g, ok := pf.w.(groupWriter); ok {
		if pf.open = int(g.OpenRows()); pf.open == 0 { // the record ended the group
			pf.groups++
		}
		return
	}
	pf.open += n
	if pf.open >= groupRows {
		pf.groups++
		pf.open = 0
	}
}

// sealed returns the part as a checkpoint records it.
func (pt *part) sealed() dataset.SealedPart {
	sp := dataset.SealedPart{Name: pt.name, Rows: make([]int64, len(pt.files))}
	for k := range pt.files {
		sp.Rows[k] = pt.files[k].rows
	}
	return sp
}

// rows returns the number of substep rows written to the part.
func (pt *part) rows() int64 { return pt.files[0].rows }

// A part file is closed, and the next rows go to a new one, once it has
// maxPartBytes bytes or maxPartRowGroups row groups. Files of at least
// 64 MB are what Spark, Trino and object stores read best (a dataset of
// many small files is slow to list and open), and a Parquet writer keeps
// the metadata of every row group (~1 KB per column chunk, statistics
// included) in memory until it writes the footer: at 256 row groups of a
// 9-column table, about 2 MB per open file. (With a row group per 16384-row
// batch and no byte bound, 64 row groups kept peak RSS flat: abm's agent
// table, 51 MB with 10 runs and 100 MB with 100 when a part stayed open for
// the whole run.)
const (
	maxPartBytes     = 128 << 20
	maxPartRowGroups = 256
)

// rollbacker is a partWriter that can drop what it wrote after a mark (a
// row group boundary): Parquet's.
type rollbacker interface {
	mark() (any, error)
	rollback(m any) error
}

// partMark is a part's files' state at a mark.
type partMark struct {
	marks  []any
	rows   []int64
	groups []int
}

// canRollback reports whether every file of the part can be rolled back.
func (pt *part) canRollback() bool {
	for k := range pt.files {
		if _, ok := pt.files[k].w.(rollbacker); !ok {
			return false
		}
	}
	return true
}

// mark ends the part's files' open row groups and returns their state,
// for rollback.
func (pt *part) mark() (partMark, error) {
	m := partMark{marks: make([]any, len(pt.files)), rows: make([]int64, len(pt.files)), groups: make([]int, len(pt.files))}
	for k := range pt.files {
		pf := &pt.files[k]
		mk, err := pf.w.(rollbacker).mark()
		if err != nil {
			return m, fmt.Errorf("output %s: %w", pf.tmp, err)
		}
		if pf.open > 0 {
			pf.groups++
			pf.open = 0
		}
		m.marks[k], m.rows[k], m.groups[k] = mk, pf.rows, pf.groups
	}
	return m, nil
}

// rollback drops the rows written to the part since m: a failed job's.
func (pt *part) rollback(m partMark) error {
	for k := range pt.files {
		pf := &pt.files[k]
		if err := pf.w.(rollbacker).rollback(m.marks[k]); err != nil {
			return fmt.Errorf("output %s: %w", pf.tmp, err)
		}
		pf.rows, pf.groups, pf.open = m.rows[k], m.groups[k], 0
	}
	return nil
}

// sizer is a partWriter that knows the bytes it has written.
type sizer interface{ Size() int64 }

// full reports whether one of the part's files has maxPartBytes bytes or
// maxPartRowGroups row groups.
func (pt *part) full() bool {
	for k := range pt.files {
		pf := &pt.files[k]
		if pf.groups >= maxPartRowGroups {
			return true
		}
		if s, ok := pf.w.(sizer); ok && s.Size() >= maxPartBytes {
			return true
		}
	}
	return false
}

// close closes the part's files (keeping their temporary names) and
// fsyncs them: a closed part survives a crash, for a checkpoint to record.
func (pt *part) close() error {
	var first error
	for k := range pt.files {
		pf := &pt.files[k]
		if pf.w == nil {
			continue
		}
		err := pf.w.Close()
		if serr := pf.f.Sync(); err == nil {
			err = serr
		}
		if cerr := pf.f.Close(); err == nil {
			err = cerr
		}
		pf.w, pf.f = nil, nil
		if err != nil && first == nil {
			first = fmt.Errorf("output %s: %w", pf.tmp, err)
		}
	}
	return first
}

// discard closes and removes the part's files.
func (pt *part) discard() {
	for k := range pt.files {
		pf := &pt.files[k]
		if pf.f != nil {
			pf.f.Close()
		}
		pf.w, pf.f = nil, nil
		if pf.tmp != "" {
			os.Remove(pf.tmp)
		}
	}
	pt.discarded = true
}
