package modelfile_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// daoModel: members join in waves of 10, 40% degens with 100 dDT and 60%
// casual users with 50; casual users pay the pie 1 dDT a step (or what
// they hold), degens earn a credit; the pie pays out half of what it
// holds to the degens, equally.
const daoModel = `
name = "dao"
[variables]
paid_out = 0.0
[params]
wave = 10
[tokens]
ddt = "dataDAO token"
[agents.pie]
wallet = { ddt = 0.0 }
[populations.members]
doc = "the DAO's members"
fields = { type = "", joined = 0, credits = 0.0 }
wallet = { ddt = 0.0 }

[[psubs]]
name = "entry"
  [psubs.join.members]
  count = "ifelse((t - 1) % 5 == 0, wave, 0)"
  set = { joined = "t" }
  [psubs.join.members.types.degen]
  share = 0.4
  ddt = 100.0
  [psubs.join.members.types.casual]
  share = 0.6
  ddt = 50.0

[[psubs]]
name = "spend"
  [[psubs.transfers]]
  token = "ddt"
  from = "members"
  to = "pie"
  amount = "ifelse(type == \"casual\", min(1.0, ddt), 0.0)"
  [psubs.each.members]
  credits = "credits + ifelse(type == \"degen\", 1.0, 0.0)"

[[psubs]]
name = "payout"
  [[psubs.transfers]]
  token = "ddt"
  from = "pie"
  to = "members"
  amount = "ifelse(type == \"degen\", pie.ddt * 0.5 / max(sum(over(members, type == \"degen\")), 1.0), 0.0)"
  [psubs.updates]
  paid_out = "paid_out + pie.ddt * 0.5"
`

// member is one agent's record at a row.
type member struct {
	id, joined int64
	typ        string
	credits    float64
	ddt        float64
}

// popRows runs a model and returns, at every row, the float variables and
// the records of the population pop (fields id, type, joined, credits,
// ddt by name).
func popRows(t *testing.T, m *gds.Model, steps int, pop string) ([]map[string]float64, [][]member) {
	t.Helper()
	var info gds.VarInfo
	for _, v := range m.Vars() {
		if v.Name == pop {
			info = v
		}
	}
	field := map[string]int{}
	for k, f := range info.Fields {
		field[f.Name] = k
	}
	var scal []map[string]float64
	var recs [][]member
	rec := recFunc(func(r *gds.Row) {
		row := map[string]float64{}
		for _, v := range m.Vars() {
			if v.Kind == gds.KindFloat {
				row[v.Name] = r.Floats()[v.Slot]
			}
		}
		scal = append(scal, row)
		ids := r.AppendAgentInts(nil, info.Slot, field["id"])
		ms := make([]member, len(ids))
		for k := range ms {
			ms[k].id = ids[k]
		}
		for k, v := range r.AppendAgentInts(nil, info.Slot, field["joined"]) {
			ms[k].joined = v
		}
		for k, v := range r.AppendAgentStrings(nil, info.Slot, field["type"]) {
			ms[k].typ = v
		}
		for k, v := range r.AppendAgentFloats(nil, info.Slot, field["credits"]) {
			ms[k].credits = v
		}
		for k, v := range r.AppendAgentFloats(nil, info.Slot, field["ddt"]) {
			ms[k].ddt = v
		}
		recs = append(recs, ms)
	})
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: steps}, rec); err != nil {
		t.Fatal(err)
	}
	return scal, recs
}

