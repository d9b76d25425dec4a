package report

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/internal/pqread"
	"github.com/statecraft/statecraft/runner"
)

// scanBatch is up to batchRows rows of some columns of a part file, each
// column read as float64 through an accessor. Integer ids convert
// exactly; a bool is 0 or 1; a vector is reduced by the report's vector
// statistic; a null is NaN.
type scanBatch struct {
	rows int
	cols []func(i int) float64 // in the order the columns were asked for
}

const batchRows = 1 << 16

// scanFile reads the named columns of the part file at path, a batch at a
// time, in row order. A column the file lacks is an error naming it.
func scanFile(path string, cols []string, vec configs.VectorStat, fn func(*scanBatch) error) error {
	switch filepath.Ext(path) {
	case ".parquet":
		return scanParquetFrom(path, cols, vec, 0, fn)
	case ".arrow":
		return scanArrow(path, cols, vec, fn)
	case ".csv":
		return scanCSV(path, cols, vec, fn)
	}
	return fmt.Errorf("%s: not a Parquet, Arrow or CSV part file", path)
}

// scanFileFrom is scanFile for the rows at timestep least or after, and
// maybe others: of a Parquet file it skips the row groups whose
// timesteps all come before (their statistics say so).
func scanFileFrom(path string, cols []string, vec configs.VectorStat, least int64, fn func(*scanBatch) error) error {
	if filepath.Ext(path) == ".parquet" && least > 0 {
		return scanParquetFrom(path, cols, vec, least, fn)
	}
	return scanFile(path, cols, vec, fn)
}

func scanParquetFrom(path string, cols []string, vec configs.VectorStat, least int64, fn func(*scanBatch) error) error {
	r, err := pqread.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	b := &scanBatch{cols: make([]func(int) float64, len(cols))}
	read := func(rows int, cs []pqread.Column) error {
		b.rows = rows
		for k := range cs {
			b.cols[k] = columnAccessor(&cs[k], vec)
		}
		return fn(b)
	}
	if least > 0 {
		return r.ScanFrom(cols, batchRows, runner.IDColumns()[3], least, read)
	}
	return r.Scan(cols, batchRows, read)
}

// columnAccessor reads a decoded Parquet column as accessor reads an
// Arrow array: a number as float64, a bool as 0 or 1, a vector by the
// report's statistic, a null as NaN.
func columnAccessor(c *pqread.Column, vec configs.VectorStat) func(int) float64 {
	var get func(int) float64
	switch c.Kind {
	case pqread.Bool:
		v := c.Bools
		get = func(i int) float64 {
			if v[i] {
				return 1
			}
			return 0
		}
	case pqread.Int32:
		v := c.Int32s
		get = func(i int) float64 { return float64(v[i]) }
	case pqread.Int64:
		v := c.Int64s
		get = func(i int) float64 { return float64(v[i]) }
	case pqread.Float32:
		v := c.Float32s
		get = func(i int) float64 { return float64(v[i]) }
	case pqread.Float64:
		v := c.Float64s
		get = func(i int) float64 { return v[i] }
	case pqread.Float64List:
		v, off := c.Float64s, c.Offsets
		get = func(i int) float64 { return vectorStat(v[off[i]:off[i+1]], vec) }
	}
	if nulls := c.Nulls; nulls != nil {
		inner := get
		get = func(i int) float64 {
			if nulls[i] {
				return math.NaN()
			}
			return inner(i)
		}
	}
	return get
}

func scanArrow(path string, cols []string, vec configs.VectorStat, fn func(*scanBatch) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer r.Close()
	for i := 0; i < r.NumRecords(); i++ {
		rec, err := r.Record(i)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := scanRecord(path, rec, cols, vec, fn); err != nil {
			return err
		}
	}
	return nil
}

