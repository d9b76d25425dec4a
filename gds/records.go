package gds

import (
	"fmt"
	"slices"
	"unsafe"
)

// Agent records declared at run time.
//
// AgentsOf needs a Go struct type for its records. A model file declares
// its populations while it loads, when no such type exists: Records
// declares a population whose fields are data (a []RecordField) and
// stores its records by column, one slice per field. A column is what
// per-agent expressions and aggregates (sum, mean, gini) want: Floats
// returns it as is, with no copy.
//
// Such a population is a KindAgents variable like any other: it has
// VarInfo.Fields, Row.AgentCount and Row.AppendAgentFloats and siblings
// (which append its columns), agent tables in the runner, initial states
// from configs (a list of tables keyed by field name), the same tracing,
// the same one-writer rule, and no lags. Like vectors and AgentsOf
// records it is double-buffered: an update writes a spare copy of the
// columns that becomes current when the PSUB ends.

// RecordField declares a field of agent records declared at run time
// (Builder.Records).
type RecordField struct {
	Name string // an identifier, unique among the record's fields
	Kind Kind   // KindFloat, KindInt, KindBool or KindString
	Doc  string // a one-line description, if any
}

// Columns holds N agent records field by field. Its lists are indexed by
// field, in the order of the record's []RecordField: field f's column
// is Floats[f], Ints[f], Bools[f] or Strings[f], as its kind says, and
// holds N values; the other three lists' entries for f are nil. A list
// may be shorter than the number of fields (or nil) when its missing
// entries would be nil anyway, as in a literal initial value.
//
// The Columns that MakeColumns returns, that Records.Update hands to
// its function and that Row.Agents returns have one entry per field in
// every list, and a non-nil column (empty when N is 0) for every field,
// which is how Resize and Keep know the fields.
type Columns struct {
	N       int         // the number of records
	Floats  [][]float64 // by field: the column of a float field, else nil
	Ints    [][]int64   // by field: the column of an int field, else nil
	Bools   [][]bool    // by field: the column of a bool field, else nil
	Strings [][]string  // by field: the column of a string field, else nil

	max int // in an update: the most records Resize may make (Limits.MaxAgents)
}

// MakeColumns returns n records of the given fields with zero values. A
// field of a kind records do not hold (see RecordField) gets no column;
// Builder.Records reports it.
func MakeColumns(fields []RecordField, n int) Columns {
	nf := len(fields)
	c := Columns{N: n, Floats: make([][]float64, nf), Ints: make([][]int64, nf), Bools: make([][]bool, nf), Strings: make([][]string, nf)}
	for f, fd := range fields {
		switch fd.Kind {
		case KindFloat:
			c.Floats[f] = make([]float64, n)
		case KindInt:
			c.Ints[f] = make([]int64, n)
		case KindBool:
			c.Bools[f] = make([]bool, n)
		case KindString:
			c.Strings[f] = make([]string, n)
		}
	}
	return c
}

// Clone returns a deep copy: a column that is nil stays nil, and one that
// is empty stays empty.
func (c Columns) Clone() Columns {
	return Columns{N: c.N, Floats: cloneColumns(c.Floats), Ints: cloneColumns(c.Ints), Bools: cloneColumns(c.Bools), Strings: cloneColumns(c.Strings)}
}

func cloneColumns[T any](in [][]T) [][]T {
	if in == nil {
		return nil
	}
	out := make([][]T, len(in))
	for i, col := range in {
		if col != nil {
			out[i] = append(make([]T, 0, len(col)), col...)
		}
	}
	return out
}

