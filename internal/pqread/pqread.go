// Package pqread reads the numeric columns of a Parquet file back, a
// batch of rows at a time, into typed slices: what the report and merge
// read of the datasets Statecraft writes (internal/pqwrite), booleans,
// 32- and 64-bit integers and floats, and lists of float64 (vectors).
//
// It decodes each column chunk with the Parquet package's typed column
// readers, without pqarrow, which builds Arrow arrays the callers only
// index and whose compute package brings gRPC, protobuf and Flight into
// the program (their start-up and size; internal/pqwrite avoids it for
// the same reason). Flat required int columns whose pages are
// DELTA_BINARY_PACKED or PLAIN (Statecraft's timestep and substep) are
// decoded here instead, a page at a time (ints.go): Arrow's delta decoder
// was most of a report's read-back.
//
// Batches do not cross row groups. Nulls are marked (Column.Nulls); a
// null element of a list reads as 0. Statecraft writes neither.
package pqread

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/schema"
)

// Kind is the type of a column as this package reads it.
type Kind uint8

// The kinds of columns. String columns are listed by Fields but not read;
// Other is any other type (a struct, a list of another type).
const (
	Other Kind = iota
	Bool
	Int32
	Int64
	Float32
	Float64
	Float64List
	String
)

var kindNames = [...]string{Other: "other", Bool: "bool", Int32: "int32", Int64: "int64", Float32: "float32", Float64: "float64", Float64List: "list<float64>", String: "string"}

// String names the kind as the dataset manifest's column types do.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Field is a top-level column of a file.
type Field struct {
	Name string
	Kind Kind
}

// Column holds one column's values for a batch of rows: the slice of its
// kind, of the batch's length, or for a Float64List the values of every
// row, row i's being Float64s[Offsets[i]:Offsets[i+1]]. Nulls is nil if
// no row of the batch is null, else true for each row that is (its value
// reads as 0, a null list as empty).
type Column struct {
	Kind     Kind
	Nulls    []bool
	Bools    []bool
	Int32s   []int32
	Int64s   []int64
	Float32s []float32
	Float64s []float64
	Offsets  []int
}

// Reader reads one Parquet file.
type Reader struct {
	path   string
	f      *os.File
	r      *file.Reader
	fields []Field
	leaves []int // a top-level field's first leaf column
}

// Open opens the Parquet file at path.
func Open(path string) (_ *Reader, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			f.Close()
			err = fmt.Errorf("%s: corrupt Parquet file: %v", path, p)
		}
	}()
	// Each column chunk is read whole (the default): Statecraft's row
	// groups are of tens of thousands of rows, and reading a chunk through
	// a buffer was slower and held more memory.
	r, err := file.NewParquetReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rd := &Reader{path: path, f: f, r: r}
	sch := r.MetaData().Schema
	for i := 0; i < sch.NumColumns(); i++ {
		root := sch.ColumnRoot(i)
		if n := len(rd.fields); n > 0 && sch.ColumnRoot(rd.leaves[n-1]) == root {
			rd.fields[n-1].Kind = Other // a second leaf: a struct
			continue
		}
		rd.fields = append(rd.fields, Field{Name: root.Name(), Kind: kindOf(sch.Column(i), root)})
		rd.leaves = append(rd.leaves, i)
	}
	return rd, nil
}

// kindOf is the kind of the top-level field root whose (only) leaf is col.
func kindOf(col *schema.Column, root schema.Node) Kind {
	rep := col.MaxRepetitionLevel()
	if rep > 1 {
		return Other
	}
	if rep == 1 {
		if col.PhysicalType() == parquet.Types.Double && isList(root) {
			return Float64List
		}
		return Other
	}
	if root.Type() != schema.Primitive {
		return Other
	}
	switch col.PhysicalType() {
	case parquet.Types.Boolean:
		return Bool
	case parquet.Types.Int32:
		return Int32
	case parquet.Types.Int64:
		return Int64
	case parquet.Types.Float:
		return Float32
	case parquet.Types.Double:
		return Float64
	case parquet.Types.ByteArray:
		if _, ok := col.LogicalType().(schema.StringLogicalType); ok {
			return String
		}
	}
	return Other
}

// isList reports whether root is a list of primitives: a group with one
// repeated child holding (or being) the element.
func isList(root schema.Node) bool {
	g, ok := root.(*schema.GroupNode)
	if !ok || g.NumFields() != 1 {
		return false
	}
	c := g.Field(0)
	if c.RepetitionType() != parquet.Repetitions.Repeated {
		return false
	}
	if c.Type() == schema.Primitive {
		return true
	}
	cg := c.(*schema.GroupNode)
	return cg.NumFields() == 1 && cg.Field(0).Type() == schema.Primitive
}

// Close closes the file.
func (r *Reader) Close() error {
	err := r.r.Close()
	return errors.Join(err, r.f.Close())
}

