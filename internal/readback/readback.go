// Package readback reads a dataset directory back into rows, for tests that
// check what the runner wrote.
package readback

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/statecraft/statecraft/runner/dataset"
)

// Dataset is every row of a dataset, with its column names.
type Dataset struct {
	Columns []string
	Rows    [][]any // int64 for integer columns, float64, bool, string, []any for lists, map[string]any for structs
	Meta    map[string]string
	Files   []string
	// Tables are the agent tables (output.agents = "table"), by name: the
	// directories of the dataset's dataset.TablesDir that hold part files.
	// A table has no tables of its own.
	Tables map[string]*Dataset
}

// Read reads every part file (*.parquet or *.arrow) in dir, in name order,
// and those of each table's directory (dir/_tables/NAME) into Tables.
func Read(dir string) (*Dataset, error) {
	ds, err := readDir(dir)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(dir, dataset.TablesDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		t, err := readDir(filepath.Join(dir, filepath.FromSlash(dataset.TableDir(e.Name()))))
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", e.Name(), err)
		}
		if len(t.Files) == 0 {
			continue
		}
		if ds.Tables == nil {
			ds.Tables = map[string]*Dataset{}
		}
		ds.Tables[e.Name()] = t
	}
	return ds, nil
}

// File reads one part file (*.parquet or *.arrow): its Arrow schema and
// its number of rows.
func File(path string) (*arrow.Schema, int64, error) {
	var schema *arrow.Schema
	var recs []arrow.Record
	var err error
	switch filepath.Ext(path) {
	case ".parquet":
		schema, recs, err = readParquet(path, map[string]string{})
	case ".arrow":
		schema, recs, err = readArrow(path)
	default:
		return nil, 0, fmt.Errorf("%s: not a Parquet or Arrow file", path)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	var rows int64
	for _, rec := range recs {
		rows += rec.NumRows()
		rec.Release()
	}
	return schema, rows, nil
}

// readDir reads the part files of one directory.
func readDir(dir string) (*Dataset, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	ds := &Dataset{}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || e.IsDir() {
			continue
		}
		var recs []arrow.Record
		var schema *arrow.Schema
		meta := map[string]string{}
		switch filepath.Ext(name) {
		case ".parquet":
			schema, recs, err = readParquet(filepath.Join(dir, name), meta)
		case ".arrow":
			schema, recs, err = readArrow(filepath.Join(dir, name))
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ds.Files = append(ds.Files, name)
		cols := make([]string, schema.NumFields())
		for i, f := range schema.Fields() {
			cols[i] = f.Name
		}
		if ds.Columns == nil {
			ds.Columns = cols
			ds.Meta = meta
			md := schema.Metadata()
			for i, k := range md.Keys() {
				ds.Meta[k] = md.Values()[i]
			}
		} else if strings.Join(cols, ",") != strings.Join(ds.Columns, ",") {
			return nil, fmt.Errorf("%s: columns %v differ from %v", name, cols, ds.Columns)
		}
		for _, rec := range recs {
			for r := 0; r < int(rec.NumRows()); r++ {
				row := make([]any, rec.NumCols())
				for c := range row {
					row[c] = value(rec.Column(c), r)
				}
				ds.Rows = append(ds.Rows, row)
			}
			rec.Release()
		}
	}
	return ds, nil
}

func readParquet(path string, meta map[string]string) (*arrow.Schema, []arrow.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	pr, err := file.NewParquetReader(f)
	if err != nil {
		return nil, nil, err
	}
	defer pr.Close()
	for _, kv := range pr.MetaData().KeyValueMetadata() {
		if kv.Value != nil {
			meta[kv.Key] = *kv.Value
		}
	}
	fr, err := pqarrow.NewFileReader(pr, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		return nil, nil, err
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		return nil, nil, err
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, 1<<16)
	defer tr.Release()
	var recs []arrow.Record
	for tr.Next() {
		rec := tr.Record()
		rec.Retain()
		recs = append(recs, rec)
	}
	return tbl.Schema(), recs, nil
}

func readArrow(path string) (*arrow.Schema, []arrow.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	var recs []arrow.Record
	for i := 0; i < r.NumRecords(); i++ {
		rec, err := r.Record(i)
		if err != nil {
			return nil, nil, err
		}
		rec.Retain()
		recs = append(recs, rec)
	}
	return r.Schema(), recs, nil
}

func value(a arrow.Array, i int) any {
	switch a := a.(type) {
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.List:
		lo, hi := a.ValueOffsets(i)
		out := make([]any, 0, hi-lo)
		for k := lo; k < hi; k++ {
			out = append(out, value(a.ListValues(), int(k)))
		}
		return out
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		out := map[string]any{}
		for k := 0; k < a.NumField(); k++ {
			out[st.Field(k).Name] = value(a.Field(k), i)
		}
		return out
	}
	return fmt.Sprintf("<%s>", a.DataType())
}

// Sort orders rows by the first n columns (the id columns), which must be
// integers.
func (d *Dataset) Sort(n int) {
	sort.SliceStable(d.Rows, func(i, j int) bool {
		for c := 0; c < n; c++ {
			a, b := d.Rows[i][c].(int64), d.Rows[j][c].(int64)
			if a != b {
				return a < b
			}
		}
		return false
	})
}

// Col returns the index of the named column, or -1.
func (d *Dataset) Col(name string) int {
	for i, c := range d.Columns {
		if c == name {
			return i
		}
	}
	return -1
}