// Resize sets N to n and the length of every non-nil column to n: the
// first min(N, n) records keep their values and new records are zero. A
// column keeps its capacity, so resizing within it allocates nothing. In
// an update, n beyond the job's Limits.MaxAgents fails the job with a
// *LimitError before the memory is taken.
func (c *Columns) Resize(n int) {
	if n < 0 {
		panic(fmt.Sprintf("gds: Columns.Resize(%d): negative length", n))
	}
	if c.max > 0 && n > c.max {
		panic(AgentLimitError(n, c.max)) // before the memory is taken
	}
	resizeColumns(c.Floats, n)
	resizeColumns(c.Ints, n)
	resizeColumns(c.Bools, n)
	resizeColumns(c.Strings, n)
	c.N = n
}

func resizeColumns[T any](cols [][]T, n int) {
	for f, col := range cols {
		if col == nil {
			continue
		}
		if n <= len(col) {
			clear(col[n:]) // drop what strings the removed records held
			cols[f] = col[:n]
			continue
		}
		old := len(col)
		col = slices.Grow(col, n-old)[:n]
		clear(col[old:])
		cols[f] = col
	}
}

// Keep removes the records for which keep returns false, keeping the
// order of the others, and sets N to their number. keep is called once
// for each record, in order, with the record's index before Keep; when
// keep(i) runs, the records from i on are still at their indices (earlier
// ones may have moved down).
func (c *Columns) Keep(keep func(i int) bool) {
	j := 0
	for i := 0; i < c.N; i++ {
		if !keep(i) {
			continue
		}
		if j != i {
			moveRecord(c.Floats, j, i)
			moveRecord(c.Ints, j, i)
			moveRecord(c.Bools, j, i)
			moveRecord(c.Strings, j, i)
		}
		j++
	}
	c.Resize(j)
}

func moveRecord[T any](cols [][]T, dst, src int) {
	for _, col := range cols {
		if col != nil {
			col[dst] = col[src]
		}
	}
}

// Records is a handle to a population of agent records stored by column,
// declared by Builder.Records.
type Records struct{ ref }

// Records declares a population of agent records whose fields are given
// as data, stored by column, with its initial records (copied). Field
// names are identifiers, unique within the record; kinds are KindFloat,
// KindInt, KindBool and KindString. The variable's kind is KindAgents and
// VarInfo.Fields lists the fields in the given order. Invalid fields and
// an initial value whose columns do not fit them (a column of the wrong
// kind, or not of N values) are Build errors naming the variable and the
// field.
func (b *Builder) Records(name string, fields []RecordField, init Columns, opts ...VarOption) Records {
	at, errs := recordsType(name, fields)
	for _, err := range errs {
		b.errorf("state variable %q: %v", name, err)
	}
	var val Columns
	if len(errs) == 0 {
		var err error
		if val, err = at.columns(init); err != nil {
			b.errorf("state variable %q: initial records: %v", name, err)
			val = MakeColumns(fields, 0)
		}
	}
	v := b.addVar(name, KindAgents, val, opts)
	v.agents = at
	return Records{b.ref(v)}
}

// Len returns the number of records before the current block.
func (h Records) Len(c *Ctx) int {
	if c.tr != nil {
		c.tr.readVar(h.ref, KindAgents)
	}
	r := c.e.agents[h.slot].(*columnsCell)
	return r.buf[r.cur].N
}

// Floats returns float field f's column before the current block: the
// engine's buffer itself, shared with every other block of the PSUB. Read
// it, never write or keep it. A field f that is not a float field panics.
func (h Records) Floats(c *Ctx, f int) []float64 {
	if c.tr != nil {
		c.tr.readVar(h.ref, KindAgents)
	}
	r := c.e.agents[h.slot].(*columnsCell)
	cols := r.buf[r.cur].Floats
	if uint(f) >= uint(len(cols)) || cols[f] == nil {
		panic(r.fieldError(f, KindFloat))
	}
	return cols[f]
}

