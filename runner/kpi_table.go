package runner

import (
	"fmt"
	"os"
	"sort"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/runner/dataset"
)

// kpiRow is one finished job's KPIs.
type kpiRow struct {
	spec JobSpec
	vals []float64
}

// KPISchema returns the Arrow schema of the KPI table: simulation, subset
// and run, the swept values (as in the substep table), then one float64
// column per KPI in config order.
func (p *Plan) KPISchema(meta map[string]string) *arrow.Schema {
	fields := idFields()[:3]
	fields = append(fields, p.sweptFields()...)
	for _, k := range p.KPIs {
		fields = append(fields, arrow.Field{Name: k, Type: arrow.PrimitiveTypes.Float64})
	}
	return arrow.NewSchema(fields, arrowMeta(meta))
}

// sweptValues returns a job's swept values, in the order of sweptFields.
func (p *Plan) sweptValues(spec JobSpec) []any {
	sim := &p.Sims[spec.Simulation]
	var out []any
	for _, pc := range p.ParamCols {
		v, _ := sim.Points[spec.Subset].Get(pc.Name)
		out = append(out, v)
	}
	for _, v := range p.InitCols {
		val, _ := sim.Inits[spec.Subset].Get(v.Name)
		out = append(out, val)
	}
	return out
}

// writeKPITable writes the rows, sorted by job, as the shard's file of
// the KPI table under its temporary name (committed with the part files).
func writeKPITable(ds *dataset.Shard, p *Plan, rows []kpiRow, schema *arrow.Schema) (dataset.FileInfo, error) {
	sort.Slice(rows, func(i, j int) bool { return rows[i].spec.Index < rows[j].spec.Index })
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	nSwept := len(p.ParamCols) + len(p.InitCols)
	for _, r := range rows {
		b.Field(0).(*array.Int32Builder).Append(int32(r.spec.Simulation))
		b.Field(1).(*array.Int32Builder).Append(int32(r.spec.Subset))
		b.Field(2).(*array.Int32Builder).Append(int32(r.spec.Run))
		for k, v := range p.sweptValues(r.spec) {
			appendSwept(b.Field(3+k), v)
		}
		for k, v := range r.vals {
			b.Field(3 + nSwept + k).(*array.Float64Builder).Append(v)
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	info := dataset.FileInfo{Name: ds.KPIFile(), Rows: rec.NumRows()}
	if err := writeTempTable(ds, info.Name, rec, p.Config.Output.Compression); err != nil {
		return info, fmt.Errorf("KPI table: %w", err)
	}
	return info, nil
}

// writeTempTable writes one record as the Parquet file name of the
// dataset (a FileInfo's Name), under its temporary name: a secondary
// table's file small enough for one record (the KPI table, a trace).
func writeTempTable(ds *dataset.Shard, name string, rec arrow.Record, c configs.Compression) error {
	path := ds.TempPath(name)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w, err := openParquet(f, rec.Schema(), writerOptions{compression: c})
	if err == nil {
		err = w.Write(rec)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// appendSwept appends a parameter or initial value to its column's builder.
func appendSwept(b array.Builder, v any) {
	switch x := v.(type) {
	case float64:
		b.(*array.Float64Builder).Append(x)
	case int64:
		b.(*array.Int64Builder).Append(x)
	case bool:
		b.(*array.BooleanBuilder).Append(x)
	case string:
		b.(*array.StringBuilder).Append(x)
	case []float64:
		lb := b.(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.Float64Builder).AppendValues(x, nil)
	default:
		b.AppendNull()
	}
}