// NumRows is the number of rows in the file.
func (r *Reader) NumRows() int64 { return r.r.NumRows() }

// Fields lists the file's top-level columns, in order.
func (r *Reader) Fields() []Field { return r.fields }

// Scan reads the top-level columns named cols, of a kind other than
// String and Other, batch rows at a time in row order, and calls fn with
// each batch's number of rows and its columns in the order of cols. The
// columns' slices are reused from batch to batch: fn must not keep them.
// A column the file lacks, or cannot be read as a number, is an error
// naming it; so is a corrupt file.
func (r *Reader) Scan(cols []string, batch int, fn func(rows int, cols []Column) error) error {
	return r.scan(cols, batch, nil, fn)
}

// ScanFrom is Scan over the row groups in which the int64 column col
// reaches least, by the row group's statistics (a row group without them
// is read): the rows it skips are all below least, and others may not be.
func (r *Reader) ScanFrom(cols []string, batch int, col string, least int64, fn func(rows int, cols []Column) error) error {
	i := r.field(col)
	if i < 0 {
		return fmt.Errorf("%s: no column %q", r.path, col)
	}
	if r.fields[i].Kind != Int64 {
		return fmt.Errorf("%s: column %q: type %s, not int64", r.path, col, r.fields[i].Kind)
	}
	leaf := r.leaves[i]
	return r.scan(cols, batch, func(g int) bool {
		cc, err := r.r.MetaData().RowGroup(g).ColumnChunk(leaf)
		if err != nil {
			return true
		}
		st, err := cc.Statistics()
		if err != nil {
			return true
		}
		s, ok := st.(*metadata.Int64Statistics)
		return !ok || !s.HasMinMax() || s.Max() >= least
	}, fn)
}

// scan reads the row groups g for which keep(g) (every one if keep is
// nil).
func (r *Reader) scan(cols []string, batch int, keep func(g int) bool, fn func(rows int, cols []Column) error) (err error) {
	if batch <= 0 {
		return fmt.Errorf("%s: batch of %d rows", r.path, batch)
	}
	leaves := make([]int, len(cols))
	out := make([]Column, len(cols))
	for k, name := range cols {
		i := r.field(name)
		if i < 0 {
			return fmt.Errorf("%s: no column %q", r.path, name)
		}
		f := r.fields[i]
		if f.Kind == Other || f.Kind == String {
			return fmt.Errorf("%s: column %q: type %s is not numeric", r.path, name, f.Kind)
		}
		leaves[k], out[k].Kind = r.leaves[i], f.Kind
	}
	// The Parquet package panics on some corrupt input: that is the
	// file's error, not the program's.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: corrupt Parquet file: %v", r.path, p)
		}
	}()
	readers := make([]columnReader, len(cols))
	for g := 0; g < r.r.NumRowGroups(); g++ {
		if keep != nil && !keep(g) {
			continue
		}
		rg := r.r.RowGroup(g)
		rows := rg.NumRows()
		for k, leaf := range leaves {
			if err := readers[k].reset(rg, r.r.MetaData().Schema.Column(leaf), leaf); err != nil {
				return fmt.Errorf("%s: row group %d, column %q: %w", r.path, g, cols[k], err)
			}
		}
		for done := int64(0); done < rows; {
			n := int(min(int64(batch), rows-done))
			if err := r.readBatch(readers, out, n, g, cols); err != nil {
				return err
			}
			if err := fn(n, out); err != nil {
				return err
			}
			done += int64(n)
		}
	}
	return nil
}

func (r *Reader) field(name string) int {
	for i, f := range r.fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// StallTimeout bounds the time one batch of columns may take to read.
// The Parquet package's column reader loops forever on some damaged
// pages (a data page whose header names another encoding than its
// bytes' decodes no value and never ends); past the bound the read is an
// error, and the goroutine stuck in it is left behind.
var StallTimeout = 30 * time.Second

// readBatch reads the next n rows of every column into out, the columns
// side by side (each has its own reader).
func (r *Reader) readBatch(readers []columnReader, out []Column, n, g int, cols []string) error {
	done := make(chan error, 1)
	go func() {
		var eg errgroup.Group
		eg.SetLimit(runtime.GOMAXPROCS(0))
		for k := range readers {
			eg.Go(func() (err error) {
				defer func() {
					if p := recover(); p != nil {
						err = fmt.Errorf("%s: corrupt Parquet file: %v", r.path, p)
					}
				}()
				if err := readers[k].read(&out[k], n); err != nil {
					return fmt.Errorf("%s: row group %d, column %q: %w", r.path, g, cols[k], err)
				}
				return nil
			})
		}
		done <- eg.Wait()
	}()
	t := time.NewTimer(StallTimeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return fmt.Errorf("%s: row group %d: %d rows not read in %v: the file is damaged, or its disk stalled", r.path, g, n, StallTimeout)
	}
}