// Ints returns int field f's column before the current block, as Floats.
func (h Records) Ints(c *Ctx, f int) []int64 {
	if c.tr != nil {
		c.tr.readVar(h.ref, KindAgents)
	}
	r := c.e.agents[h.slot].(*columnsCell)
	cols := r.buf[r.cur].Ints
	if uint(f) >= uint(len(cols)) || cols[f] == nil {
		panic(r.fieldError(f, KindInt))
	}
	return cols[f]
}

// Bools returns bool field f's column before the current block, as Floats.
func (h Records) Bools(c *Ctx, f int) []bool {
	if c.tr != nil {
		c.tr.readVar(h.ref, KindAgents)
	}
	r := c.e.agents[h.slot].(*columnsCell)
	cols := r.buf[r.cur].Bools
	if uint(f) >= uint(len(cols)) || cols[f] == nil {
		panic(r.fieldError(f, KindBool))
	}
	return cols[f]
}

// Strings returns string field f's column before the current block, as
// Floats.
func (h Records) Strings(c *Ctx, f int) []string {
	if c.tr != nil {
		c.tr.readVar(h.ref, KindAgents)
	}
	r := c.e.agents[h.slot].(*columnsCell)
	cols := r.buf[r.cur].Strings
	if uint(f) >= uint(len(cols)) || cols[f] == nil {
		panic(r.fieldError(f, KindString))
	}
	return cols[f]
}

// Update returns the block that sets the records. fn receives next, a
// copy of the records before the block held in the spare buffers (so a
// fixed-size population allocates nothing once they are large enough),
// and may change its values, append or remove records (Resize and Keep
// change every column at once) and set N. When fn returns, every column
// must hold next.N values: anything else panics, and the job fails with a
// BlockError naming the update, the variable and the field. A column that
// fn replaces by another slice (another field's, a current column, one it
// allocated) is copied into the spare buffer, so the buffers never alias
// memory that something else owns. next is valid only during the call;
// blocks that read the records in this PSUB see none of its changes.
func (h Records) Update(fn func(c *Ctx, next *Columns)) Block {
	bl := Block{kind: blockUpdate, name: h.Name(), target: h.ref, vkind: KindAgents}
	if fn == nil {
		return bl // Build reports the nil function
	}
	slot := h.slot
	bl.fnA = func(c *Ctx) {
		r := c.e.agents[slot].(*columnsCell)
		next := r.open()
		next.max = c.e.lim.MaxAgents
		fn(c, next)
		if next.N > next.max {
			panic(AgentLimitError(next.N, next.max))
		}
		r.stage()
	}
	return bl
}

// recordsType describes records whose fields are declared as data.
func recordsType(name string, fields []RecordField) (*agentsType, []error) {
	var errs []error
	at := &agentsType{byColumn: true}
	seen := make(map[string]bool, len(fields))
	for i, f := range fields {
		if err := checkIdent(f.Name); err != nil {
			errs = append(errs, fmt.Errorf("field %d: %v", i, err))
		} else if seen[f.Name] {
			errs = append(errs, fmt.Errorf("field %q declared twice", f.Name))
		}
		seen[f.Name] = true
		switch f.Kind {
		case KindFloat, KindInt, KindBool, KindString:
		default:
			errs = append(errs, fmt.Errorf("field %q has kind %s; record fields are float, int, bool or string", f.Name, f.Kind))
		}
		at.fields = append(at.fields, FieldInfo{Name: f.Name, Kind: f.Kind, Doc: f.Doc})
	}
	fis := at.fields
	at.newCell = func() agentCell { return newColumnsCell(name, fis) }
	return at, errs
}

// columnLists names Columns' lists by kind, for messages.
var columnLists = [...]string{KindFloat: "Floats", KindInt: "Ints", KindBool: "Bools", KindString: "Strings"}

