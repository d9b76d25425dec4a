package runner

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// csvWriter writes a header and one line per row. Floats are written as
// the shortest decimal that reads back as the same double, in the style of
// Python's repr (10.0, 1e-05); lists and agents as JSON arrays.
type csvWriter struct {
	bw  *bufio.Writer
	buf []byte
}

func openCSV(f *os.File, schema *arrow.Schema, _ writerOptions) (partWriter, error) {
	w := &csvWriter{bw: bufio.NewWriterSize(f, 1<<20)}
	for i, fl := range schema.Fields() {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = append(w.buf, fl.Name...)
	}
	w.buf = append(w.buf, '\n')
	_, err := w.bw.Write(w.buf)
	return w, err
}

func (w *csvWriter) Write(rec arrow.Record) error {
	cols := rec.Columns()
	for r := 0; r < int(rec.NumRows()); r++ {
		w.buf = w.buf[:0]
		for c, col := range cols {
			if c > 0 {
				w.buf = append(w.buf, ',')
			}
			switch col.(type) {
			case *array.List:
				w.buf = append(w.buf, '"')
				w.buf = appendValue(w.buf, col, r, true)
				w.buf = append(w.buf, '"')
			default:
				w.buf = appendValue(w.buf, col, r, false)
			}
		}
		w.buf = append(w.buf, '\n')
		if _, err := w.bw.Write(w.buf); err != nil {
			return err
		}
	}
	return nil
}

func (w *csvWriter) Close() error { return w.bw.Flush() }

// appendValue formats element r of a column; inList quotes strings JSON
// style (with doubled quotes, as the value sits in a quoted CSV field).
func appendValue(b []byte, col arrow.Array, r int, inList bool) []byte {
	switch a := col.(type) {
	case *array.Int32:
		return strconv.AppendInt(b, int64(a.Value(r)), 10)
	case *array.Int64:
		return strconv.AppendInt(b, a.Value(r), 10)
	case *array.Float64:
		return AppendFloat(b, a.Value(r))
	case *array.Boolean:
		if inList {
			return strconv.AppendBool(b, a.Value(r))
		}
		if a.Value(r) {
			return append(b, "True"...)
		}
		return append(b, "False"...)
	case *array.String:
		s := a.Value(r)
		if inList {
			q := strconv.Quote(s)
			for i := 0; i < len(q); i++ {
				if q[i] == '"' {
					b = append(b, '"')
				}
				b = append(b, q[i])
			}
			return b
		}
		return appendCSVString(b, s)
	case *array.List:
		lo, hi := a.ValueOffsets(r)
		b = append(b, '[')
		for k := lo; k < hi; k++ {
			if k > lo {
				b = append(b, ", "...)
			}
			b = appendValue(b, a.ListValues(), int(k), true)
		}
		return append(b, ']')
	case *array.Struct:
		b = append(b, '{')
		st := a.DataType().(*arrow.StructType)
		for k := 0; k < a.NumField(); k++ {
			if k > 0 {
				b = append(b, ", "...)
			}
			b = append(b, `""`...)
			b = append(b, st.Field(k).Name...)
			b = append(b, `"": `...)
			b = appendValue(b, a.Field(k), r, true)
		}
		return append(b, '}')
	}
	return append(b, fmt.Sprint(col.GetOneForMarshal(r))...)
}

func appendCSVString(b []byte, s string) []byte {
	needs := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
			needs = true
			break
		}
	}
	if !needs {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// AppendFloat appends v as Python's repr writes it: the shortest decimal
// that reads back as v, with ".0" on integral values, exponent form below
// 1e-4 and from 1e16, and nan, inf, -inf.
func AppendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "nan"...)
	case math.IsInf(v, 1):
		return append(b, "inf"...)
	case math.IsInf(v, -1):
		return append(b, "-inf"...)
	}
	if a := math.Abs(v); a != 0 && (a < 1e-4 || a >= 1e16) {
		// Go and Python both write the exponent with a sign and at
		// least two digits (1e-05, 1e+16).
		return strconv.AppendFloat(b, v, 'e', -1, 64)
	}
	start := len(b)
	b = strconv.AppendFloat(b, v, 'f', -1, 64)
	for _, c := range b[start:] {
		if c == '.' {
			return b
		}
	}
	return append(b, ".0"...)
}