// TestPopulation: agents join in waves keeping the types' shares, with
// their type's balances minted; per-agent updates and transfers act on
// every agent; the ledger holds: Σ balances = minted at every row.
func TestPopulation(t *testing.T) {
	m, err := modelfile.Parse("dao.toml", []byte(daoModel))
	if err != nil {
		t.Fatal(err)
	}
	scal, recs := popRows(t, m, 12, "members")
	// rows: 0, then 3 per timestep
	at := func(ts, sub int) int { return 3*(ts-1) + sub }
	// timestep 1, entry: 10 members, 4 degens and 6 casual users
	first := recs[at(1, 1)]
	if len(first) != 10 {
		t.Fatalf("%d members after the first wave, want 10", len(first))
	}
	n := map[string]int{}
	for k, a := range first {
		n[a.typ]++
		want := map[string]float64{"degen": 100, "casual": 50}[a.typ]
		if a.id != int64(k+1) || a.joined != 1 || a.ddt != want || a.credits != 0 {
			t.Errorf("member %d: %+v, want id %d, joined 1, %v dDT", k, a, k+1, want)
		}
	}
	if n["degen"] != 4 || n["casual"] != 6 {
		t.Errorf("first wave: %v, want 4 degens and 6 casual users", n)
	}
	if got := scal[at(1, 1)]["ddt_minted"]; got != 700 {
		t.Errorf("minted %v at the first wave, want 4×100 + 6×50 = 700", got)
	}
	// spend: each casual user pays 1 (6 in all); degens earn a credit
	if got := scal[at(1, 2)]["pie_ddt"]; got != 6 {
		t.Errorf("the pie holds %v after the first spend, want 6", got)
	}
	for _, a := range recs[at(1, 2)] {
		wantDDT, wantCredits := 49.0, 0.0
		if a.typ == "degen" {
			wantDDT, wantCredits = 100, 1
		}
		if a.ddt != wantDDT || a.credits != wantCredits {
			t.Errorf("after spend: %+v, want %v dDT, %v credits", a, wantDDT, wantCredits)
		}
	}
	// payout: half of 6 to 4 degens, 0.75 each
	for _, a := range recs[at(1, 3)] {
		if a.typ == "degen" && a.ddt != 100.75 {
			t.Errorf("after payout: degen %+v, want 100.75 dDT", a)
		}
	}
	// timestep 6: the second wave keeps the shares: 8 degens, 12 casual
	n = map[string]int{}
	for _, a := range recs[at(6, 1)] {
		n[a.typ]++
	}
	if n["degen"] != 8 || n["casual"] != 12 || recs[at(6, 1)][19].id != 20 || recs[at(6, 1)][19].joined != 6 {
		t.Errorf("after the second wave: %v, last %+v", n, recs[at(6, 1)][19])
	}
	for k := range scal {
		sum := scal[k]["pie_ddt"]
		for _, a := range recs[k] {
			if a.ddt < 0 {
				t.Fatalf("row %d: member %+v holds less than nothing", k, a)
			}
			sum += a.ddt
		}
		if math.Abs(sum-scal[k]["ddt_minted"]) > 1e-9 || math.Abs(scal[k]["ddt_supply"]-sum) > 1e-9 {
			t.Fatalf("row %d: Σ dDT %v, minted %v, supply %v", k, sum, scal[k]["ddt_minted"], scal[k]["ddt_supply"])
		}
	}
}