// columns checks that in holds records of at's fields and returns a deep
// copy with one entry per field in every list.
func (at *agentsType) columns(in Columns) (Columns, error) {
	nf := len(at.fields)
	if in.N < 0 {
		return Columns{}, fmt.Errorf("a record count of %d (Columns.N); want the number of records", in.N)
	}
	lens := [...]int{KindFloat: len(in.Floats), KindInt: len(in.Ints), KindBool: len(in.Bools), KindString: len(in.Strings)}
	for k := KindFloat; k <= KindString; k++ {
		if lens[k] > nf {
			return Columns{}, fmt.Errorf("%s has %d entries; want at most %d, one per field", columnLists[k], lens[k], nf)
		}
	}
	out := Columns{N: in.N, Floats: make([][]float64, nf), Ints: make([][]int64, nf), Bools: make([][]bool, nf), Strings: make([][]string, nf)}
	for f, fi := range at.fields {
		got := [...]int{KindFloat: lenAt(in.Floats, f), KindInt: lenAt(in.Ints, f), KindBool: lenAt(in.Bools, f), KindString: lenAt(in.Strings, f)}
		for k := KindFloat; k <= KindString; k++ {
			if k != fi.Kind && got[k] > 0 {
				return Columns{}, fmt.Errorf("field %q is a %s field, but %s[%d] holds %d values; its column is %s[%d]", fi.Name, fi.Kind, columnLists[k], f, got[k], columnLists[fi.Kind], f)
			}
		}
		if got[fi.Kind] != in.N {
			return Columns{}, fmt.Errorf("field %q: %s[%d] has %d values; want N = %d, one per record", fi.Name, columnLists[fi.Kind], f, got[fi.Kind], in.N)
		}
		switch fi.Kind {
		case KindFloat:
			out.Floats[f] = append(make([]float64, 0, in.N), entry(in.Floats, f)...)
		case KindInt:
			out.Ints[f] = append(make([]int64, 0, in.N), entry(in.Ints, f)...)
		case KindBool:
			out.Bools[f] = append(make([]bool, 0, in.N), entry(in.Bools, f)...)
		case KindString:
			out.Strings[f] = append(make([]string, 0, in.N), entry(in.Strings, f)...)
		}
	}
	return out, nil
}

func lenAt[T any](cols [][]T, f int) int { return len(entry(cols, f)) }

// entry returns cols[f], or nil beyond the end of a short list.
func entry[T any](cols [][]T, f int) []T {
	if f < len(cols) {
		return cols[f]
	}
	return nil
}

// convertColumns accepts a Columns (or *Columns) of at's fields, or a list
// of tables keyed by field name, as convertAgents does for AgentsOf.
func convertColumns(val any, at *agentsType) (any, error) {
	switch x := val.(type) {
	case Columns:
		return at.columns(x)
	case *Columns:
		if x != nil {
			return at.columns(*x)
		}
	}
	tabs, err := agentTables(val)
	if err != nil {
		return nil, err
	}
	out := Columns{N: len(tabs), Floats: make([][]float64, len(at.fields)), Ints: make([][]int64, len(at.fields)),
		Bools: make([][]bool, len(at.fields)), Strings: make([][]string, len(at.fields))}
	for f, fi := range at.fields {
		switch fi.Kind {
		case KindFloat:
			out.Floats[f] = make([]float64, len(tabs))
		case KindInt:
			out.Ints[f] = make([]int64, len(tabs))
		case KindBool:
			out.Bools[f] = make([]bool, len(tabs))
		case KindString:
			out.Strings[f] = make([]string, len(tabs))
		}
	}
	for i, tab := range tabs {
		for _, key := range tableKeys(tab) {
			f, err := at.field(i, key)
			if err != nil {
				return nil, err
			}
			fi := at.fields[f]
			cv, err := Convert(tab[key], fi.Kind)
			if err != nil {
				return nil, fmt.Errorf("agent %d, field %q: %w", i, key, err)
			}
			switch fi.Kind {
			case KindFloat:
				out.Floats[f][i] = cv.(float64)
			case KindInt:
				out.Ints[f][i] = cv.(int64)
			case KindBool:
				out.Bools[f][i] = cv.(bool)
			case KindString:
				out.Strings[f][i] = cv.(string)
			}
		}
	}
	return out, nil
}

