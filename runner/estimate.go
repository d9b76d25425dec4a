package runner

import (
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"strconv"
	"strings"

	"github.com/statecraft/statecraft/gds"
)

// Estimate is what a run of a plan (or of one shard of it) will take,
// worked out from the plan alone before any job runs. Every figure is
// counted with overflow-checked arithmetic: one too large for an int64 is
// math.MaxInt64, which String shows as "more than ...".
type Estimate struct {
	Jobs int64 // jobs of the shard
	Rows int64 // rows of the substep table
	// AgentRows are the rows of the agent tables, from the populations'
	// initial sizes.
	AgentRows int64
	// RowBytes is the size of one substep row, uncompressed.
	RowBytes int64
	// Output is an upper bound of the dataset's size: every value
	// uncompressed, as it sits in a column batch (Parquet's encodings and
	// compression make the files smaller, often 2-20x).
	Output int64
	// Workers is the pool's size: at most one worker per job.
	Workers int
	// Batch is one worker's column batch at its fullest: row_group_rows
	// rows, or maxBatchCells values when rows hold vectors or agents.
	Batch int64
	// RowGroup is one worker's open row groups at their fullest, the
	// substep table's and each agent table's: their pages wait in
	// memory until the group has row_group_rows rows or 64 MiB of pages,
	// so a group holds up to row_group_rows-1 rows, or 64 MiB, and one
	// more batch. Counted as values uncompressed, an upper bound (a chunk
	// that compression does not shorten is written raw).
	RowGroup int64
	// State is one worker's engine state: vectors and agent populations
	// (from their initial sizes, double-buffered, with their lags).
	State int64
	// KPIs is what the finished jobs' KPIs take, held until the run ends
	// for the KPI table and the decisions: 8 bytes a KPI a job, and a row
	// of the decisions' table (DecisionRowBytes) a job when the run draws
	// them (not a shard of several: the merge does), counted twice: they
	// are on the Go heap, which the collector lets grow to twice what is
	// live (GOGC=100).
	KPIs int64
	// Memory is the peak estimate of the whole process:
	// BaseMemory + KPIs + Workers × (Batch + RowGroup + State + WriterMemory).
	Memory int64
	// Biggest is what most of a worker's memory goes to: "batch" (the
	// rows held before they are written), "row group" (the pages held
	// until their row group is written) or a state variable's name.
	Biggest string
}

// BaseMemory is the memory a run takes whatever its size: the program, the
// Go runtime, the plan (an estimate).
const BaseMemory = 32 << 20

// DecisionRowBytes is a job's row of the table the decisions are drawn
// from (decide.Row).
const DecisionRowBytes = 72

// WriterMemory is what one worker's open part files hold besides the batch
// and the open row groups: buffers and compression (an estimate).
const WriterMemory = 4 << 20

