package runner

import (
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/internal/cachepad"
	"github.com/statecraft/statecraft/internal/offheap"
)

// maxBatchCells bounds a worker's batch in values (8 bytes each, so 8 MiB
// of numbers): rows holding vectors or agent records flush before they
// reach row_group_rows, so memory stays workers × batch whatever the
// number of agents.
const maxBatchCells = 1 << 20

// batch accumulates rows column by column in plain Go slices; flushing
// hands them to Arrow without copying numeric data. Appending a row does
// no per-value interface call and, once the slices have grown to the batch
// size, no allocation.
//
// The columns that are constant within a job (simulation, subset, run and
// the parameter columns) are not appended row by row: a row appends only
// its timestep, substep and state. Each job's run of rows is a segment,
// and record fills the constant columns of rows [filled, hi) from the
// segments in bulk before it hands them to Arrow.
type batch struct {
	_      cachepad.Pad
	plan   *Plan
	schema *arrow.Schema
	n      int

	sim, sub, run, sst []int32 // sim, sub, run: len filled
	ts                 []int64

	segs   []segment
	segPar []any // the parameter values of segment k: segPar[k*len(params):]
	open   bool  // the current job has a segment
	filled int   // rows whose constant columns are filled

	params []*paramCol
	f      []*floatCol
	i      []*intCol
	b      []*boolCol
	s      []*stringCol
	v      []*vecCol
	a      []*agentCol   // every agent variable, whatever its layout
	cols   []column      // the substep table's, in schema order, after the id columns
	state  []column      // every state variable's column, agent and graph tables' included
	tables []table       // the secondary tables: agent tables, then graph tables
	graphs []*graphTable // the graph tables, also in tables

	// graph rows: timestep 0 and the last substep of every graphEvery-th
	// timestep and of the last one
	lastSubstep, lastTimestep, graphEvery int
	agentsEvery                           int // output.agents_every: 0, every row

	lists     bool // the batch has vector, agent or graph columns, whose values batch.cells counts
	maxRows   int  // rows a batch holds before a flush (reserve), 0 if not reserved
	sizeAtRow bool // the next row sizes the vector and agent columns (sizeLists)
	// arena holds the reserved columns of plain values, outside the Go
	// heap (package offheap); free releases it.
	arena offheap.Arena
	_     cachepad.Pad
}

// table is a secondary table of the dataset: records that belong to
// substep rows (zero or more per row), written beside the substep table
// in part files of their own.
type table interface {
	tableSchema() *arrow.Schema
	records() *agentCol // the records' fields and their offsets per substep row
	// lead returns the columns between the five ids and the fields, for
	// records [start, stop) of the rows [lo, ...): the agent's position in
	// its row, or a graph's node ids.
	lead(ids *recordIDs, start, stop int) []arrow.Array
	ids() *recordIDs
}

// recordIDs are the id columns of a chunk of a secondary table's records,
// buffers reused from flush to flush.
type recordIDs struct {
	sim, sub, run, sst, agent []int32 // ids of the current chunk's records
	ts                        []int64
	iota                      []int32 // 0, 1, 2, ...: a row's agent column is a prefix of it
}

// agentTable is an agent variable written as a table of its own. The
// batch keeps its records as for a list<struct> column (col: the fields'
// values, offsets per substep row), so a row appends no more than in the
// list layout; a flush expands the ids of each record's substep row into
// the id columns, a chunk of records at a time.
type agentTable struct {
	col    *agentCol
	schema *arrow.Schema
	idBuf  recordIDs
}

func (t *agentTable) tableSchema() *arrow.Schema { return t.schema }
func (t *agentTable) records() *agentCol         { return t.col }
func (t *agentTable) ids() *recordIDs            { return &t.idBuf }
func (t *agentTable) lead(ids *recordIDs, _, _ int) []arrow.Array {
	return []arrow.Array{int32Array(ids.agent)}
}