// columnsCell is the per-engine double buffer of a Records population.
// Every column of buf is non-nil, so that a nil entry means "another
// kind's field".
type columnsCell struct {
	name   string
	fields []FieldInfo
	buf    [2]Columns
	cur    int
	staged bool
	lists  Columns // the lists (not the columns) that next holds
	next   Columns // Update's copy of the records, in the spare buffer
	view   Columns // Row.Agents' view of the current buffer
	own    []bool  // by field: next's column is still its spare buffer
}

func newColumnsCell(name string, fields []FieldInfo) *columnsCell {
	c := &columnsCell{name: name, fields: fields, own: make([]bool, len(fields))}
	fs := make([]RecordField, len(fields))
	for i, f := range fields {
		fs[i] = RecordField{Name: f.Name, Kind: f.Kind}
	}
	c.buf[0], c.buf[1] = MakeColumns(fs, 0), MakeColumns(fs, 0)
	c.lists, c.view = MakeColumns(fs, 0), MakeColumns(fs, 0)
	return c
}

func (c *columnsCell) init(records any) {
	in := records.(Columns)
	b := &c.buf[0]
	for f, fi := range c.fields {
		switch fi.Kind {
		case KindFloat:
			b.Floats[f] = append(b.Floats[f][:0], in.Floats[f]...)
		case KindInt:
			b.Ints[f] = append(b.Ints[f][:0], in.Ints[f]...)
		case KindBool:
			b.Bools[f] = append(b.Bools[f][:0], in.Bools[f]...)
		case KindString:
			b.Strings[f] = append(b.Strings[f][:0], in.Strings[f]...)
		}
	}
	b.N = in.N
	c.buf[1].Resize(0)
	c.cur, c.staged = 0, false
}

// open copies the current records into the spare buffers and returns
// them as next.
func (c *columnsCell) open() *Columns {
	cur, sp := &c.buf[c.cur], &c.buf[1-c.cur]
	for f, fi := range c.fields {
		switch fi.Kind {
		case KindFloat:
			sp.Floats[f] = append(sp.Floats[f][:0], cur.Floats[f]...)
		case KindInt:
			sp.Ints[f] = append(sp.Ints[f][:0], cur.Ints[f]...)
		case KindBool:
			sp.Bools[f] = append(sp.Bools[f][:0], cur.Bools[f]...)
		case KindString:
			sp.Strings[f] = append(sp.Strings[f][:0], cur.Strings[f]...)
		}
	}
	sp.N = cur.N
	n := &c.next
	n.N, n.Floats, n.Ints, n.Bools, n.Strings = sp.N, c.lists.Floats, c.lists.Ints, c.lists.Bools, c.lists.Strings
	copy(n.Floats, sp.Floats)
	copy(n.Ints, sp.Ints)
	copy(n.Bools, sp.Bools)
	copy(n.Strings, sp.Strings)
	return n
}

