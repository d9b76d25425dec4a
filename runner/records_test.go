package runner_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/models"
	"github.com/statecraft/statecraft/runner"
)

// Holder is the Go record of test_records_structs; test_records_columns
// declares the same fields as data (gds.Builder.Records).
type Holder struct {
	Tokens float64
	Trades int64
	Staked bool
	Kind   string
}

var holderFields = []gds.RecordField{
	{Name: "tokens", Kind: gds.KindFloat},
	{Name: "trades", Kind: gds.KindInt},
	{Name: "staked", Kind: gds.KindBool},
	{Name: "kind", Kind: gds.KindString},
}

var registerRecordsOnce sync.Once

// registerRecordModels registers the same model twice, with AgentsOf
// (test_records_structs) and with Records (test_records_columns): holders
// that trade at random, join at most timesteps and leave every 4th
// timestep when they hold little, and are counted in a second PSUB. Both
// draw the same random numbers in the same order.
func registerRecordModels(t testing.TB) {
	registerRecordsOnce.Do(func() {
		for _, byColumn := range []bool{false, true} {
			name := "test_records_structs"
			if byColumn {
				name = "test_records_columns"
			}
			err := models.Register(models.Entry{Name: name, Doc: "holders, as structs or columns", Build: func() (*gds.Model, error) {
				b := gds.NewBuilder(name)
				staked := b.Int("staked", 0)
				join := b.ParamInt("join", 1)
				var trade, count gds.Block
				if byColumn {
					pop := b.Records("holders", holderFields, gds.MakeColumns(holderFields, 0))
					trade = pop.Update(func(c *gds.Ctx, next *gds.Columns) {
						tok, n, st := next.Floats[0], next.Ints[1], next.Bools[2]
						for i := range next.N {
							if c.Rand.Float64() < 0.5 {
								tok[i] += c.Rand.NormFloat64()
								n[i]++
								st[i] = tok[i] > 1
							}
						}
						if c.T%4 == 0 {
							next.Keep(func(i int) bool { return tok[i] > 0 })
						}
						for k := int64(0); k < join.Get(c); k++ {
							next.Resize(next.N + 1)
							next.Floats[0][next.N-1] = c.Rand.Float64()
							next.Strings[3][next.N-1] = fmt.Sprintf("s%d-t%d-%d", c.Subset, c.T, k)
						}
					})
					count = staked.Update(func(c *gds.Ctx) int64 {
						s := int64(0)
						for _, on := range pop.Bools(c, 2) {
							if on {
								s++
							}
						}
						return s
					})
				} else {
					pop := gds.AgentsOf(b, "holders", []Holder{})
					trade = pop.Update(func(c *gds.Ctx, dst []Holder) []Holder {
						for _, h := range pop.Get(c) {
							if c.Rand.Float64() < 0.5 {
								h.Tokens += c.Rand.NormFloat64()
								h.Trades++
								h.Staked = h.Tokens > 1
							}
							if c.T%4 != 0 || h.Tokens > 0 {
								dst = append(dst, h)
							}
						}
						for k := int64(0); k < join.Get(c); k++ {
							dst = append(dst, Holder{Tokens: c.Rand.Float64(), Kind: fmt.Sprintf("s%d-t%d-%d", c.Subset, c.T, k)})
						}
						return dst
					})
					count = staked.Update(func(c *gds.Ctx) int64 {
						s := int64(0)
						for _, h := range pop.Get(c) {
							if h.Staked {
								s++
							}
						}
						return s
					})
				}
				b.PSUB("trade", trade)
				b.PSUB("count", count)
				return b.Build()
			}})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}

const recordsConfig = `
model = "%s"
timesteps = 15
runs = 3
seed = 11
[params]
join = [0, 2]
[initial_state]
holders = [{ tokens = 1.5, kind = "founder", staked = true }, { tokens = 0.5, trades = 3 }]
`

// TestRecordsTables: a model whose agents are Records writes the same
// agent table (and substep table) as the same model written with AgentsOf,
// in the table layout (Parquet and Arrow) and the list layout, with the
// initial records taken from the config's list of tables.
func TestRecordsTables(t *testing.T) {
	registerRecordModels(t)
	for _, sets := range [][]string{
		{"output.format=parquet"},
		{"output.format=arrow", "output.row_group_rows=7"},
		{"output.format=parquet", "output.agents=list"},
		{"output.format=parquet", "output.drop_substeps=true"},
	} {
		t.Run(fmt.Sprint(sets), func(t *testing.T) {
			var got [2]struct{ rows, table [][]any }
			var cols [2]struct{ main, table []string }
			for i, model := range []string{"test_records_structs", "test_records_columns"} {
				dir := t.TempDir()
				if _, err := runner.Run(t.Context(), plan(t, parse(t, fmt.Sprintf(recordsConfig, model), sets...)), runner.Options{Dir: dir, Workers: 2}); err != nil {
					t.Fatal(err)
				}
				ds := readSorted(t, dir)
				got[i].rows, cols[i].main = ds.Rows, ds.Columns
				if tab := ds.Tables["holders"]; tab != nil {
					tab.Sort(6)
					got[i].table, cols[i].table = tab.Rows, tab.Columns
				}
			}
			if !reflect.DeepEqual(cols[0], cols[1]) {
				t.Fatalf("columns differ: AgentsOf %v, Records %v", cols[0], cols[1])
			}
			list := len(sets) > 1 && sets[1] == "output.agents=list"
			if list != (got[0].table == nil) {
				t.Fatalf("agent table %v with %v", got[0].table != nil, sets)
			}
			if want := []string{"simulation", "subset", "run", "timestep", "substep", "agent", "tokens", "trades", "staked", "kind"}; !list && !reflect.DeepEqual(cols[1].table, want) {
				t.Errorf("agent table columns %v; want %v", cols[1].table, want)
			}
			if !reflect.DeepEqual(got[0].rows, got[1].rows) {
				t.Errorf("substep rows differ (%d and %d rows)", len(got[0].rows), len(got[1].rows))
			}
			if len(got[1].table) < 100 && !list {
				t.Errorf("only %d agent rows", len(got[1].table))
			}
			for i := range max(len(got[0].table), len(got[1].table)) {
				if i >= len(got[0].table) || i >= len(got[1].table) || !reflect.DeepEqual(got[0].table[i], got[1].table[i]) {
					t.Fatalf("agent tables differ at row %d (%d and %d rows)", i, len(got[0].table), len(got[1].table))
				}
			}
			if first := got[1].table; !list && (first[0][6] != 1.5 || first[0][9] != "founder" || first[0][8] != true || first[1][7] != int64(3)) {
				t.Errorf("the first records %v, %v are not the config's initial state", first[0], first[1])
			}
		})
	}
}