// graphTable is the node or edge table of a graph variable. A row that
// is a graph row (batch.graphRow) appends the graph's alive nodes, or its
// edges: their ids into lead (node; from and to), the edges' weights, and
// the records' fields into col; other rows append nothing.
type graphTable struct {
	slot   int
	edges  bool
	col    *agentCol
	schema *arrow.Schema
	idBuf  recordIDs
	a, b   []int32   // node, or from and to
	w      []float64 // edges: weight
}

func (t *graphTable) tableSchema() *arrow.Schema { return t.schema }
func (t *graphTable) records() *agentCol         { return t.col }
func (t *graphTable) ids() *recordIDs            { return &t.idBuf }
func (t *graphTable) lead(_ *recordIDs, start, stop int) []arrow.Array {
	if t.edges {
		return []arrow.Array{int32Array(t.a[start:stop]), int32Array(t.b[start:stop]), float64Array(t.w[start:stop])}
	}
	return []arrow.Array{int32Array(t.a[start:stop])}
}

// record appends the graph's records to a graph row, nothing to another.
func (t *graphTable) record(r *gds.Row, graphRow bool) {
	c := t.col
	if graphRow {
		if t.edges {
			t.a, t.b, t.w = r.AppendGraphEdges(t.a, t.b, t.w, t.slot)
		} else {
			t.a = r.AppendGraphNodes(t.a, t.slot)
		}
		for k, f := range c.fields {
			switch f.Kind {
			case gds.KindFloat:
				c.f[k] = r.AppendGraphFloats(c.f[k], t.slot, t.edges, k)
			case gds.KindInt:
				c.i[k] = r.AppendGraphInts(c.i[k], t.slot, t.edges, k)
			case gds.KindBool:
				c.b[k] = r.AppendGraphBools(c.b[k], t.slot, t.edges, k)
			case gds.KindString:
				c.s[k] = r.AppendGraphStrings(c.s[k], t.slot, t.edges, k)
			}
		}
	}
	c.offsets = append(c.offsets, int32(len(t.a)))
}

func (t *graphTable) truncate(n int) {
	end := t.col.offsets[n]
	t.col.truncate(n)
	t.a = t.a[:end]
	if t.edges {
		t.b, t.w = t.b[:end], t.w[:end]
	}
}

func (t *graphTable) drop(k int) {
	base := int(t.col.offsets[k])
	t.col.drop(k)
	t.a = dropFront(t.a, base)
	if t.edges {
		t.b, t.w = dropFront(t.b, base), dropFront(t.w, base)
	}
}

// array is not called: a graph table is not a column of the substep table.
func (t *graphTable) array(memory.Allocator, int, int) arrow.Array {
	panic("runner: graph table as a column")
}

// graphRow reports whether row r holds the graph tables' records.
func (b *batch) graphRow(r *gds.Row) bool { return b.snapshotRow(r, b.graphEvery) }

// agentRow reports whether row r holds the agent tables' records: every
// row, or the rows of output.agents_every.
func (b *batch) agentRow(r *gds.Row) bool {
	return b.agentsEvery == 0 || b.snapshotRow(r, b.agentsEvery)
}

// snapshotRow reports whether row r is timestep 0, or the last substep of
// the last timestep or of every k-th (k > 0).
func (b *batch) snapshotRow(r *gds.Row, k int) bool {
	t := r.Timestep
	if t == 0 {
		return true
	}
	return r.Substep == b.lastSubstep && (t == b.lastTimestep || k > 0 && t%k == 0)
}

// segment is a job's run of rows in the batch, from start to the next
// segment's start (or the batch's end).
type segment struct {
	start         int
	sim, sub, run int32
}

