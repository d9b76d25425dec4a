package pqwrite

import (
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/apache/arrow/go/v15/parquet/schema"
)

// TestSchemaSameAsPqarrow checks that the Writer's own Arrow-to-Parquet
// schema conversion builds what pqarrow.ToParquet builds, for every type
// the Writer handles, nullable or not, at the top level, in lists and in
// lists of structs.
func TestSchemaSameAsPqarrow(t *testing.T) {
	flatTypes := []arrow.DataType{
		arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64,
		arrow.FixedWidthTypes.Boolean, arrow.BinaryTypes.String,
	}
	var fields, structFields []arrow.Field
	for _, typ := range flatTypes {
		for _, null := range []bool{false, true} {
			name := typ.String()
			if null {
				name += "_null"
			}
			fields = append(fields,
				arrow.Field{Name: name, Type: typ, Nullable: null},
				arrow.Field{Name: "list_" + name, Type: arrow.ListOf(typ), Nullable: null},
				arrow.Field{Name: "nonnull_list_" + name, Type: arrow.ListOfNonNullable(typ), Nullable: null})
			structFields = append(structFields, arrow.Field{Name: name, Type: typ, Nullable: null})
		}
	}
	st := arrow.StructOf(structFields...)
	fields = append(fields,
		arrow.Field{Name: "agents", Type: arrow.ListOf(st)},
		arrow.Field{Name: "agents_null", Type: arrow.ListOf(st), Nullable: true},
		arrow.Field{Name: "agents_nonnull", Type: arrow.ListOfNonNullable(st)},
		arrow.Field{Name: "record", Type: st})
	sch := arrow.NewSchema(fields, nil)

	props := parquet.NewWriterProperties()
	want, err := pqarrow.ToParquet(sch, props, pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	got, err := parquetSchema(sch, props)
	if err != nil {
		t.Fatal(err)
	}
	var gs, ws strings.Builder
	schema.PrintSchema(got.Root(), &gs, 2)
	schema.PrintSchema(want.Root(), &ws, 2)
	if !got.Equals(want) || gs.String() != ws.String() {
		t.Fatalf("schema differs from pqarrow's:\n%s\nwant\n%s", gs.String(), ws.String())
	}
	for i := 0; i < want.NumColumns(); i++ {
		g, w := got.Column(i), want.Column(i)
		if g.Path() != w.Path() || g.MaxDefinitionLevel() != w.MaxDefinitionLevel() || g.MaxRepetitionLevel() != w.MaxRepetitionLevel() ||
			g.LogicalType().String() != w.LogicalType().String() || g.ConvertedType() != w.ConvertedType() {
			t.Errorf("column %d: %s def %d rep %d %s, want %s def %d rep %d %s", i,
				g.Path(), g.MaxDefinitionLevel(), g.MaxRepetitionLevel(), g.LogicalType(),
				w.Path(), w.MaxDefinitionLevel(), w.MaxRepetitionLevel(), w.LogicalType())
		}
	}
}

func TestSchemaErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    arrow.Field
		want string
	}{
		{"float32", arrow.Field{Name: "f", Type: arrow.PrimitiveTypes.Float32}, `column "f": type float32 is not supported`},
		{"list of uint8", arrow.Field{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Uint8)}, `column "l": type uint8 is not supported`},
		{"empty struct", arrow.Field{Name: "s", Type: arrow.StructOf()}, `column "s": a struct with no fields`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parquetSchema(arrow.NewSchema([]arrow.Field{tc.f}, nil), parquet.NewWriterProperties())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