// TestPopulationAggregates: the model's expressions read every agent's
// numeric field as a vector (members.ddt) and aggregate any per-agent
// expression with over.
func TestPopulationAggregates(t *testing.T) {
	text := strings.Replace(daoModel, "paid_out = 0.0", `paid_out = 0.0
total = 0.0
casuals = 0.0
gini = 0.0
mean_id = 0.0`, 1)
	text += `
[[psubs]]
name = "measure"
  [psubs.updates]
  total = "sum(members.ddt)"
  casuals = "sum(over(members, type == \"casual\" && agent >= 0))"
  gini = "gini(members.ddt)"
  mean_id = "mean(over(members, id - agent))"
`
	m, err := modelfile.Parse("dao.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	scal, recs := popRows(t, m, 7, "members")
	for k := 4; k < len(scal); k += 4 { // the rows after measure
		var total, casuals, ids float64
		for _, a := range recs[k-1] { // measure reads the records before it
			total += a.ddt
			ids += float64(a.id)
			if a.typ == "casual" {
				casuals++
			}
		}
		r := scal[k]
		// ids are 1, 2, ... in order: id − agent is 1
		if math.Abs(r["total"]-total) > 1e-9 || r["casuals"] != casuals || r["mean_id"] != 1 || !(r["gini"] > 0 && r["gini"] < 1) || ids == 0 {
			t.Errorf("row %d: total %v (want %v), casuals %v (want %v), mean id %v, gini %v", k, r["total"], total, r["casuals"], casuals, r["mean_id"], r["gini"])
		}
	}
}

// TestPopulationErrors: a bad population is an error at its key.
func TestPopulationErrors(t *testing.T) {
	head := "[variables]\nx = 0.0\n[tokens]\nddt = \"d\"\n[agents.pie]\nwallet = { ddt = 0.0 }\n[populations.members]\nfields = { kind = \"\", n = 0 }\nwallet = { ddt = 0.0 }\n[[psubs]]\nname = \"p\"\n"
	for _, c := range []struct{ name, text, want string }{
		{"unknown population in join", head + "[psubs.join.memebrs]\ncount = \"1\"\n", `key "psubs.0.join.memebrs": "memebrs" is not a population (did you mean "members"?)`},
		{"unknown field in each", head + "[psubs.each.members]\nknd = \"\\\"a\\\"\"\n", `population "members" has no field "knd" (did you mean "kind"?)`},
		{"balance in each", head + "[psubs.each.members]\nddt = \"ddt + 1.0\"\n", `"ddt" is a wallet balance: balances change only by [[psubs.transfers]]`},
		{"wrong type in each", head + "[psubs.each.members]\nn = \"1.5\"\n", `field "n" is int, the expression is float`},
		{"float count", head + "[psubs.join.members]\ncount = \"1.5\"\n", `a count is an int, the expression is float`},
		{"string set", head + "[psubs.join.members]\ncount = \"1\"\nset = { kind = \"\\\"a\\\"\" }\n", `a new agent's string field "kind" is its type (types = ...) or its default`},
		{"types without a type field", head + "[psubs.join.members]\ncount = \"1\"\n[psubs.join.members.types.a]\nshare = 1.0\n", `the types are written to the string field "type", which population "members" does not have`},
		{"type without share", head + "[psubs.join.members]\ncount = \"1\"\ntype_field = \"kind\"\n[psubs.join.members.types.a]\nn = 1\n", `type "a" needs share = "expression"`},
		{"nonzero default balance", "[variables]\nx = 0.0\n[tokens]\nddt = \"d\"\n[populations.members]\nwallet = { ddt = 5.0 }\n[[psubs]]\n[psubs.updates]\nx = \"x\"\n",
			`key "populations.members.wallet.ddt": a new agent's balance is what joining mints`},
		{"unknown token", "[variables]\nx = 0.0\n[tokens]\nddt = \"d\"\n[populations.members]\nwallet = { usd = 0.0 }\n[[psubs]]\n[psubs.updates]\nx = \"x\"\n",
			`population "members" holds "usd", which is not a declared token (tokens: ddt)`},
		{"field named id", "[variables]\nx = 0.0\n[populations.members]\nfields = { id = 0 }\n[[psubs]]\n[psubs.updates]\nx = \"x\"\n",
			`field id is every agent's number`},
		{"vector field", "[variables]\nx = 0.0\n[populations.members]\nfields = { v = [1.0] }\n[[psubs]]\n[psubs.updates]\nx = \"x\"\n",
			`an agent's field is a float, an int, a bool or a string, not a vector`},
		{"another population's field, bare", head + "[psubs.each.members]\nn = \"int(pie_ddt) + m\"\n", `unknown name "m"`},
		{"a field outside the population", head + "[psubs.updates]\nx = \"float(n)\"\n", `unknown name "n" (did you mean "x"?); n is a field of each agent of population "members": read it in its per-agent expressions, as the vector members.n, or with over(members, ...)`},
		{"another population's field in a per-agent expression", head + "[populations.others]\nfields = { m = 0 }\n[psubs.each.members]\nn = \"m\"\n",
			`unknown name "m" (did you mean "n"?); m is a field of each agent of population "others"`},
		{"over an unknown population", head + "[psubs.updates]\nx = \"sum(over(membres, n))\"\n", `over: "membres" is not a population (did you mean "members"?)`},
		{"over of a string", head + "[psubs.updates]\nx = \"sum(over(members, kind))\"\n", `the expression is string; want a number or a bool`},
		{"population to population", head + "[[psubs.transfers]]\ntoken = \"ddt\"\nfrom = \"pie\"\nto = \"members\"\namount = \"1.0\"\n[populations.others]\nwallet = { ddt = 0.0 }\n[[psubs]]\nname = \"q\"\n[[psubs.transfers]]\ntoken = \"ddt\"\nfrom = \"members\"\nto = \"others\"\namount = \"1.0\"\n",
			`a transfer between two populations is not supported`},
		{"population without the wallet", head + "[[psubs.transfers]]\ntoken = \"ddt\"\nfrom = \"pie\"\nto = \"members\"\namount = \"1.0\"\n[populations.others]\nfields = { a = 0 }\n[[psubs]]\nname = \"q\"\n[[psubs.transfers]]\ntoken = \"ddt\"\nfrom = \"pie\"\nto = \"others\"\namount = \"1.0\"\n",
			`population "others" has no ddt wallet; add ddt = 0.0 to populations.others.wallet`},
	} {
		_, err := modelfile.Parse("bad.toml", []byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v\n  want it to contain %q", c.name, err, c.want)
		}
	}
}

// TestPopulationOverdraft: a per-agent amount that cannot be paid, or
// is not an amount, stops the run with an error naming the transfer, the
// agent, the token and the timestep, whether the amounts are evaluated a
// column at a time or agent by agent (v[agent] beyond v's end).
func TestPopulationOverdraft(t *testing.T) {
	spend := `amount = "ifelse(type == \"casual\", min(1.0, ddt), 0.0)"`
	payout := `amount = "ifelse(type == \"degen\", pie.ddt * 0.5 / max(sum(over(members, type == \"degen\")), 1.0), 0.0)"`
	tests := []struct {
		name, old, new, want string
	}{
		{"overdraft", spend, `amount = "ifelse(type == \"casual\", ifelse(t > 13, 60.0, min(1.0, ddt)), 0.0)"`,
			`at timestep 14: agent 1 of "members" holds 37 ddt and cannot pay 60`},
		{"NaN", spend, `amount = "ifelse(type == \"casual\", ifelse(t > 13, nan, min(1.0, ddt)), 0.0)"`,
			`at timestep 14: amount NaN of ddt: want a finite number >= 0`},
		{"negative", spend, `amount = "ifelse(type == \"casual\" && t > 2, -1.0, 0.0)"`,
			`at timestep 3: amount -1 of ddt: want a finite number >= 0`},
		{"infinite", spend, `amount = "ifelse(type == \"casual\" && t > 2, inf, 0.0)"`,
			`at timestep 3: amount +Inf of ddt: want a finite number >= 0`},
		{"payer overdraft", payout, `amount = "ifelse(type == \"degen\", pie.ddt, 0.0)"`,
			`agent "pie" holds`},
		{"payee NaN", payout, `amount = "ifelse(type == \"degen\" && t > 4, nan, 0.0)"`,
			`at timestep 5: amount NaN of ddt: want a finite number >= 0`},
		{"agent by agent", spend, `amount = "ifelse(type == \"casual\", fill(2, 1.0)[agent], 0.0)"`,
			`index 2 out of range for a vector of length 2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(daoModel, tt.old) {
				t.Fatalf("the model has no %s", tt.old)
			}
			// the defaults are traced for a few timesteps when the file is
			// loaded: an early failure is a load error
			m, err := modelfile.Parse("dao.toml", []byte(strings.Replace(daoModel, tt.old, tt.new, 1)))
			if err == nil {
				err = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 20}, recFunc(func(*gds.Row) {}))
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v\n want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestPopulationNoAllocs: once no agent joins, a step of per-agent
// updates, transfers and aggregates allocates nothing: a longer run
// allocates no more than a shorter one.
func TestPopulationNoAllocs(t *testing.T) {
	text := strings.Replace(daoModel, `count = "ifelse((t - 1) % 5 == 0, wave, 0)"`, `count = "ifelse(t == 1, 200, 0)"`, 1)
	text = strings.Replace(text, "paid_out = 0.0", "paid_out = 0.0\ncasuals = 0.0", 1)
	text += "\n[[psubs]]\nname = \"measure\"\n  [psubs.updates]\n  casuals = \"sum(over(members, type == \\\"casual\\\")) + gini(members.ddt)\"\n"
	m, err := modelfile.Parse("dao.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	e := m.NewEngine()
	run := func(steps int) float64 {
		return testing.AllocsPerRun(5, func() {
			if err := e.Run(context.Background(), &gds.Job{Run: 1, Timesteps: steps}, recFunc(func(*gds.Row) {})); err != nil {
				t.Fatal(err)
			}
		})
	}
	short, long := run(20), run(200)
	if long > short {
		t.Errorf("%v allocations for 200 steps, %v for 20: a step allocates", long, short)
	}
}

// TestDocsPopulationExample: the population example of docs/models.md
// loads and runs.
func TestDocsPopulationExample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "models.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	sec := strings.Index(text, "### Populations")
	start := strings.Index(text[sec:], "```toml\n")
	if sec < 0 || start < 0 {
		t.Fatal("docs/models.md has no population example")
	}
	body := text[sec+start+len("```toml\n"):]
	body = body[:strings.Index(body, "```")]
	m, err := modelfile.Parse("docs/models.md", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	scal, recs := popRows(t, m, 10, "members")
	last := len(scal) - 1
	if len(recs[last]) != 20 || scal[last]["ddt_supply"] != 4*100+6*50+4*100+6*50 {
		t.Errorf("%d members, supply %v; want 20, 1400", len(recs[last]), scal[last]["ddt_supply"])
	}
}

// TestJoinTypesInFileOrder: a join's types are in the order of the file
// (the shares' ties go to the first), in any PSUB of the file.
func TestJoinTypesInFileOrder(t *testing.T) {
	m, err := modelfile.Parse("order.toml", []byte(`
[variables]
x = 0.0
[populations.members]
fields = { type = "" }
[[psubs]]
name = "first"
  [psubs.updates]
  x = "x + 1.0"
[[psubs]]
name = "entry"
  [psubs.join.members]
  count = "ifelse(t == 1, 4, 0)"
  [psubs.join.members.types.zeta]
  share = 0.5
  [psubs.join.members.types.alpha]
  share = 0.5
`))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	err = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 1}, recFunc(func(r *gds.Row) {
		if r.Substep == 2 {
			types = r.AppendAgentStrings(nil, m.Vars()[1].Slot, 1)
		}
	}))
	if err != nil || strings.Join(types, " ") != "zeta alpha zeta alpha" {
		t.Errorf("types %v (err %v), want zeta alpha zeta alpha", types, err)
	}
}

// TestPopulationLimit: a join beyond MaxAgents fails with a clear error
// instead of taking the memory (here at load, when Build traces the
// defaults).
func TestPopulationLimit(t *testing.T) {
	_, err := modelfile.Parse("big.toml", []byte(`
[variables]
x = 0.0
[populations.members]
fields = { a = 0.0 }
[[psubs]]
  [psubs.join.members]
  count = "ifelse(t == 2, 100000000000, 1)"
`))
	want := fmt.Sprintf(`population "members": 100000000000 agents join at timestep 2, 1 are there: a population of 100000000001 agents, more than the limit of %d (raise it with limits.max_agents`, modelfile.MaxAgents)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

// TestJoinBoolField: a join sets a bool field from a bool expression,
// drawn once per agent.
func TestJoinBoolField(t *testing.T) {
	m, err := modelfile.Parse("bool.toml", []byte(`
[variables]
x = 0.0
[populations.members]
fields = { lucky = false, draw = 0.0 }
[[psubs]]
  [psubs.join.members]
  count = "ifelse(t == 1, 200, 0)"
  set = { lucky = "bernoulli(0.5)" }
`))
	if err != nil {
		t.Fatal(err)
	}
	var lucky []bool
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 1}, recFunc(func(r *gds.Row) {
		lucky = r.AppendAgentBools(nil, m.Vars()[1].Slot, 1)
	})); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range lucky {
		if b {
			n++
		}
	}
	if len(lucky) != 200 || n < 60 || n > 140 {
		t.Errorf("%d members, %d lucky; want 200, about half", len(lucky), n)
	}
}