// Estimate works out the resources of shard shard of shards (shards <= 1:
// the whole plan) run by workers workers (<= 0: the config's).
func (p *Plan) Estimate(workers, shard, shards int) Estimate {
	if workers <= 0 {
		workers = p.Config.Workers
	}
	if shards < 1 {
		shard, shards = 0, 1
	}
	jobs := int64(p.ShardJobs(shard, shards).Len())
	e := Estimate{Jobs: jobs, Workers: int(max(1, min(int64(workers), jobs)))}
	e.Rows = mulSat(jobs, int64(p.RowsPerRun))

	// One substep row: the ids (simulation, subset, run, substep int32;
	// timestep int64), the swept values, the variables.
	perRow := int64(4*4 + 8) // bytes
	cells := int64(5)        // values in a batch
	for _, pc := range p.ParamCols {
		perRow += kindBytes(pc.Kind)
		cells++
	}
	for _, v := range p.InitCols {
		perRow += kindBytes(v.Kind)
		cells++
	}
	table := p.AgentsTable()
	var agentRowBytes int64                          // bytes of the agent tables per substep row
	var agentsPerRow int64                           // rows of the agent tables per substep row
	type agentTable struct{ perRow, rowBytes int64 } // agents per substep row, bytes per agent row
	var agentTables []agentTable
	var state int64
	var biggestState int64
	for _, v := range p.Sims[0].Model.Vars() {
		n := p.initialSize(v) // elements of a vector, agents of a population
		var s int64           // bytes of the variable in an engine
		switch v.Kind {
		case gds.KindVec:
			s = mulSat(mulSat(n, 8), int64(2+v.Lags))
		case gds.KindAgents:
			s = mulSat(mulSat(n, recordBytes(v.Fields)), 2)
		}
		state = addSat(state, s)
		if s > biggestState {
			biggestState, e.Biggest = s, v.Name
		}
	}
	for _, v := range p.Vars {
		n := p.initialSize(v)
		switch {
		case v.Kind == gds.KindGraph:
			// node and edge tables every graph_every timesteps: not estimated
		case v.Kind == gds.KindAgents && table:
			// a row per agent: the substep row's ids, agent int32, the fields
			rb := 4*5 + 8 + recordBytes(v.Fields)
			agentRowBytes = addSat(agentRowBytes, mulSat(n, rb))
			agentsPerRow = addSat(agentsPerRow, n)
			agentTables = append(agentTables, agentTable{n, rb})
			cells = addSat(cells, mulSat(n, int64(5+1+len(v.Fields))))
		case v.Kind == gds.KindAgents:
			perRow = addSat(perRow, addSat(4, mulSat(n, recordBytes(v.Fields))))
			cells = addSat(cells, mulSat(n, int64(len(v.Fields))))
		case v.Kind == gds.KindVec:
			perRow = addSat(perRow, addSat(4, mulSat(n, 8)))
			cells = addSat(cells, n)
		default:
			perRow += kindBytes(v.Kind)
			cells++
		}
	}
	e.RowBytes = perRow
	agentRows := e.Rows // substep rows that carry agent records
	if k := p.Config.Output.AgentsEvery; k > 0 {
		// timestep 0, every k-th and the last
		agentRows = min(e.Rows, mulSat(jobs, int64(p.Config.Timesteps/k)+2))
	}
	e.AgentRows = mulSat(agentRows, agentsPerRow)
	e.Output = addSat(mulSat(e.Rows, perRow), mulSat(agentRows, agentRowBytes))

	// A batch flushes at batchRows rows or maxBatchCells values, and
	// holds at least one row.
	rows := min(int64(batchRows(p.Config.Output.RowGroupRows)), max(e.Rows, 1))
	batchCells := max(cells, min(mulSat(rows, cells), maxBatchCells))
	e.Batch = mulSat(batchCells, 8)
	e.State = state

	// The open row groups: up to row_group_rows-1 rows and one more
	// record, a batch (the agent tables' records hold up to a batch's
	// rows of agents), and no more rows than the shard writes; or, since
	// a group also ends once its pages reach rowGroupBytes, at most that
	// and one more record.
	groupRows := int64(max(p.Config.Output.RowGroupRows, 1)) - 1
	e.RowGroup = min(mulSat(min(groupRows+rows, max(e.Rows, 1)), perRow), addSat(rowGroupBytes, e.Batch))
	for _, t := range agentTables {
		chunk := int64(batchRows(p.Config.Output.RowGroupRows))
		n := min(groupRows+chunk, mulSat(agentRows, t.perRow))
		e.RowGroup = addSat(e.RowGroup, min(mulSat(n, t.rowBytes), addSat(rowGroupBytes, mulSat(chunk, t.rowBytes))))
	}
	if e.Batch >= biggestState && e.Batch >= e.RowGroup {
		e.Biggest = "batch"
	} else if e.RowGroup >= biggestState && e.RowGroup > e.Batch {
		e.Biggest = "row group"
	}
	perWorker := addSat(addSat(addSat(e.Batch, e.RowGroup), e.State), WriterMemory)
	if k := int64(len(p.KPIs)); k > 0 {
		perJob := 8 * k
		if shards == 1 {
			perJob += DecisionRowBytes
		}
		e.KPIs = mulSat(mulSat(jobs, perJob), 2)
	}
	e.Memory = addSat(addSat(BaseMemory, e.KPIs), mulSat(int64(e.Workers), perWorker))
	return e
}

// initialSize is the largest initial length of a vector variable, or
// number of agents of a population, over the plan's sweep points.
func (p *Plan) initialSize(v gds.VarInfo) int64 {
	var n int64
	for i := range p.Sims {
		s := &p.Sims[i]
		for k := range s.Inits {
			val, ok := s.Inits[k].Get(v.Name)
			if !ok {
				continue
			}
			switch x := val.(type) {
			case []float64:
				n = max(n, int64(len(x)))
			case gds.Columns:
				n = max(n, int64(x.N))
			default:
				if r := reflect.ValueOf(val); r.Kind() == reflect.Slice {
					n = max(n, int64(r.Len()))
				}
			}
		}
	}
	return n
}

// kindBytes is the size of a scalar value of kind k in a column batch (a
// string counts its header, 16 bytes, and as much text).
func kindBytes(k gds.Kind) int64 {
	switch k {
	case gds.KindBool:
		return 1
	case gds.KindString:
		return 32
	}
	return 8
}

// recordBytes is the size of one agent record of the given fields.
func recordBytes(fs []gds.FieldInfo) int64 {
	var n int64
	for _, f := range fs {
		n += kindBytes(f.Kind)
	}
	return max(n, 1)
}

// mulSat returns a*b for a, b >= 0, or math.MaxInt64 if it overflows.
func mulSat(a, b int64) int64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(lo)
}