// newBatch returns an empty batch for the plan's substep table (schema)
// and secondary tables (tableSchemas: the agent tables in the order of
// p.AgentTables, then the graph tables in the order of p.GraphTables).
func newBatch(p *Plan, schema *arrow.Schema, tableSchemas []*arrow.Schema) *batch {
	b := &batch{plan: p, schema: schema}
	b.lastSubstep, b.lastTimestep, b.graphEvery = p.Sims[0].Model.PSUBs(), p.Config.Timesteps, p.Config.Output.GraphEvery
	b.agentsEvery = p.Config.Output.AgentsEvery
	tables := p.AgentsTable()
	graphSchemas := tableSchemas[len(p.AgentTables()):]
	for _, pi := range p.ParamCols {
		pc := &paramCol{info: pi}
		pc.v.offsets = []int32{0}
		b.params = append(b.params, pc)
		b.cols = append(b.cols, pc)
	}
	for _, v := range p.InitCols {
		pc := &paramCol{info: gds.ParamInfo{Name: InitColumn(v.Name), Kind: v.Kind}, init: v.Name}
		pc.v.offsets = []int32{0}
		b.params = append(b.params, pc)
		b.cols = append(b.cols, pc)
	}
	for _, v := range p.Vars {
		var col column
		switch v.Kind {
		case gds.KindFloat:
			c := &floatCol{slot: v.Slot}
			b.f, col = append(b.f, c), c
		case gds.KindInt:
			c := &intCol{slot: v.Slot}
			b.i, col = append(b.i, c), c
		case gds.KindBool:
			c := &boolCol{slot: v.Slot}
			b.b, col = append(b.b, c), c
		case gds.KindString:
			c := &stringCol{slot: v.Slot}
			b.s, col = append(b.s, c), c
		case gds.KindVec:
			c := &vecCol{slot: v.Slot, offsets: []int32{0}}
			b.v, col = append(b.v, c), c
		case gds.KindAgents:
			c := &agentCol{slot: v.Slot, fields: v.Fields, offsets: []int32{0}}
			// slice headers rewritten at every row: padded (package cachepad)
			c.f, c.i = cachepad.Slice[[]float64](len(v.Fields)), cachepad.Slice[[]int64](len(v.Fields))
			c.b, c.s = cachepad.Slice[[]bool](len(v.Fields)), cachepad.Slice[[]string](len(v.Fields))
			b.a, col = append(b.a, c), c
			if tables {
				b.tables = append(b.tables, &agentTable{col: c, schema: tableSchemas[len(b.tables)]})
				b.state = append(b.state, c)
				continue // not a column of the substep table
			}
		case gds.KindGraph:
			for _, edges := range []bool{false, true} {
				fields := v.Fields
				if edges {
					fields = v.EdgeFields
				}
				c := &agentCol{slot: v.Slot, fields: fields, offsets: []int32{0}}
				c.f, c.i = make([][]float64, len(fields)), make([][]int64, len(fields))
				c.b, c.s = make([][]bool, len(fields)), make([][]string, len(fields))
				t := &graphTable{slot: v.Slot, edges: edges, col: c, schema: graphSchemas[len(b.graphs)]}
				b.graphs, b.state = append(b.graphs, t), append(b.state, t)
			}
			continue // not a column of the substep table
		}
		b.cols, b.state = append(b.cols, col), append(b.state, col)
	}
	for _, t := range b.graphs { // the graph tables follow the agent tables, as the schemas do
		b.tables = append(b.tables, t)
	}
	b.lists = len(b.v)+len(b.a)+len(b.graphs) > 0
	return b
}

// reserve gives the row columns (timestep, substep and the scalar state
// columns) room for rows rows, so that a batch that fills up does not grow
// by doubling: the copies would be garbage, and garbage sets the pace of
// the GC, which two workers feel (a worker's GC work on 2 cores is not
// free, as it is for one worker with an idle core). The room is allocated
// outside the Go heap (package offheap), string columns excepted.
//
// Vector and agent columns are sized when the first row arrives
// (sizeLists), since their values per row are known only then.
func (b *batch) reserve(rows int) {
	b.maxRows = rows
	b.sizeAtRow = len(b.v)+len(b.a) > 0
	b.ts, b.sst = offheap.Grow(&b.arena, b.ts, rows), offheap.Grow(&b.arena, b.sst, rows)
	b.sim, b.sub, b.run = offheap.Grow(&b.arena, b.sim, rows), offheap.Grow(&b.arena, b.sub, rows), offheap.Grow(&b.arena, b.run, rows)
	for _, c := range b.f {
		c.vals = offheap.Grow(&b.arena, c.vals, rows)
	}
	for _, c := range b.i {
		c.vals = offheap.Grow(&b.arena, c.vals, rows)
	}
	for _, c := range b.b {
		c.vals = offheap.Grow(&b.arena, c.vals, rows)
	}
}

