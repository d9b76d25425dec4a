package runner_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/runner"
)

// TestEstimate: rows, output and memory worked out from the plan, with
// overflow saturating at math.MaxInt64 instead of wrapping.
func TestEstimate(t *testing.T) {
	dir := t.TempDir()
	vecModel := filepath.Join(dir, "vec.toml")
	init := strings.TrimSuffix(strings.Repeat("1.0, ", 1000), ", ")
	if err := os.WriteFile(vecModel, []byte("name = \"vec\"\n[variables]\nx = 1.0\nv = { type = \"vector\", initial = ["+init+"], lags = 1 }\n[[psubs]]\nname = \"p\"\n[psubs.updates]\nx = \"x + 1.0\"\nv = \"v*2.0\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pp := "model = \"predator_prey\"\ntimesteps = 1000\nworkers = 2\n[params]\nalpha = [1.0, 1.1, 1.2]\n"
	for _, c := range []struct {
		name          string
		config        string
		sets          []string
		shard, shards int
		want          runner.Estimate // the fields compared: Jobs, Rows, RowBytes, Output, Workers, Batch, RowGroup, State, KPIs
	}{
		// a row group holds up to row_group_rows-1 (65535) rows and one more batch (16384 rows)
		{"predator_prey", pp, []string{"runs=8"}, 0, 1,
			runner.Estimate{Jobs: 24, Rows: 24024, RowBytes: 48, Output: 24024 * 48, Workers: 2, Batch: 16384 * 8 * 8, RowGroup: 24024 * 48}},
		{"a shard", pp, []string{"runs=8"}, 1, 5,
			runner.Estimate{Jobs: 5, Rows: 5005, RowBytes: 48, Output: 5005 * 48, Workers: 2, Batch: 5005 * 8 * 8, RowGroup: 5005 * 48}},
		{"one job, fewer workers", pp, []string{"runs=1", "params.alpha=1.0"}, 0, 1,
			runner.Estimate{Jobs: 1, Rows: 1001, RowBytes: 40, Output: 1001 * 40, Workers: 1, Batch: 1001 * 7 * 8, RowGroup: 1001 * 40}},
		{"a vector of 1000, many rows", "model = \"" + vecModel + "\"\ntimesteps = 100000\nworkers = 2\n", nil, 0, 1,
			runner.Estimate{Jobs: 1, Rows: 100001, RowBytes: 24 + 8 + 4 + 8000, Output: 100001 * (24 + 8 + 4 + 8000), Workers: 1, Batch: 1 << 20 * 8,
				RowGroup: 64<<20 + 1<<20*8, State: 1000 * 8 * 3}}, // the batch: 2^20 values
		{"a billion runs", pp, []string{"runs=1000000000"}, 0, 1,
			runner.Estimate{Jobs: 3e9, Rows: 3e9 * 1001, RowBytes: 48, Output: 3e9 * 1001 * 48, Workers: 2, Batch: 16384 * 8 * 8, RowGroup: (65535 + 16384) * 48}},
		{"smaller row groups", pp, []string{"runs=1000", "output.row_group_rows=1000"}, 0, 1,
			runner.Estimate{Jobs: 3000, Rows: 3000 * 1001, RowBytes: 48, Output: 3000 * 1001 * 48, Workers: 2, Batch: 1000 * 8 * 8, RowGroup: 1999 * 48}},
		{"rows past an int64", pp, []string{"runs=2147483647", "timesteps=4000000000000000000"}, 0, 1,
			runner.Estimate{Jobs: 3 * math.MaxInt32, Rows: math.MaxInt64, RowBytes: 48, Output: math.MaxInt64, Workers: 2, Batch: 16384 * 8 * 8, RowGroup: (65535 + 16384) * 48}},
		{"a vector of 1000", "model = \"" + vecModel + "\"\ntimesteps = 10\nworkers = 2\n", nil, 0, 1,
			runner.Estimate{Jobs: 1, Rows: 11, RowBytes: 24 + 8 + 4 + 8000, Output: 11 * (24 + 8 + 4 + 8000), Workers: 1, Batch: 11 * 1006 * 8,
				RowGroup: 11 * (24 + 8 + 4 + 8000), State: 1000 * 8 * 3}},
		// 3 KPIs of 8 bytes and a decisions' row a job, twice (the heap's
		// room); a shard's decisions are the merge's
		{"KPIs", pp + "[kpis]\na = { of = \"prey\" }\nb = { of = \"prey\", stat = \"max\" }\nc = { of = \"predator\" }\n", []string{"runs=8"}, 0, 1,
			runner.Estimate{Jobs: 24, Rows: 24024, RowBytes: 48, Output: 24024 * 48, Workers: 2, Batch: 16384 * 8 * 8, RowGroup: 24024 * 48,
				KPIs: 2 * 24 * (3*8 + runner.DecisionRowBytes)}},
		{"KPIs of a shard", pp + "[kpis]\na = { of = \"prey\" }\nb = { of = \"prey\", stat = \"max\" }\nc = { of = \"predator\" }\n", []string{"runs=8"}, 1, 5,
			runner.Estimate{Jobs: 5, Rows: 5005, RowBytes: 48, Output: 5005 * 48, Workers: 2, Batch: 5005 * 8 * 8, RowGroup: 5005 * 48, KPIs: 2 * 5 * 3 * 8}},
		// 100 agents of 24 bytes, in a table of rows of 28 bytes of ids and
		// the agent's fields: the agent table's open group has up to 999
		// rows and a batch of 1000 agents
		{"an agent table", "model = \"bench_abm\"\ntimesteps = 100\n[output]\nagents = \"table\"\nrow_group_rows = 1000\n", nil, 0, 1,
			runner.Estimate{Jobs: 1, Rows: 101, RowBytes: 32, Output: 101*32 + 101*100*(28+24), Workers: 1, Batch: 101 * (6 + 100*9) * 8,
				RowGroup: 101*32 + 1999*(28+24), State: 100 * 24 * 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := plan(t, parse(t, c.config, c.sets...))
			e := p.Estimate(0, c.shard, c.shards)
			got := runner.Estimate{Jobs: e.Jobs, Rows: e.Rows, RowBytes: e.RowBytes, Output: e.Output, Workers: e.Workers, Batch: e.Batch, RowGroup: e.RowGroup, State: e.State, KPIs: e.KPIs}
			if got != c.want {
				t.Errorf("estimate %+v\n  want %+v", got, c.want)
			}
			if want := runner.BaseMemory + e.KPIs + int64(e.Workers)*(e.Batch+e.RowGroup+e.State+runner.WriterMemory); e.Memory != want {
				t.Errorf("memory %d, want %d", e.Memory, want)
			}
		})
	}
}

// TestEstimateCheck: a run whose estimate exceeds a limit is refused with
// an error naming the key that makes it large and the limit's source.
func TestEstimateCheck(t *testing.T) {
	pp := "model = \"predator_prey\"\ntimesteps = 1000\nworkers = 2\n[params]\nalpha = [1.0, 1.1, 1.2]\n"
	for _, c := range []struct {
		name   string
		sets   []string
		limits runner.ResourceLimits
		want   string // "": accepted
		extra  string // more of the config
	}{
		{"within", []string{"runs=8"}, runner.ResourceLimits{Memory: 1 << 30, Output: 1 << 30}, "", ""},
		{"no limits", []string{"runs=1000000000"}, runner.ResourceLimits{}, "", ""},
		{"output over", []string{"runs=1000000000"}, runner.ResourceLimits{Output: 1 << 40, OutputFrom: "--max-output"},
			`key "runs": the run needs an estimated output of 131.1 TiB, more than 1 TiB (--max-output); 3003000000000 rows × 48 B`, ""},
		{"output past an int64", []string{"runs=2147483647", "timesteps=4000000000000000000"}, runner.ResourceLimits{Output: 1 << 40, OutputFrom: "--max-output"},
			`key "runs": the run needs an estimated output of more than 8 EiB, more than 1 TiB (--max-output); more than 9223372036854775806 rows × 48 B`, ""},
		{"one long run", []string{"runs=1", "params.alpha=1.0", "timesteps=100000000"}, runner.ResourceLimits{Output: 1 << 30, OutputFrom: "90% of the disk"},
			`key "timesteps": the run needs an estimated output of 3.7 GiB, more than 1 GiB (90% of the disk)`, ""},
		{"memory over", []string{"runs=8"}, runner.ResourceLimits{Memory: 10 << 20, MemoryFrom: "--max-memory"},
			`the run needs an estimated memory of 44.2 MiB, more than 10 MiB (--max-memory); a run takes about 32 MiB whatever its size`, ""},
		// a row group holds at most 64 MiB of pages and one more batch
		{"row groups over", []string{"runs=100000", "output.row_group_rows=10000000"}, runner.ResourceLimits{Memory: 100 << 20, MemoryFrom: "--max-memory"},
			`key "output.row_group_rows": the run needs an estimated memory of 172 MiB, more than 100 MiB (--max-memory); 2 workers each hold up to 65 MiB of pages until their row group has output.row_group_rows = 10000000 rows: lower it, or run fewer workers (--workers)`, ""},
		{"KPIs over", []string{"runs=10000000", "output.final_only=true"}, runner.ResourceLimits{Memory: 1 << 30, MemoryFrom: "--max-memory"},
			`key "runs": the run needs an estimated memory of 5 GiB, more than 1 GiB (--max-memory); the KPIs of its 30000000 jobs take 4.9 GiB until the run ends (2 KPIs a job, and the decisions' table): run fewer runs or sweep points, or shard the run (--shard)`,
			"[kpis]\na = { of = \"prey\" }\nb = { of = \"predator\" }\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := plan(t, parse(t, pp+c.extra, c.sets...))
			err := p.Estimate(0, 0, 1).Check(p, c.limits)
			if c.want == "" {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				return
			}
			var re *runner.ResourceError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v\n  want %q", err, c.want)
			}
		})
	}
}
