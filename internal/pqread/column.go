package pqread

import (
	"fmt"

	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/schema"
)

// columnReader reads one column chunk, n rows at a time.
type columnReader struct {
	cr             file.ColumnChunkReader
	maxDef, maxRep int16
	// elemDef is the definition level from which a list's level is an
	// element (present or null) rather than a null or empty list.
	elemDef int16
	defs    []int16
	// A list column's levels and values read but not yet handed out: the
	// levels defs[lo:hi] and reps[lo:hi], the values vals[vlo:vhi].
	reps      []int16
	vals      []float64
	lo, hi    int
	vlo, vhi  int
	exhausted bool
	nulls     []bool // Column.Nulls' buffer
	// A flat required int column's pages when this package decodes them
	// (ownsInts), cr then nil.
	i32 intPages[int32]
	i64 intPages[int64]
}

// reset readies c for the column chunk of leaf in rg.
func (c *columnReader) reset(rg *file.RowGroupReader, col *schema.Column, leaf int) error {
	c.cr, c.i32.pr, c.i64.pr = nil, nil, nil
	c.i32.vals, c.i64.vals = c.i32.vals[:0], c.i64.vals[:0]
	c.i32.pos, c.i64.pos = 0, 0
	cc, err := rg.MetaData().ColumnChunk(leaf)
	if err != nil {
		return err
	}
	if ownsInts(col, cc) {
		pr, err := rg.GetColumnPageReader(leaf)
		if err != nil {
			return err
		}
		if col.PhysicalType() == parquet.Types.Int32 {
			c.i32.pr = pr
		} else {
			c.i64.pr = pr
		}
		c.maxDef, c.maxRep = 0, 0
		return nil
	}
	cr, err := rg.Column(leaf)
	if err != nil {
		return err
	}
	d := cr.Descriptor()
	c.cr, c.maxDef, c.maxRep = cr, d.MaxDefinitionLevel(), d.MaxRepetitionLevel()
	c.elemDef = c.maxDef
	if d.SchemaNode().RepetitionType() == parquet.Repetitions.Optional {
		c.elemDef-- // a nullable element: one level less is a null one
	}
	c.lo, c.hi, c.vlo, c.vhi, c.exhausted = 0, 0, 0, 0, false
	return nil
}

// read fills col with the next n rows.
func (c *columnReader) read(col *Column, n int) (err error) {
	col.Nulls = nil
	switch {
	case c.i32.pr != nil:
		col.Int32s, err = c.i32.read(col.Int32s, n)
		return err
	case c.i64.pr != nil:
		col.Int64s, err = c.i64.read(col.Int64s, n)
		return err
	}
	if c.maxRep > 0 {
		return c.readList(col, n)
	}
	var defs []int16
	if c.maxDef > 0 {
		defs = grow(&c.defs, n)
	}
	var got int64
	var vals int
	switch cr := c.cr.(type) {
	case *file.BooleanColumnChunkReader:
		got, vals, err = readFlat(cr, &col.Bools, n, defs, c.maxDef)
	case *file.Int32ColumnChunkReader:
		got, vals, err = readFlat(cr, &col.Int32s, n, defs, c.maxDef)
	case *file.Int64ColumnChunkReader:
		got, vals, err = readFlat(cr, &col.Int64s, n, defs, c.maxDef)
	case *file.Float32ColumnChunkReader:
		got, vals, err = readFlat(cr, &col.Float32s, n, defs, c.maxDef)
	case *file.Float64ColumnChunkReader:
		got, vals, err = readFlat(cr, &col.Float64s, n, defs, c.maxDef)
	default:
		return fmt.Errorf("physical type %s is not read", c.cr.Type())
	}
	if err != nil {
		return err
	}
	if got != int64(n) {
		return fmt.Errorf("%d values of %d rows: the column chunk ends early", got, n)
	}
	if vals < n {
		col.Nulls = grow(&c.nulls, n)
		for i, d := range defs {
			col.Nulls[i] = d != c.maxDef
		}
	}
	return nil
}

// batchReader is a typed column chunk reader of the Parquet package.
type batchReader[T any] interface {
	ReadBatch(batchSize int64, values []T, defLvls, repLvls []int16) (int64, int, error)
}