// sizeLists gives the vector and agent columns room for the rows a batch
// holds before it flushes, at the values per row of r: a batch that fills
// up appends ~1 M values to them, and append grows a large slice by 1.25
// times, so growing from empty allocated ~5 times the final size (abm: 80 MB
// of garbage per run). Rows whose lists grow later still grow by append.
func (b *batch) sizeLists(r *gds.Row) {
	b.sizeAtRow = false
	perRow := 5 + len(b.cols)
	for _, c := range b.v {
		perRow += len(r.Vec(c.slot))
	}
	for _, c := range b.a {
		perRow += r.AgentCount(c.slot) * len(c.fields)
	}
	rows := min(b.maxRows, (maxBatchCells+perRow-1)/perRow)
	for _, c := range b.v {
		c.vals = offheap.Grow(&b.arena, c.vals, rows*len(r.Vec(c.slot)))
		c.offsets = offheap.Grow(&b.arena, c.offsets, rows)
	}
	for _, c := range b.a {
		n := rows * r.AgentCount(c.slot)
		for k, f := range c.fields {
			switch f.Kind {
			case gds.KindFloat:
				c.f[k] = offheap.Grow(&b.arena, c.f[k], n)
			case gds.KindInt:
				c.i[k] = offheap.Grow(&b.arena, c.i[k], n)
			case gds.KindBool:
				c.b[k] = offheap.Grow(&b.arena, c.b[k], n)
			case gds.KindString:
				c.s[k] = slices.Grow(c.s[k], n)
			}
		}
		c.offsets = offheap.Grow(&b.arena, c.offsets, rows)
	}
}

// free releases the memory of the batch's reserved columns. The batch
// must not be used afterwards. It drops its slices before unmapping their
// memory, so that no reachable value points into a range the runtime may
// map again for its heap.
func (b *batch) free() {
	b.truncate(0)
	b.ts, b.sst, b.sim, b.sub, b.run = nil, nil, nil, nil, nil
	for _, c := range b.f {
		c.vals = nil
	}
	for _, c := range b.i {
		c.vals = nil
	}
	for _, c := range b.b {
		c.vals = nil
	}
	for _, c := range b.v {
		c.vals, c.offsets = nil, nil
	}
	for _, c := range b.a {
		clear(c.f)
		clear(c.i)
		clear(c.b)
		c.offsets = nil
	}
	for _, t := range b.tables {
		ids := t.ids()
		ids.sim, ids.sub, ids.run, ids.ts, ids.sst, ids.agent = nil, nil, nil, nil, nil, nil
	}
	b.arena.Free()
}

// cells returns the number of values the batch holds: a bound on its
// memory that counts the elements of vector and agent columns, and the
// field values of agent tables (their id columns are expanded at flush
// time, a chunk of at most row_group_rows records at a time, in buffers
// outside the batch).
func (b *batch) cells() int {
	n := b.n * (5 + len(b.cols))
	for _, c := range b.v {
		n += int(c.offsets[len(c.offsets)-1])
	}
	for _, c := range b.a {
		n += int(c.offsets[len(c.offsets)-1]) * len(c.fields)
	}
	for _, t := range b.graphs {
		n += int(t.col.offsets[len(t.col.offsets)-1]) * (len(t.col.fields) + 3)
	}
	return n
}

// setJob sets the values of the parameter columns for the coming rows.
func (b *batch) setJob(params *gds.Params, init *gds.State) {
	for _, pc := range b.params {
		if pc.init != "" {
			pc.cur, _ = init.Get(pc.init)
		} else {
			pc.cur, _ = params.Get(pc.info.Name)
		}
	}
	b.open = false
}

