package runner

import (
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// rebase returns offsets shifted to start at 0, and the original start.
func rebase(offs []int32) ([]int32, int) {
	base := offs[0]
	out := make([]int32, len(offs))
	for i, o := range offs {
		out[i] = o - base
	}
	return out, int(base)
}

func listArray(t arrow.DataType, offs []int32, child arrow.ArrayData, n int) arrow.Array {
	d := array.NewData(t, n, []*memory.Buffer{nil, memory.NewBufferBytes(bytesOf(offs))}, []arrow.ArrayData{child}, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

func bytesOf[T int32 | int64 | float64](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
}

func primitive[T int32 | int64 | float64](t arrow.DataType, s []T) arrow.Array {
	d := array.NewData(t, len(s), []*memory.Buffer{nil, memory.NewBufferBytes(bytesOf(s))}, nil, 0, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

func int32Array(s []int32) arrow.Array     { return primitive(arrow.PrimitiveTypes.Int32, s) }
func int64Array(s []int64) arrow.Array     { return primitive(arrow.PrimitiveTypes.Int64, s) }
func float64Array(s []float64) arrow.Array { return primitive(arrow.PrimitiveTypes.Float64, s) }

func boolArray(mem memory.Allocator, s []bool) arrow.Array {
	bb := array.NewBooleanBuilder(mem)
	defer bb.Release()
	bb.AppendValues(s, nil)
	return bb.NewArray()
}

func stringArray(mem memory.Allocator, s []string) arrow.Array {
	sb := array.NewStringBuilder(mem)
	defer sb.Release()
	sb.AppendValues(s, nil)
	return sb.NewArray()
}