// readFlat reads n rows of a flat column into *dst, its nulls zero.
func readFlat[T any](cr batchReader[T], dst *[]T, n int, defs []int16, maxDef int16) (int64, int, error) {
	v := grow(dst, n)
	got, vals, err := cr.ReadBatch(int64(n), v, defs, nil)
	if err == nil {
		spread(v, vals, defs, maxDef)
	}
	return got, vals, err
}

// spread moves the vals non-null values read to the rows whose
// definition level is maxDef, from the back, and sets the others to
// zero. Without definition levels every row holds a value.
func spread[T any](v []T, vals int, defs []int16, maxDef int16) {
	var zero T
	if defs == nil || vals == len(v) {
		return
	}
	j := vals - 1
	for i := len(v) - 1; i >= 0; i-- {
		if defs[i] == maxDef {
			v[i] = v[j]
			j--
		} else {
			v[i] = zero
		}
	}
}

// readList fills col with the next n rows of a list column: it reads
// levels until it holds n whole rows (a row ends where the next starts,
// at repetition level 0, or at the chunk's end), and keeps the rest.
func (c *columnReader) readList(col *Column, n int) error {
	cr, ok := c.cr.(*file.Float64ColumnChunkReader)
	if !ok {
		return fmt.Errorf("a list of %s is not read", c.cr.Type())
	}
	offs := grow(&col.Offsets, n+1)
	vals := col.Float64s[:0]
	col.Nulls = nil
	rows := 0
	i, vi := c.lo, c.vlo
	offs[0] = 0
	for {
		for ; i < c.hi; i++ {
			if c.reps[i] == 0 {
				if rows == n {
					break
				}
				if rows > 0 {
					offs[rows] = len(vals)
				}
				// a level below an empty list's (one less than an
				// element's): a null list
				if c.defs[i] < c.elemDef-1 {
					if col.Nulls == nil {
						col.Nulls = grow(&c.nulls, n)
						clear(col.Nulls)
					}
					col.Nulls[rows] = true
				}
				rows++
			}
			switch d := c.defs[i]; {
			case d == c.maxDef:
				vals = append(vals, c.vals[vi])
				vi++
			case d >= c.elemDef:
				vals = append(vals, 0) // a null element
			}
		}
		if i < c.hi || c.exhausted {
			break
		}
		// keep what is left, read more
		c.lo, c.vlo = i, vi
		if err := c.fill(cr); err != nil {
			return err
		}
		i, vi = c.lo, c.vlo
	}
	if rows < n {
		return fmt.Errorf("%d rows of %d: the column chunk ends early", rows, n)
	}
	offs[n] = len(vals)
	col.Float64s = vals
	c.lo, c.vlo = i, vi
	return nil
}

// fill moves the unread levels and values to the front of the buffers
// and reads more after them.
func (c *columnReader) fill(cr *file.Float64ColumnChunkReader) error {
	const chunk = 1 << 14
	nl := copy(c.defs, c.defs[c.lo:c.hi])
	copy(c.reps, c.reps[c.lo:c.hi])
	nv := copy(c.vals, c.vals[c.vlo:c.vhi])
	if len(c.defs) < nl+chunk {
		c.defs = append(c.defs[:nl], make([]int16, chunk)...)
		c.reps = append(c.reps[:nl], make([]int16, chunk)...)
	}
	if len(c.vals) < nv+chunk {
		c.vals = append(c.vals[:nv], make([]float64, chunk)...)
	}
	got, vals, err := cr.ReadBatch(chunk, c.vals[nv:nv+chunk], c.defs[nl:nl+chunk], c.reps[nl:nl+chunk])
	if err != nil {
		return err
	}
	c.lo, c.hi, c.vlo, c.vhi = 0, nl+int(got), 0, nv+vals
	if got == 0 {
		c.exhausted = true
	}
	return nil
}

// grow returns (*s)[:n], reallocated if shorter.
func grow[T any](s *[]T, n int) []T {
	if cap(*s) < n {
		*s = make([]T, n)
	}
	*s = (*s)[:n]
	return *s
}
