package pqwrite

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/schema"
)

// parquetSchema converts an Arrow schema of the types the Writer handles
// (see leavesOf, which has checked them) to the Parquet schema pqarrow's
// ToParquet builds for it: the same nodes, repetitions, logical types and
// field ids (-1), so readers see no difference. It is written here rather
// than called from pqarrow because pqarrow imports Arrow's compute package,
// whose dependencies (gRPC, protobuf, Flight) doubled the program's start-up
// time and its size; TestSchemaSameAsPqarrow pins the equivalence.
func parquetSchema(sch *arrow.Schema, props *parquet.WriterProperties) (*schema.Schema, error) {
	nodes := make(schema.FieldList, 0, sch.NumFields())
	for _, f := range sch.Fields() {
		n, err := fieldNode(f.Name, f)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", f.Name, err)
		}
		nodes = append(nodes, n)
	}
	root, err := schema.NewGroupNode(props.RootName(), props.RootRepetition(), nodes, -1)
	if err != nil {
		return nil, err
	}
	return schema.NewSchema(root), nil
}

// fieldNode is the Parquet node of one Arrow field, named name. Lists hold
// nullable elements, as pqarrow writes them.
func fieldNode(name string, f arrow.Field) (schema.Node, error) {
	rep := parquet.Repetitions.Required
	if f.Nullable {
		rep = parquet.Repetitions.Optional
	}
	var (
		logical schema.LogicalType = schema.NoLogicalType{}
		typ     parquet.Type
	)
	switch t := f.Type.(type) {
	case *arrow.BooleanType:
		typ = parquet.Types.Boolean
	case *arrow.Int32Type:
		typ, logical = parquet.Types.Int32, schema.NewIntLogicalType(32, true)
	case *arrow.Int64Type:
		typ, logical = parquet.Types.Int64, schema.NewIntLogicalType(64, true)
	case *arrow.Float64Type:
		typ = parquet.Types.Double
	case *arrow.StringType:
		typ, logical = parquet.Types.ByteArray, schema.StringLogicalType{}
	case *arrow.ListType:
		elem, err := fieldNode(name, arrow.Field{Name: name, Type: t.Elem(), Nullable: true})
		if err != nil {
			return nil, err
		}
		return schema.ListOf(elem, rep, -1)
	case *arrow.StructType:
		if t.NumFields() == 0 {
			return nil, fmt.Errorf("a struct with no fields can't be written to Parquet")
		}
		children := make(schema.FieldList, 0, t.NumFields())
		for _, sf := range t.Fields() {
			n, err := fieldNode(sf.Name, sf)
			if err != nil {
				return nil, err
			}
			children = append(children, n)
		}
		return schema.NewGroupNode(name, rep, children, -1)
	default:
		return nil, fmt.Errorf("type %s is not supported", f.Type)
	}
	return schema.NewPrimitiveNodeLogical(name, rep, logical, typ, -1, -1)
}