// openJob begins the segment of the current job, whose first row is r.
func (b *batch) openJob(r *gds.Row) {
	b.segs = append(b.segs, segment{start: b.n, sim: int32(r.Simulation), sub: int32(r.Subset), run: int32(r.Run)})
	for _, pc := range b.params {
		b.segPar = append(b.segPar, pc.cur)
	}
	b.open = true
}

// columnar reports whether the engine can store the rows into the
// batch's columns itself (lend): the state columns are float, int and
// bool variables, reserved.
func (b *batch) columnar() bool {
	return b.maxRows > 0 && len(b.s) == 0 && len(b.v) == 0 && len(b.a) == 0 && len(b.graphs) == 0
}

// lend points c at the batch's columns for the rows from b.n up to
// min(rows, the reserve): the engine stores the next rows into them
// (gds.ColumnRecorder).
func (b *batch) lend(c *gds.RowColumns, rows int) {
	n := min(rows, cap(b.ts), cap(b.sst)) // reserve gave every column the same room
	for _, col := range b.f {
		n = min(n, cap(col.vals))
	}
	for _, col := range b.i {
		n = min(n, cap(col.vals))
	}
	for _, col := range b.b {
		n = min(n, cap(col.vals))
	}
	c.Next = b.n
	c.Timestep, c.Substep = b.ts[:n], b.sst[:n]
	c.FloatSlots, c.Floats = c.FloatSlots[:0], c.Floats[:0]
	for _, col := range b.f {
		c.FloatSlots, c.Floats = append(c.FloatSlots, col.slot), append(c.Floats, col.vals[:n])
	}
	c.IntSlots, c.Ints = c.IntSlots[:0], c.Ints[:0]
	for _, col := range b.i {
		c.IntSlots, c.Ints = append(c.IntSlots, col.slot), append(c.Ints, col.vals[:n])
	}
	c.BoolSlots, c.Bools = c.BoolSlots[:0], c.Bools[:0]
	for _, col := range b.b {
		c.BoolSlots, c.Bools = append(c.BoolSlots, col.slot), append(c.Bools, col.vals[:n])
	}
}

// setRows takes the rows up to n that the engine stored into the lent
// columns.
func (b *batch) setRows(n int) {
	b.ts, b.sst = b.ts[:n], b.sst[:n]
	for _, col := range b.f {
		col.vals = col.vals[:n]
	}
	for _, col := range b.i {
		col.vals = col.vals[:n]
	}
	for _, col := range b.b {
		col.vals = col.vals[:n]
	}
	b.n = n
}

// Record appends one row.
func (b *batch) Record(r *gds.Row) error {
	if !b.open {
		b.openJob(r)
	}
	b.ts = append(b.ts, int64(r.Timestep))
	b.sst = append(b.sst, int32(r.Substep))
	if len(b.f) > 0 {
		fl := r.Floats()
		for _, c := range b.f {
			c.vals = append(c.vals, fl[c.slot])
		}
	}
	if len(b.i) > 0 {
		in := r.Ints()
		for _, c := range b.i {
			c.vals = append(c.vals, in[c.slot])
		}
	}
	if len(b.b) > 0 {
		bo := r.Bools()
		for _, c := range b.b {
			c.vals = append(c.vals, bo[c.slot])
		}
	}
	if len(b.s) > 0 {
		st := r.Strings()
		for _, c := range b.s {
			c.vals = append(c.vals, st[c.slot])
		}
	}
	if b.sizeAtRow {
		b.sizeLists(r)
	}
	for _, c := range b.v {
		c.vals = append(c.vals, r.Vec(c.slot)...)
		c.offsets = append(c.offsets, int32(len(c.vals)))
	}
	agents := len(b.a) > 0 && b.agentRow(r)
	for _, c := range b.a {
		if !agents {
			c.offsets = append(c.offsets, c.offsets[len(c.offsets)-1]) // no records at this row
			continue
		}
		for k, f := range c.fields {
			switch f.Kind {
			case gds.KindFloat:
				c.f[k] = r.AppendAgentFloats(c.f[k], c.slot, k)
			case gds.KindInt:
				c.i[k] = r.AppendAgentInts(c.i[k], c.slot, k)
			case gds.KindBool:
				c.b[k] = r.AppendAgentBools(c.b[k], c.slot, k)
			case gds.KindString:
				c.s[k] = r.AppendAgentStrings(c.s[k], c.slot, k)
			}
		}
		c.offsets = append(c.offsets, c.offsets[len(c.offsets)-1]+int32(r.AgentCount(c.slot)))
	}
	if len(b.graphs) > 0 {
		g := b.graphRow(r)
		for _, t := range b.graphs {
			t.record(r, g)
		}
	}
	b.n++
	return nil
}