// stage checks next after the update and makes it the spare buffers'
// value, to become current when the PSUB ends.
func (c *columnsCell) stage() {
	n, sp := &c.next, &c.buf[1-c.cur]
	nf := len(c.fields)
	if len(n.Floats) != nf || len(n.Ints) != nf || len(n.Bools) != nf || len(n.Strings) != nf {
		panic(fmt.Errorf("state variable %q: the update left Floats, Ints, Bools and Strings with %d, %d, %d and %d entries; want %d each, one per field",
			c.name, len(n.Floats), len(n.Ints), len(n.Bools), len(n.Strings), nf))
	}
	for f, fi := range c.fields {
		got := [...]int{KindFloat: len(n.Floats[f]), KindInt: len(n.Ints[f]), KindBool: len(n.Bools[f]), KindString: len(n.Strings[f])}
		for k := KindFloat; k <= KindString; k++ {
			if k != fi.Kind && got[k] > 0 {
				panic(fmt.Errorf("state variable %q: field %q is a %s field, but the update left %d values in %s[%d]; its column is %s[%d]",
					c.name, fi.Name, fi.Kind, got[k], columnLists[k], f, columnLists[fi.Kind], f))
			}
		}
		if got[fi.Kind] != n.N {
			panic(fmt.Errorf("state variable %q: field %q has %d values, but N is %d; every column holds one value per record (Resize changes them all)",
				c.name, fi.Name, got[fi.Kind], n.N))
		}
	}
	stageColumns(n.Floats, sp.Floats, c.own)
	stageColumns(n.Ints, sp.Ints, c.own)
	stageColumns(n.Bools, sp.Bools, c.own)
	stageColumns(n.Strings, sp.Strings, c.own)
	sp.N = n.N
	c.staged = true
}

// stageColumns makes next's columns of one kind the spare buffers'
// values (spare[f] is nil for the fields of other kinds). A column still
// in its spare buffer is taken as is; any other slice is copied into the
// spare buffer, as stageVec does.
func stageColumns[T any](next, spare [][]T, own []bool) {
	copies := false
	for f, col := range next {
		s := spare[f]
		if s == nil {
			continue
		}
		own[f] = cap(col) > 0 && cap(s) > 0 && unsafe.SliceData(col) == unsafe.SliceData(s)
		if own[f] {
			spare[f] = col
		} else {
			copies = true
		}
	}
	if !copies {
		return
	}
	// A copy overwrites a spare buffer, which another field's slice may
	// point into (an update that swapped two columns): clone such a slice
	// before anything is overwritten.
	for g, col := range next {
		if spare[g] == nil || own[g] {
			continue
		}
		for f, s := range spare {
			if f != g && s != nil && !own[f] && overlap(col, s) {
				next[g] = slices.Clone(col)
				break
			}
		}
	}
	for f, col := range next {
		if spare[f] != nil && !own[f] {
			spare[f] = append(spare[f][:0], col...)
		}
	}
}

// overlap reports whether src's values and the array under dst (up to
// its capacity) share memory.
func overlap[T any](src, dst []T) bool {
	if len(src) == 0 || cap(dst) == 0 {
		return false
	}
	var zero T
	size := unsafe.Sizeof(zero)
	s, d := uintptr(unsafe.Pointer(unsafe.SliceData(src))), uintptr(unsafe.Pointer(unsafe.SliceData(dst)))
	return s < d+uintptr(cap(dst))*size && d < s+uintptr(len(src))*size
}

func (c *columnsCell) flip() {
	if c.staged {
		c.cur = 1 - c.cur
		c.staged = false
	}
}

func (c *columnsCell) current() (unsafe.Pointer, int) { return nil, c.buf[c.cur].N }

// records returns a view of the current records: the lists are the
// view's own, the columns the engine's.
func (c *columnsCell) records() any {
	cur, v := &c.buf[c.cur], &c.view
	v.N = cur.N
	copy(v.Floats, cur.Floats)
	copy(v.Ints, cur.Ints)
	copy(v.Bools, cur.Bools)
	copy(v.Strings, cur.Strings)
	return v
}

// fieldError says why field f has no column of kind k.
func (c *columnsCell) fieldError(f int, k Kind) error {
	if f < 0 || f >= len(c.fields) {
		if len(c.fields) == 0 {
			return fmt.Errorf("state variable %q has no field %d; its records have no fields", c.name, f)
		}
		return fmt.Errorf("state variable %q has no field %d; its fields are 0..%d", c.name, f, len(c.fields)-1)
	}
	fi := c.fields[f]
	return fmt.Errorf("state variable %q: field %d (%q) is a %s field, not a %s field", c.name, f, fi.Name, fi.Kind, k)
}
