package gds

import (
	"reflect"
	"unsafe"
)

// GraphCounts returns the number of alive nodes and of edges of the graph
// variable with the given slot.
func (r *Row) GraphCounts(slot int) (nodes, edges int) { return r.e.graphs[slot].counts() }

// AppendGraphNodes appends the ids of the alive nodes of graph variable
// slot, in order, to dst.
func (r *Row) AppendGraphNodes(dst []int32, slot int) []int32 {
	_, alive := r.e.graphs[slot].nodesRaw()
	for id, ok := range alive {
		if ok {
			dst = append(dst, int32(id))
		}
	}
	return dst
}

// AppendGraphEdges appends the source, target and weight of every edge
// of graph variable slot, by source then target, to from, to and w.
func (r *Row) AppendGraphEdges(from, to []int32, w []float64, slot int) ([]int32, []int32, []float64) {
	g := r.e.graphs[slot]
	l := g.layout()
	_, alive := g.nodesRaw()
	for u := range alive {
		base, n := g.outRaw(u)
		for k := 0; k < n; k++ {
			p := unsafe.Add(base, uintptr(k)*l.edgeSize)
			from = append(from, int32(u))
			to = append(to, int32(*(*int)(unsafe.Add(p, l.toOff))))
			w = append(w, *(*float64)(unsafe.Add(p, l.wOff)))
		}
	}
	return from, to, w
}

// graphFields calls fn with the address of field f of every alive node
// (edges false) or of every edge (edges true) of graph variable slot, in
// the order of AppendGraphNodes or AppendGraphEdges.
func (r *Row) graphFields(slot int, edges bool, f int, fn func(p unsafe.Pointer, k reflect.Kind)) {
	g := r.e.graphs[slot]
	gt := r.e.m.b.vars[r.e.graphVar[slot]].graph
	l := g.layout()
	base, alive := g.nodesRaw()
	if !edges {
		fi := gt.nodes.fields[f]
		for id, ok := range alive {
			if ok {
				fn(unsafe.Add(base, uintptr(id)*l.nodeSize+fi.offset), fi.goKind)
			}
		}
		return
	}
	fi := gt.edges.fields[f]
	for u := range alive {
		eb, n := g.outRaw(u)
		for k := 0; k < n; k++ {
			fn(unsafe.Add(eb, uintptr(k)*l.edgeSize+l.attrOff+fi.offset), fi.goKind)
		}
	}
}

// AppendGraphFloats appends float field f of every alive node (edges
// false) or every edge (edges true) of graph variable slot to dst, in
// the order of AppendGraphNodes or AppendGraphEdges.
func (r *Row) AppendGraphFloats(dst []float64, slot int, edges bool, f int) []float64 {
	r.graphFields(slot, edges, f, func(p unsafe.Pointer, _ reflect.Kind) { dst = append(dst, *(*float64)(p)) })
	return dst
}

// AppendGraphInts appends int field f, as AppendGraphFloats.
func (r *Row) AppendGraphInts(dst []int64, slot int, edges bool, f int) []int64 {
	r.graphFields(slot, edges, f, func(p unsafe.Pointer, k reflect.Kind) {
		if k == reflect.Int {
			dst = append(dst, int64(*(*int)(p)))
		} else {
			dst = append(dst, *(*int64)(p))
		}
	})
	return dst
}

// AppendGraphBools appends bool field f, as AppendGraphFloats.
func (r *Row) AppendGraphBools(dst []bool, slot int, edges bool, f int) []bool {
	r.graphFields(slot, edges, f, func(p unsafe.Pointer, _ reflect.Kind) { dst = append(dst, *(*bool)(p)) })
	return dst
}

// AppendGraphStrings appends string field f, as AppendGraphFloats.
func (r *Row) AppendGraphStrings(dst []string, slot int, edges bool, f int) []string {
	r.graphFields(slot, edges, f, func(p unsafe.Pointer, _ reflect.Kind) { dst = append(dst, *(*string)(p)) })
	return dst
}