// fill fills the constant columns of rows [b.filled, hi) from the segments.
func (b *batch) fill(hi int) {
	np := len(b.params)
	for k := range b.segs {
		seg := &b.segs[k]
		end := b.n
		if k+1 < len(b.segs) {
			end = b.segs[k+1].start
		}
		lo := max(seg.start, b.filled)
		end = min(end, hi)
		if lo >= end {
			continue
		}
		n := end - lo
		b.sim = repeat(b.sim, seg.sim, n)
		b.sub = repeat(b.sub, seg.sub, n)
		b.run = repeat(b.run, seg.run, n)
		for j, pc := range b.params {
			pc.fill(b.segPar[k*np+j], n)
		}
		b.filled = end
	}
}

// repeat appends n copies of v to s.
func repeat[T any](s []T, v T, n int) []T {
	s = slices.Grow(s, n)
	t := s[len(s) : len(s)+n]
	for i := range t {
		t[i] = v
	}
	return s[:len(s)+n]
}

// truncate drops the rows from n on (a failed job's rows, or every row
// once written). The next row opens a new segment, of the job setJob last
// named and the row's ids.
func (b *batch) truncate(n int) {
	if n < b.filled {
		b.sim, b.sub, b.run = b.sim[:n], b.sub[:n], b.run[:n]
		for _, pc := range b.params {
			pc.truncate(n)
		}
		b.filled = n
	}
	k := len(b.segs)
	for k > 0 && b.segs[k-1].start >= n {
		k--
	}
	b.segs, b.segPar = b.segs[:k], b.segPar[:k*len(b.params)]
	clear(b.segPar[len(b.segPar):cap(b.segPar)]) // drop references to old values
	b.open = false
	b.ts, b.sst = b.ts[:n], b.sst[:n]
	for _, c := range b.state {
		c.truncate(n)
	}
	b.n = n
}

// drop removes the first k rows (completed jobs' rows, once written): the
// rows after them move to the front, so that a job that has not ended
// when the batch fills stays in the batch rather than going to a part
// file of its own. Only the rows of the current job are moved: at most
// one job's, which is smaller than the batch.
func (b *batch) drop(k int) {
	if k <= 0 {
		return
	}
	if k >= b.n {
		b.truncate(0)
		return
	}
	// The constant columns are filled again from the segments.
	b.sim, b.sub, b.run = b.sim[:0], b.sub[:0], b.run[:0]
	for _, pc := range b.params {
		pc.truncate(0)
	}
	b.filled = 0
	first := 0 // the first segment that has rows from k on
	for first+1 < len(b.segs) && b.segs[first+1].start <= k {
		first++
	}
	np := len(b.params)
	nseg := copy(b.segs, b.segs[first:])
	b.segs = b.segs[:nseg]
	for i := range b.segs {
		b.segs[i].start = max(b.segs[i].start-k, 0)
	}
	npar := copy(b.segPar, b.segPar[first*np:])
	clear(b.segPar[npar:])
	b.segPar = b.segPar[:npar]
	b.ts, b.sst = dropFront(b.ts, k), dropFront(b.sst, k)
	for _, c := range b.state {
		c.drop(k)
	}
	b.n -= k
}