// scanRecord hands the asked-for columns of one record to fn.
func scanRecord(path string, rec arrow.Record, cols []string, vec configs.VectorStat, fn func(*scanBatch) error) error {
	b := &scanBatch{rows: int(rec.NumRows()), cols: make([]func(int) float64, len(cols))}
	for k, name := range cols {
		idx := rec.Schema().FieldIndices(name)
		if len(idx) == 0 {
			return fmt.Errorf("%s: no column %q", path, name)
		}
		get, err := accessor(rec.Column(idx[0]), vec)
		if err != nil {
			return fmt.Errorf("%s: column %q: %w", path, name, err)
		}
		b.cols[k] = get
	}
	return fn(b)
}

// accessor returns a function reading row i of arr as a float64.
func accessor(arr arrow.Array, vec configs.VectorStat) (func(int) float64, error) {
	var get func(int) float64
	switch a := arr.(type) {
	case *array.Float64:
		v := a.Float64Values()
		get = func(i int) float64 { return v[i] }
	case *array.Float32:
		v := a.Float32Values()
		get = func(i int) float64 { return float64(v[i]) }
	case *array.Int64:
		v := a.Int64Values()
		get = func(i int) float64 { return float64(v[i]) }
	case *array.Int32:
		v := a.Int32Values()
		get = func(i int) float64 { return float64(v[i]) }
	case *array.Boolean:
		get = func(i int) float64 {
			if a.Value(i) {
				return 1
			}
			return 0
		}
	case *array.List:
		vals, ok := a.ListValues().(*array.Float64)
		if !ok {
			return nil, fmt.Errorf("a list of %s, not of float64", a.ListValues().DataType())
		}
		v, off := vals.Float64Values(), a.Offsets()
		get = func(i int) float64 { return vectorStat(v[off[i]:off[i+1]], vec) }
	default:
		return nil, fmt.Errorf("type %s is not numeric", arr.DataType())
	}
	if arr.NullN() == 0 {
		return get, nil
	}
	return func(i int) float64 {
		if arr.IsNull(i) {
			return math.NaN()
		}
		return get(i)
	}, nil
}

// vectorStat reduces a vector to the chosen statistic (NaN for an empty
// vector, but its length).
func vectorStat(v []float64, vs configs.VectorStat) float64 {
	if vs == configs.VectorLen {
		return float64(len(v))
	}
	if len(v) == 0 {
		return math.NaN()
	}
	switch vs {
	case configs.VectorSum:
		return floats.Sum(v)
	case configs.VectorMin:
		return floats.Min(v)
	case configs.VectorMax:
		return floats.Max(v)
	}
	return stat.Mean(v, nil)
}

// scanCSV reads a CSV part file (a header, then rows; lists as JSON
// arrays) in batches of parsed float64 columns.
func scanCSV(path string, cols []string, vec configs.VectorStat, fn func(*scanBatch) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	pos := make([]int, len(cols))
	for k, name := range cols {
		pos[k] = -1
		for i, h := range header {
			if h == name {
				pos[k] = i
			}
		}
		if pos[k] < 0 {
			return fmt.Errorf("%s: no column %q", path, name)
		}
	}
	data := make([][]float64, len(cols))
	for k := range data {
		data[k] = make([]float64, 0, batchRows)
	}
	flush := func() error {
		if len(data[0]) == 0 {
			return nil
		}
		b := &scanBatch{rows: len(data[0]), cols: make([]func(int) float64, len(cols))}
		for k := range cols {
			v := data[k]
			b.cols[k] = func(i int) float64 { return v[i] }
		}
		err := fn(b)
		for k := range data {
			data[k] = data[k][:0]
		}
		return err
	}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for k, p := range pos {
			x, err := csvValue(rec[p], vec)
			if err != nil {
				return fmt.Errorf("%s:%d: column %q: %w", path, line, cols[k], err)
			}
			data[k] = append(data[k], x)
		}
		if len(data[0]) == batchRows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// csvValue parses one CSV field: a number, True/False or true/false, or a
// JSON array of numbers.
func csvValue(s string, vec configs.VectorStat) (float64, error) {
	switch s {
	case "", "null", "None":
		return math.NaN(), nil
	case "true", "True":
		return 1, nil
	case "false", "False":
		return 0, nil
	}
	if s[0] == '[' {
		var v []float64
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return 0, fmt.Errorf("not a list of numbers: %w", err)
		}
		return vectorStat(v, vec), nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return x, nil
}
