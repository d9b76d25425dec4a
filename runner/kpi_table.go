package runner

import (
	"fmt"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/runner/dataset"
)

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

// kpiRecordRows is the rows of each record, and row group, of the KPI
// table: a record of a million jobs' KPIs would double the run's memory.
const kpiRecordRows = 1 << 16

// writeKPITable writes the stored KPIs, in the plan's order, as the
// shard's file of the KPI table under its temporary name (committed with
// the part files).
func writeKPITable(ds *dataset.Shard, kpis *kpiStore, schema *arrow.Schema) (dataset.FileInfo, error) {
	p := kpis.p
	info := dataset.FileInfo{Name: ds.KPIFile(), Rows: int64(kpis.len())}
	err := writeTempTable(ds, info.Name, schema, p.Config.Output.Compression, func(write func(arrow.Record) error) error {
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		defer b.Release()
		nSwept := len(p.ParamCols) + len(p.InitCols)
		flush := func() error {
			rec := b.NewRecord()
			defer rec.Release()
			return write(rec)
		}
		var err error
		n := 0
		ids := [3]*array.Int32Builder{b.Field(0).(*array.Int32Builder), b.Field(1).(*array.Int32Builder), b.Field(2).(*array.Int32Builder)}
		kpiCols := make([]*array.Float64Builder, kpis.k)
		for k := range kpiCols {
			kpiCols[k] = b.Field(3 + nSwept + k).(*array.Float64Builder)
		}
		at := [2]int{-1, -1} // the point of swept
		var swept []any      // its swept values: the same for all its runs
		kpis.each(func(spec JobSpec, vals []float64) bool {
			ids[0].Append(int32(spec.Simulation))
			ids[1].Append(int32(spec.Subset))
			ids[2].Append(int32(spec.Run))
			if pt := [2]int{spec.Simulation, spec.Subset}; pt != at {
				at, swept = pt, p.sweptValues(spec)
			}
			for k, v := range swept {
				appendSwept(b.Field(3+k), v)
			}
			for k, v := range vals {
				kpiCols[k].Append(v)
			}
			if n++; n%kpiRecordRows == 0 {
				err = flush()
			}
			return err == nil
		})
		if err == nil && (n%kpiRecordRows != 0 || n == 0) {
			err = flush()
		}
		return err
	})
	if err != nil {
		return info, fmt.Errorf("KPI table: %w", err)
	}
	return info, nil
}

// writeTempTable writes the records fill makes as the Parquet file name
// of the dataset (a FileInfo's Name), under its temporary name: a
// secondary table's file (the KPI table, a trace), a row group a record.
func writeTempTable(ds *dataset.Shard, name string, schema *arrow.Schema, c configs.Compression, fill func(write func(arrow.Record) error) error) error {
	path := ds.TempPath(name)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w, err := openParquet(f, schema, writerOptions{compression: c})
	if err == nil {
		err = fill(w.Write)
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