// record builds an Arrow record of rows [lo, hi). Numeric columns share
// the batch's memory: write the record before the batch changes.
func (b *batch) record(mem memory.Allocator, lo, hi int) arrow.Record {
	if hi > b.filled {
		b.fill(hi)
	}
	arrs := make([]arrow.Array, 0, 5+len(b.cols))
	arrs = append(arrs, int32Array(b.sim[lo:hi]), int32Array(b.sub[lo:hi]), int32Array(b.run[lo:hi]),
		int64Array(b.ts[lo:hi]), int32Array(b.sst[lo:hi]))
	for _, c := range b.cols {
		arrs = append(arrs, c.array(mem, lo, hi))
	}
	rec := array.NewRecord(b.schema, arrs, int64(hi-lo))
	for _, a := range arrs {
		a.Release()
	}
	return rec
}

// writeTable writes the records of secondary table t that belong to the
// substep rows [lo, hi), in order, as Arrow records of at most chunk rows
// each (chunk > 0). Field columns share the batch's memory and id columns
// the table's buffers: write must be done with a record when it returns.
func (b *batch) writeTable(t table, mem memory.Allocator, lo, hi, chunk int, write func(arrow.Record) error) error {
	if hi > b.filled {
		b.fill(hi)
	}
	c := t.records()
	ids := t.ids()
	if cap(ids.sim) < chunk { // room for a chunk's ids, for the whole run
		a := &b.arena
		ids.sim, ids.sub, ids.run = offheap.Grow(a, ids.sim, chunk), offheap.Grow(a, ids.sub, chunk), offheap.Grow(a, ids.run, chunk)
		ids.ts, ids.sst, ids.agent = offheap.Grow(a, ids.ts, chunk), offheap.Grow(a, ids.sst, chunk), offheap.Grow(a, ids.agent, chunk)
	}
	end := int(c.offsets[hi])
	r := lo
	for start := int(c.offsets[lo]); start < end; {
		stop := min(start+chunk, end)
		ids.sim, ids.sub, ids.run, ids.ts, ids.sst, ids.agent = ids.sim[:0], ids.sub[:0], ids.run[:0], ids.ts[:0], ids.sst[:0], ids.agent[:0]
		for pos := start; pos < stop; {
			for int(c.offsets[r+1]) <= pos {
				r++ // rows without records, or whose records are written
			}
			first := int(c.offsets[r])
			from, to := pos-first, min(int(c.offsets[r+1]), stop)-first
			n := to - from
			ids.sim = repeat(ids.sim, b.sim[r], n)
			ids.sub = repeat(ids.sub, b.sub[r], n)
			ids.run = repeat(ids.run, b.run[r], n)
			ids.ts = repeat(ids.ts, b.ts[r], n)
			ids.sst = repeat(ids.sst, b.sst[r], n)
			for len(ids.iota) < to {
				ids.iota = append(ids.iota, int32(len(ids.iota)))
			}
			ids.agent = append(ids.agent, ids.iota[from:to]...)
			pos += n
		}
		arrs := make([]arrow.Array, 0, 8+len(c.fields))
		arrs = append(arrs, int32Array(ids.sim), int32Array(ids.sub), int32Array(ids.run), int64Array(ids.ts), int32Array(ids.sst))
		arrs = append(arrs, t.lead(ids, start, stop)...)
		for k, f := range c.fields {
			switch f.Kind {
			case gds.KindFloat:
				arrs = append(arrs, float64Array(c.f[k][start:stop]))
			case gds.KindInt:
				arrs = append(arrs, int64Array(c.i[k][start:stop]))
			case gds.KindBool:
				arrs = append(arrs, boolArray(mem, c.b[k][start:stop]))
			case gds.KindString:
				arrs = append(arrs, stringArray(mem, c.s[k][start:stop]))
			}
		}
		rec := array.NewRecord(t.tableSchema(), arrs, int64(stop-start))
		for _, a := range arrs {
			a.Release()
		}
		err := write(rec)
		rec.Release()
		if err != nil {
			return err
		}
		start = stop
	}
	return nil
}
