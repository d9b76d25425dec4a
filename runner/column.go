package runner

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/cachepad"
)

type column interface {
	truncate(n int)
	// drop removes the first k rows: the rest move to the front.
	drop(k int)
	array(mem memory.Allocator, lo, hi int) arrow.Array
}

type floatCol struct {
	_    cachepad.Pad
	slot int
	vals []float64
	_    cachepad.Pad
}
type intCol struct {
	_    cachepad.Pad
	slot int
	vals []int64
	_    cachepad.Pad
}
type boolCol struct {
	_    cachepad.Pad
	slot int
	vals []bool
	_    cachepad.Pad
}
type stringCol struct {
	_    cachepad.Pad
	slot int
	vals []string
	_    cachepad.Pad
}
type vecCol struct {
	_       cachepad.Pad
	slot    int
	offsets []int32 // len n+1
	vals    []float64
	_       cachepad.Pad
}
type agentCol struct {
	_       cachepad.Pad
	slot    int
	fields  []gds.FieldInfo
	offsets []int32
	f       [][]float64 // by field index (nil for other kinds)
	i       [][]int64
	b       [][]bool
	s       [][]string
	_       cachepad.Pad
}

// paramCol holds a varying parameter; cur is the current job's value.
type paramCol struct {
	info gds.ParamInfo // for a swept initial value: its column's name and kind
	init string        // the state variable of a swept initial value
	cur  any
	f    floatCol
	i    intCol
	b    boolCol
	s    stringCol
	v    vecCol
}

// fill appends n copies of the value v (the column's kind) to the column.
func (pc *paramCol) fill(v any, n int) {
	switch pc.info.Kind {
	case gds.KindFloat:
		pc.f.vals = repeat(pc.f.vals, v.(float64), n)
	case gds.KindInt:
		pc.i.vals = repeat(pc.i.vals, v.(int64), n)
	case gds.KindBool:
		pc.b.vals = repeat(pc.b.vals, v.(bool), n)
	case gds.KindString:
		pc.s.vals = repeat(pc.s.vals, v.(string), n)
	case gds.KindVec:
		for range n {
			pc.v.vals = append(pc.v.vals, v.([]float64)...)
			pc.v.offsets = append(pc.v.offsets, int32(len(pc.v.vals)))
		}
	}
}

func (pc *paramCol) col() column {
	switch pc.info.Kind {
	case gds.KindFloat:
		return &pc.f
	case gds.KindInt:
		return &pc.i
	case gds.KindBool:
		return &pc.b
	case gds.KindString:
		return &pc.s
	}
	return &pc.v
}

func (pc *paramCol) truncate(n int) { pc.col().truncate(n) }
func (pc *paramCol) array(mem memory.Allocator, lo, hi int) arrow.Array {
	return pc.col().array(mem, lo, hi)
}

func (c *floatCol) truncate(n int) { c.vals = c.vals[:n] }
func (c *intCol) truncate(n int)   { c.vals = c.vals[:n] }
func (c *boolCol) truncate(n int)  { c.vals = c.vals[:n] }
func (c *stringCol) truncate(n int) {
	clear(c.vals[n:])
	c.vals = c.vals[:n]
}
func (c *vecCol) truncate(n int) {
	c.vals = c.vals[:c.offsets[n]]
	c.offsets = c.offsets[:n+1]
}
func (c *agentCol) truncate(n int) {
	end := c.offsets[n]
	for k := range c.fields {
		switch c.fields[k].Kind {
		case gds.KindFloat:
			c.f[k] = c.f[k][:end]
		case gds.KindInt:
			c.i[k] = c.i[k][:end]
		case gds.KindBool:
			c.b[k] = c.b[k][:end]
		case gds.KindString:
			clear(c.s[k][end:])
			c.s[k] = c.s[k][:end]
		}
	}
	c.offsets = c.offsets[:n+1]
}

// dropFront removes the first k values of s, moving the rest to the front
// of its memory (the batch's columns keep their reserved room).
func dropFront[T any](s []T, k int) []T {
	n := copy(s, s[k:])
	clear(s[n:]) // drops references to strings
	return s[:n]
}

// dropOffsets removes the first k rows of an offsets column (len rows+1)
// and returns it with the number of values those rows held.
func dropOffsets(offs []int32, k int) ([]int32, int) {
	base := offs[k]
	n := copy(offs, offs[k:])
	offs = offs[:n]
	for i := range offs {
		offs[i] -= base
	}
	return offs, int(base)
}

func (pc *paramCol) drop(k int) { pc.col().drop(k) }
func (c *floatCol) drop(k int)  { c.vals = dropFront(c.vals, k) }
func (c *intCol) drop(k int)    { c.vals = dropFront(c.vals, k) }
func (c *boolCol) drop(k int)   { c.vals = dropFront(c.vals, k) }
func (c *stringCol) drop(k int) { c.vals = dropFront(c.vals, k) }
func (c *vecCol) drop(k int) {
	var base int
	c.offsets, base = dropOffsets(c.offsets, k)
	c.vals = dropFront(c.vals, base)
}
func (c *agentCol) drop(k int) {
	var base int
	c.offsets, base = dropOffsets(c.offsets, k)
	for f := range c.fields {
		switch c.fields[f].Kind {
		case gds.KindFloat:
			c.f[f] = dropFront(c.f[f], base)
		case gds.KindInt:
			c.i[f] = dropFront(c.i[f], base)
		case gds.KindBool:
			c.b[f] = dropFront(c.b[f], base)
		case gds.KindString:
			c.s[f] = dropFront(c.s[f], base)
		}
	}
}

func (c *floatCol) array(_ memory.Allocator, lo, hi int) arrow.Array {
	return float64Array(c.vals[lo:hi])
}
func (c *intCol) array(_ memory.Allocator, lo, hi int) arrow.Array { return int64Array(c.vals[lo:hi]) }
func (c *boolCol) array(mem memory.Allocator, lo, hi int) arrow.Array {
	return boolArray(mem, c.vals[lo:hi])
}
func (c *stringCol) array(mem memory.Allocator, lo, hi int) arrow.Array {
	return stringArray(mem, c.vals[lo:hi])
}

func (c *vecCol) array(_ memory.Allocator, lo, hi int) arrow.Array {
	offs, base := rebase(c.offsets[lo : hi+1])
	child := float64Array(c.vals[base : base+int(offs[len(offs)-1])])
	defer child.Release()
	return listArray(arrow.ListOf(arrow.PrimitiveTypes.Float64), offs, child.Data(), hi-lo)
}

func (c *agentCol) array(mem memory.Allocator, lo, hi int) arrow.Array {
	offs, base := rebase(c.offsets[lo : hi+1])
	end := base + int(offs[len(offs)-1])
	children := make([]arrow.ArrayData, len(c.fields))
	sf := make([]arrow.Field, len(c.fields))
	for k, f := range c.fields {
		var a arrow.Array
		switch f.Kind {
		case gds.KindFloat:
			a = float64Array(c.f[k][base:end])
		case gds.KindInt:
			a = int64Array(c.i[k][base:end])
		case gds.KindBool:
			a = boolArray(mem, c.b[k][base:end])
		case gds.KindString:
			a = stringArray(mem, c.s[k][base:end])
		}
		children[k] = a.Data()
		sf[k] = arrow.Field{Name: f.Name, Type: a.DataType()}
		defer a.Release()
	}
	st := arrow.StructOf(sf...)
	sd := array.NewData(st, end-base, []*memory.Buffer{nil}, children, 0, 0)
	defer sd.Release()
	return listArray(arrow.ListOf(st), offs, sd, hi-lo)
}
