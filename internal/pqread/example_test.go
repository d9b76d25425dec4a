package pqread_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"

	"github.com/statecraft/statecraft/internal/pqread"
)

func ExampleReader_Scan() {
	// a file of three rows: a timestep and a population
	dir, _ := os.MkdirTemp("", "pqread")
	defer os.RemoveAll(dir)
	sch := arrow.NewSchema([]arrow.Field{{Name: "timestep", Type: arrow.PrimitiveTypes.Int64}, {Name: "prey", Type: arrow.PrimitiveTypes.Float64}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{0, 1, 2}, nil)
	b.Field(1).(*array.Float64Builder).AppendValues([]float64{10, 10.5, 11.25}, nil)
	rec := b.NewRecord()
	path := filepath.Join(dir, "part.parquet")
	f, _ := os.Create(path)
	w, _ := pqarrow.NewFileWriter(sch, f, nil, pqarrow.DefaultWriterProps())
	w.Write(rec)
	w.Close()

	r, err := pqread.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	fmt.Println(r.Fields())
	err = r.Scan([]string{"prey", "timestep"}, 2, func(rows int, cols []pqread.Column) error {
		for i := range rows {
			fmt.Println(cols[1].Int64s[i], cols[0].Float64s[i])
		}
		return nil
	})
	fmt.Println(err)
	// Output:
	// [{timestep int64} {prey float64}]
	// 0 10
	// 1 10.5
	// 2 11.25
	// <nil>
}