// addSat returns a+b for a, b >= 0, or math.MaxInt64 if it overflows.
func addSat(a, b int64) int64 {
	s, carry := bits.Add64(uint64(a), uint64(b), 0)
	if carry != 0 || s > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(s)
}

// ResourceLimits are the most memory and output a run may take: a run
// whose Estimate exceeds one is refused before it starts. A limit of 0 is
// not checked.
type ResourceLimits struct {
	Memory int64
	// MemoryFrom says where Memory comes from, for the error: "--max-memory",
	// "80% of physical memory (23.5 GiB)".
	MemoryFrom string
	Output     int64
	OutputFrom string
}

// ResourceError is a run refused because its estimate exceeds a limit.
type ResourceError struct {
	What  string // "memory" or "output"
	Need  int64  // the estimate
	Limit int64
	From  string // where the limit comes from
	Key   string // the config key that makes the estimate large
	Hint  string // what to change
}

func (e *ResourceError) Error() string {
	key := ""
	if e.Key != "" {
		key = fmt.Sprintf("key %q: ", e.Key)
	}
	return fmt.Sprintf("%sthe run needs an estimated %s of %s, more than %s (%s); %s",
		key, e.What, Bytes(e.Need), Bytes(e.Limit), e.From, e.Hint)
}

// Check returns a *ResourceError if the estimate exceeds a limit.
func (e Estimate) Check(p *Plan, l ResourceLimits) error {
	x := p.Config
	if l.Memory > 0 && e.Memory > l.Memory {
		err := &ResourceError{What: "memory", Need: e.Memory, Limit: l.Memory, From: l.MemoryFrom}
		switch {
		case e.KPIs > e.Memory/2:
			err.Key = "runs"
			err.Hint = fmt.Sprintf("the KPIs of its %d jobs take %s until the run ends (%d KPIs a job, and the decisions' table): run fewer runs or sweep points, or shard the run (--shard), whose merge draws the decisions",
				e.Jobs, Bytes(e.KPIs), len(p.KPIs))
		case e.Memory-BaseMemory <= BaseMemory:
			err.Hint = fmt.Sprintf("a run takes about %s whatever its size, and %s here for its %s", Bytes(BaseMemory), Bytes(e.Memory-BaseMemory), plural(e.Workers, "worker"))
		case e.Biggest == "batch":
			err.Key = "output.row_group_rows"
			err.Hint = fmt.Sprintf("%s each hold a batch of %s (output.row_group_rows = %d): lower it, or run fewer workers (--workers)",
				plural(e.Workers, "worker"), Bytes(e.Batch), x.Output.RowGroupRows)
		case e.Biggest == "row group":
			err.Key = "output.row_group_rows"
			err.Hint = fmt.Sprintf("%s each hold up to %s of pages until their row group has output.row_group_rows = %d rows: lower it, or run fewer workers (--workers)",
				plural(e.Workers, "worker"), Bytes(e.RowGroup), x.Output.RowGroupRows)
		default:
			err.Key = "initial_state." + e.Biggest
			err.Hint = fmt.Sprintf("state variable %q holds most of the %s of state each of the %s keeps (from its initial size): make it smaller (its initial value, or the parameters that size it), or run fewer workers (--workers)",
				e.Biggest, Bytes(e.State), plural(e.Workers, "worker"))
		}
		err.Hint += "; or raise --max-memory (off: no check)"
		return err
	}
	if l.Output > 0 && e.Output > l.Output {
		err := &ResourceError{What: "output", Need: e.Output, Limit: l.Output, From: l.OutputFrom, Key: "runs"}
		if x.Runs <= 1 && len(p.Sims[0].Points) <= 1 {
			err.Key = "timesteps"
		}
		err.Hint = fmt.Sprintf("%s rows × %s (an upper bound: the values uncompressed) from %d jobs (runs = %d) of %d rows (timesteps = %d): run fewer runs, timesteps or sweep points, record less (output.every, output.drop_substeps, output.final_only, output.variables), or raise --max-output (off: no check)",
			Count(e.Rows), Bytes(e.RowBytes), e.Jobs, x.Runs, p.RowsPerRun, x.Timesteps)
		return err
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// Count writes a count, or "more than 9223372036854775806" when it is
// saturated.
func Count(n int64) string {
	if n == math.MaxInt64 {
		return "more than " + strconv.FormatInt(math.MaxInt64-1, 10)
	}
	return strconv.FormatInt(n, 10)
}

// Bytes writes a size in B, KiB, MiB, GiB, TiB, PiB or EiB.
func Bytes(n int64) string {
	if n == math.MaxInt64 {
		return "more than 8 EiB"
	}
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	f, u := float64(n), 0
	for f >= 1024 && u < len(units)-1 {
		f /= 1024
		u++
	}
	if u == 0 {
		return strconv.FormatInt(n, 10) + " B"
	}
	return strings.TrimSuffix(strconv.FormatFloat(f, 'f', 1, 64), ".0") + " " + units[u]
}
