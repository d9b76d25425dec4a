package modelfile_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/modelfile"
)

// ledgerModel: a market is paid 10% of its dollars by a router each
// step... in the other direction: the market pays the router a tenth of
// its dollars, 10 dollars are minted to the market; the router pays its
// dollars out 70/30 to the DAO and back to the market; 5 OCEAN are minted
// to the DAO, which burns half of what it held before the PSUB.
const ledgerModel = `
name = "toy"
[variables]
day = 0
[params]
burn_share = 0.3
[tokens]
usd = "US dollars"
ocean = { doc = "OCEAN" }
[agents.market]
wallet = { usd = 100.0 }
[agents.router]
wallet = { usd = 0.0 }
[agents.dao]
wallet = { usd = 0.0, ocean = 0.0 }
fields = { grants = 0.0 }

[[psubs]]
name = "sales"
  [[psubs.transfers]]
  token = "usd"
  from = "market"
  to = "router"
  amount = "market.usd * 0.1"
  [[psubs.transfers]]
  token = "usd"
  from = "mint"
  to = "market"
  amount = "10.0"
  [psubs.updates]
  day = "day + 1"

[[psubs]]
name = "route"
  [[psubs.transfers]]
  token = "usd"
  from = "router"
  to = { dao = "1 - burn_share", market = "burn_share" }
  amount = "router.usd"
  [[psubs.transfers]]
  token = "ocean"
  from = "mint"
  to = "dao"
  amount = "5.0"
  [[psubs.transfers]]
  token = "ocean"
  from = "dao"
  to = "burn"
  amount = "dao.ocean * 0.5"
  [psubs.updates]
  dao_grants = "dao.grants + dao.usd"
`

// rows runs a model and returns every row's float variables by name.
func rows(t *testing.T, m *gds.Model, steps int, params map[string]any) []map[string]float64 {
	t.Helper()
	var out []map[string]float64
	vars := m.Vars()
	p := m.Defaults()
	for k, v := range params {
		if err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	rec := recFunc(func(r *gds.Row) {
		row := map[string]float64{"t": float64(r.Timestep), "substep": float64(r.Substep)}
		for _, v := range vars {
			switch v.Kind {
			case gds.KindFloat:
				row[v.Name] = r.Floats()[v.Slot]
			case gds.KindInt:
				row[v.Name] = float64(r.Ints()[v.Slot])
			}
		}
		out = append(out, row)
	})
	if err := m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: steps, Params: p}, rec); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLedger: balances follow the transfers, computed by hand, and the
// ledger's minted, burned and supply variables follow the mints and burns.
func TestLedger(t *testing.T) {
	m, err := modelfile.Parse("toy.toml", []byte(ledgerModel))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range m.Vars() {
		names = append(names, v.Name)
	}
	wantCols := "day market_usd router_usd dao_usd dao_ocean dao_grants usd_minted usd_supply ocean_minted ocean_burned ocean_supply"
	if got := strings.Join(names, " "); got != wantCols {
		t.Fatalf("variables %s\n want %s", got, wantCols)
	}
	rs := rows(t, m, 3, nil)
	// t=1, sales: market pays 100*0.1 = 10 to the router; 10 minted to the
	// market: market 100. route: the router's 10 go 7 to the DAO and 3 to
	// the market (103); 5 OCEAN minted to the DAO, which burns half of the
	// 0 it held. t=2, sales: market pays 10.3 (92.7), gets 10 (102.7);
	// route: 10.3 → DAO 7.21 (14.21), market 3.09 (105.79); DAO OCEAN: +5,
	// burns 2.5 of 5: 7.5; grants: 0 + 7 (the DAO's dollars before the PSUB).
	want := []struct {
		row                                   int
		market, router, dao, ocean, grants    float64
		usdMinted, usdSupply, oMinted, burned float64
	}{
		{0, 100, 0, 0, 0, 0, 0, 100, 0, 0},
		{1, 100, 10, 0, 0, 0, 10, 110, 0, 0},
		{2, 103, 0, 7, 5, 0, 10, 110, 5, 0},
		{4, 105.79, 0, 14.21, 7.5, 7, 20, 120, 10, 2.5},
	}
	for _, w := range want {
		r := rs[w.row]
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"market_usd", r["market_usd"], w.market}, {"router_usd", r["router_usd"], w.router}, {"dao_usd", r["dao_usd"], w.dao},
			{"dao_ocean", r["dao_ocean"], w.ocean}, {"dao_grants", r["dao_grants"], w.grants},
			{"usd_minted", r["usd_minted"], w.usdMinted}, {"usd_supply", r["usd_supply"], w.usdSupply},
			{"ocean_minted", r["ocean_minted"], w.oMinted}, {"ocean_burned", r["ocean_burned"], w.burned},
		} {
			if math.Abs(c.got-c.want) > 1e-9 {
				t.Errorf("row %d (t=%v, substep %v): %s = %v, want %v", w.row, r["t"], r["substep"], c.name, c.got, c.want)
			}
		}
	}
}

// TestLedgerConserved: random networks of agents and transfers (mints,
// burns, splits, clamped payments of random sizes): at every row, for
// every token, Σ balances = Σ initial + minted − burned = supply, and no
// balance is negative.
func TestLedgerConserved(t *testing.T) {
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 7))
		text, tokens, holders := randomLedger(rng)
		m, err := modelfile.Parse("random.toml", []byte(text))
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, text)
		}
		rs := rows(t, m, 30, nil)
		initial := map[string]float64{}
		for _, tk := range tokens {
			for _, h := range holders[tk] {
				initial[tk] += rs[0][h]
			}
		}
		for k, r := range rs {
			for _, tk := range tokens {
				sum := 0.0
				for _, h := range holders[tk] {
					if r[h] < 0 {
						t.Fatalf("seed %d row %d: %s = %v < 0\n%s", seed, k, h, r[h], text)
					}
					sum += r[h]
				}
				want := initial[tk] + r[tk+"_minted"] - r[tk+"_burned"]
				tol := 1e-9 * (1 + math.Abs(want))
				if math.Abs(sum-want) > tol || math.Abs(r[tk+"_supply"]-sum) > tol {
					t.Fatalf("seed %d row %d: Σ %s = %v, initial %v + minted %v − burned %v = %v, supply %v\n%s",
						seed, k, tk, sum, initial[tk], r[tk+"_minted"], r[tk+"_burned"], want, r[tk+"_supply"], text)
				}
			}
		}
	}
}

// randomLedger writes a model file of 2-5 agents holding 1-3 tokens and 1-3
// PSUBs of random transfers; it returns the text, the tokens and, by token,
// the balance variables.
func randomLedger(rng *rand.Rand) (string, []string, map[string][]string) {
	var b strings.Builder
	b.WriteString("[variables]\nx = 0.0\n[tokens]\n")
	nt := 1 + rng.IntN(3)
	tokens := make([]string, nt)
	for k := range tokens {
		tokens[k] = fmt.Sprintf("tok%d", k)
		fmt.Fprintf(&b, "%s = \"token %d\"\n", tokens[k], k)
	}
	na := 2 + rng.IntN(4)
	holders := map[string][]string{}
	held := make([][]string, na)
	for a := range na {
		fmt.Fprintf(&b, "[agents.a%d]\nwallet = {", a)
		for k, tk := range tokens {
			if a > 0 && k > 0 && rng.IntN(3) == 0 { // a0 holds every token
				continue
			}
			if len(held[a]) > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %s = %g", tk, float64(rng.IntN(100)))
			held[a] = append(held[a], tk)
			holders[tk] = append(holders[tk], fmt.Sprintf("a%d_%s", a, tk))
		}
		b.WriteString(" }\n")
	}
	holdersOf := func(tk string) []int {
		var out []int
		for a := range na {
			for _, h := range held[a] {
				if h == tk {
					out = append(out, a)
				}
			}
		}
		return out
	}
	for p := range 1 + rng.IntN(3) {
		fmt.Fprintf(&b, "[[psubs]]\nname = \"p%d\"\n", p)
		for range 1 + rng.IntN(5) {
			tk := tokens[rng.IntN(nt)]
			hs := holdersOf(tk)
			from := fmt.Sprintf("a%d", hs[rng.IntN(len(hs))])
			amount := fmt.Sprintf("%s.%s * %g + %g", from, tk, rng.Float64()*1.5, float64(rng.IntN(3)))
			if rng.IntN(4) == 0 {
				from, amount = "mint", fmt.Sprintf("%g", float64(rng.IntN(20)))
			}
			var payees []string
			for _, a := range hs {
				if fmt.Sprintf("a%d", a) != from {
					payees = append(payees, fmt.Sprintf("a%d", a))
				}
			}
			to := ""
			switch {
			case from != "mint" && (len(payees) == 0 || rng.IntN(4) == 0):
				to = `"burn"`
			case len(payees) == 0:
				continue
			case rng.IntN(2) == 0:
				to = `"` + payees[rng.IntN(len(payees))] + `"`
			default:
				var parts []string
				for _, p := range payees {
					parts = append(parts, fmt.Sprintf("%s = \"%g\"", p, rng.Float64()))
				}
				to = "{ " + strings.Join(parts, ", ") + " }"
			}
			overdraft := ""
			if from != "mint" {
				overdraft = "overdraft = \"clamp\"\n" // the amounts may exceed the balance
			}
			fmt.Fprintf(&b, "[[psubs.transfers]]\ntoken = %q\nfrom = %q\nto = %s\namount = %q\n%s", tk, from, to, amount, overdraft)
		}
		b.WriteString("[psubs.updates]\nx = \"x + 1.0\"\n")
	}
	// every token is minted and burned somewhere, so that it has the
	// ledger's variables
	b.WriteString("[[psubs]]\nname = \"mint_burn\"\n")
	for _, tk := range tokens {
		h := holdersOf(tk)[0]
		fmt.Fprintf(&b, "[[psubs.transfers]]\ntoken = %q\nfrom = \"mint\"\nto = \"a%d\"\namount = \"1.0\"\n", tk, h)
		fmt.Fprintf(&b, "[[psubs.transfers]]\ntoken = %q\nfrom = \"a%d\"\nto = \"burn\"\namount = \"a%d.%s * 0.25\"\n", tk, h, h, tk)
	}
	return b.String(), tokens, holders
}

// TestLedgerOverdraft: a payment above the balance stops the run with an
// error naming the transfer, the agent, the token and the timestep;
// overdraft = "clamp" pays what the balance holds.
func TestLedgerOverdraft(t *testing.T) {
	model := func(overdraft string) string {
		return `
[variables]
x = 0.0
[tokens]
usd = "dollars"
[agents.alice]
wallet = { usd = 10.0 }
[agents.bob]
wallet = { usd = 0.0 }
[params]
rent = 0.1
[[psubs]]
  [[psubs.transfers]]
  name = "rent"
  token = "usd"
  from = "alice"
  to = "bob"
  amount = "rent"
` + overdraft
	}
	m, err := modelfile.Parse("rent.toml", []byte(model("")))
	if err != nil {
		t.Fatal(err)
	}
	p := m.Defaults()
	if err := p.Set("rent", 4.0); err != nil {
		t.Fatal(err)
	}
	err = m.NewEngine().Run(context.Background(), &gds.Job{Run: 1, Timesteps: 5, Params: p}, recFunc(func(*gds.Row) {}))
	want := `transfer "rent" at timestep 3: agent "alice" holds 2 usd and cannot pay 4`
	var be *gds.BlockError
	if err == nil || !strings.Contains(err.Error(), want) || !errors.As(err, &be) || be.Timestep != 3 {
		t.Fatalf("err = %v\n want it to contain %q at timestep 3", err, want)
	}
	m, err = modelfile.Parse("rent.toml", []byte(model("  overdraft = \"clamp\"\n")))
	if err != nil {
		t.Fatal(err)
	}
	rs := rows(t, m, 5, map[string]any{"rent": 4.0})
	for k, w := range []float64{10, 6, 2, 0, 0, 0} {
		if rs[k]["alice_usd"] != w || rs[k]["bob_usd"] != 10-w {
			t.Errorf("t=%d: alice %v, bob %v; want %v, %v", k, rs[k]["alice_usd"], rs[k]["bob_usd"], w, 10-w)
		}
	}
}

// TestLedgerErrors: a bad ledger is an error at its key.
func TestLedgerErrors(t *testing.T) {
	head := "[variables]\nx = 0.0\n[tokens]\nusd = \"dollars\"\nocean = \"OCEAN\"\n[agents.alice]\nwallet = { usd = 10.0 }\n[agents.bob]\nwallet = { usd = 0.0, ocean = 1.0 }\n"
	tr := func(body string) string { return head + "[[psubs]]\nname = \"p\"\n[[psubs.transfers]]\n" + body }
	for _, c := range []struct{ name, text, want string }{
		{"unknown agent", tr("token = \"usd\"\nfrom = \"alice\"\nto = \"bobb\"\namount = \"1.0\"\n"),
			`bad.toml:15: key "psubs.0.transfers.0.to": transfer to unknown agent "bobb" (did you mean "bob"?) (agents: alice, bob, or "burn")`},
		{"unknown payer", tr("token = \"usd\"\nfrom = \"carol\"\nto = \"bob\"\namount = \"1.0\"\n"),
			`key "psubs.0.transfers.0.from": transfer from unknown agent "carol"`},
		{"unknown token", tr("token = \"eur\"\nfrom = \"alice\"\nto = \"bob\"\namount = \"1.0\"\n"),
			`key "psubs.0.transfers.0.token": unknown token "eur" (tokens: usd, ocean)`},
		{"no such wallet", tr("token = \"ocean\"\nfrom = \"bob\"\nto = \"alice\"\namount = \"1.0\"\n"),
			`key "psubs.0.transfers.0.to": agent "alice" has no ocean wallet (it holds usd); add ocean = 0.0 to agents.alice.wallet`},
		{"bad overdraft", tr("token = \"usd\"\nfrom = \"alice\"\nto = \"bob\"\namount = \"1.0\"\noverdraft = \"allow\"\n"),
			`key "psubs.0.transfers.0.overdraft": overdraft "allow": want "error"`},
		{"pays itself", tr("token = \"usd\"\nfrom = \"alice\"\nto = \"alice\"\namount = \"1.0\"\n"), `agent "alice" pays itself`},
		{"mint to burn", tr("token = \"usd\"\nfrom = \"mint\"\nto = \"burn\"\namount = \"1.0\"\n"), `a transfer from "mint" to "burn" moves nothing`},
		{"burn among payees", tr("token = \"usd\"\nfrom = \"alice\"\nto = { bob = \"0.5\", burn = \"0.5\" }\namount = \"1.0\"\n"), `"burn" cannot be one of several payees`},
		{"bool amount", tr("token = \"usd\"\nfrom = \"alice\"\nto = \"bob\"\namount = \"x > 1.0\"\n"), `an amount is a number, the expression is bool`},
		{"unknown name in amount", tr("token = \"usd\"\nfrom = \"alice\"\nto = \"bob\"\namount = \"alice.eur\"\n"), `alice.eur: selectors (a.b) are not supported`},
		{"no amount", tr("token = \"usd\"\nfrom = \"alice\"\nto = \"bob\"\n"), `key "psubs.0.transfers.0": a transfer needs amount = "expression"`},
		{"no to", tr("token = \"usd\"\nfrom = \"alice\"\namount = \"1.0\"\n"), `a transfer needs to = "agent", "burn", or shares`},
		{"unknown transfer key", tr("token = \"usd\"\nfrom = \"alice\"\nto = \"bob\"\namount = \"1.0\"\nfee = 0.1\n"), `key "psubs.transfers.fee": unknown key; known keys here: amount, doc, from, name, overdraft, to, token`},
		{"update of a balance", head + "[[psubs]]\n[psubs.updates]\nalice_usd = \"alice_usd + 1.0\"\n", `"alice_usd" is kept by the ledger: balances change only by [[psubs.transfers]]`},
		{"wallet of unknown token", "[variables]\nx = 0.0\n[tokens]\nusd = \"d\"\n[agents.a]\nwallet = { eur = 1.0 }\n[[psubs]]\n[psubs.updates]\nx = \"x\"\n",
			`bad.toml:6: key "agents.a.wallet.eur": agent "a" holds "eur", which is not a declared token (tokens: usd)`},
		{"negative balance", "[variables]\nx = 0.0\n[tokens]\nusd = \"d\"\n[agents.a]\nwallet = { usd = -1.0 }\n[[psubs]]\n[psubs.updates]\nx = \"x\"\n",
			`key "agents.a.wallet.usd": initial balance -1: want a finite number >= 0`},
		{"wallet of wrong type", "[variables]\nx = 0.0\n[tokens]\nusd = \"d\"\n[agents.a]\nwallet = { usd = \"lots\" }\n[[psubs]]\n[psubs.updates]\nx = \"x\"\n",
			`key "agents.a.wallet.usd": initial balance: want a number`},
		{"agent without wallet", "[variables]\nx = 0.0\n[tokens]\nusd = \"d\"\n[agents.a]\ndoc = \"?\"\n[[psubs]]\n[psubs.updates]\nx = \"x\"\n",
			`key "agents.a": agent "a" needs a wallet`},
		{"agents without tokens", "[variables]\nx = 0.0\n[agents.a]\nwallet = { usd = 1.0 }\n[[psubs]]\n[psubs.updates]\nx = \"x\"\n",
			`key "agents": agents hold wallets of tokens: declare them in [tokens] first`},
		{"agent named mint", "[variables]\nx = 0.0\n[tokens]\nusd = \"d\"\n[agents.mint]\nwallet = { usd = 1.0 }\n[[psubs]]\n[psubs.updates]\nx = \"x\"\n",
			`"mint" is where minted tokens come from`},
		{"unknown agent key", "[variables]\nx = 0.0\n[tokens]\nusd = \"d\"\n[agents.a]\nwalet = { usd = 1.0 }\n[[psubs]]\n[psubs.updates]\nx = \"x\"\n",
			`key "agents.a.walet": unknown key (did you mean "wallet"?)`},
		{"balance clashes with a variable", "[variables]\na_usd = 0.0\n[tokens]\nusd = \"d\"\n[agents.a]\nwallet = { usd = 1.0 }\n[[psubs]]\n[psubs.updates]\na_usd = \"1.0\"\n",
			`key "agents.a.wallet.usd": "a_usd" is already a variable`},
		{"transfers without agents", "[variables]\nx = 0.0\n[[psubs]]\n[[psubs.transfers]]\ntoken = \"usd\"\nfrom = \"a\"\nto = \"b\"\namount = \"1.0\"\n",
			`transfers move tokens between agents: declare [tokens] and [agents.NAME] or [populations.NAME] with wallets`},
	} {
		_, err := modelfile.Parse("bad.toml", []byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v\n  want it to contain %q", c.name, err, c.want)
		}
	}
}

// TestDocsLedgerExample: the netlist in docs/models.md loads and keeps
// its ledger.
func TestDocsLedgerExample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "models.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, `name = "revenue_loop"`)
	if start < 0 {
		t.Fatal(`docs/models.md has no model named "revenue_loop"`)
	}
	end := strings.Index(text[start:], "```")
	m, err := modelfile.Parse("docs/models.md", []byte(text[start:start+end]))
	if err != nil {
		t.Fatal(err)
	}
	rs := rows(t, m, 10, nil)
	last := rs[len(rs)-1]
	if got := last["market_usd"] + last["router_usd"] + last["dao_usd"]; math.Abs(got-last["usd_supply"]) > 1e-9 || last["usd_supply"] != 100+10*10 {
		t.Errorf("Σ usd %v, supply %v, want 200", got, last["usd_supply"])
	}
}

// TestLedgerSignals: transfers are state updates, so an amount can read
// what the PSUB's policies emitted (here a library block's output).
func TestLedgerSignals(t *testing.T) {
	m, err := modelfile.Parse("mint.toml", []byte(`
[variables]
x = 0.0
[signals]
mint = "sum"
[tokens]
ocean = "OCEAN"
[agents.dao]
wallet = { ocean = 0.0 }
[[psubs]]
  [[psubs.policies]]
  name = "minter"
  use = "supply.halflife_emission"
  args = { cap = 1000.0, half_life = 1.0, per_year = 1.0, minted = "ocean_minted", amount = "mint" }
  [[psubs.transfers]]
  token = "ocean"
  from = "mint"
  to = "dao"
  amount = "mint"
`))
	if err != nil {
		t.Fatal(err)
	}
	rs := rows(t, m, 3, nil)
	// half the cap by year 1, three quarters by 2, seven eighths by 3
	for k, want := range []float64{0, 500, 750, 875} {
		if rs[k]["dao_ocean"] != want || rs[k]["ocean_minted"] != want || rs[k]["ocean_supply"] != want {
			t.Errorf("t=%d: dao %v, minted %v, supply %v; want %v", k, rs[k]["dao_ocean"], rs[k]["ocean_minted"], rs[k]["ocean_supply"], want)
		}
	}
}

// TestLedgerNumberAmount: an amount or a share may be a number.
func TestLedgerNumberAmount(t *testing.T) {
	m, err := modelfile.Parse("n.toml", []byte(`
[tokens]
usd = "dollars"
[agents.a]
wallet = { usd = 100.0 }
[agents.b]
wallet = { usd = 0.0 }
[agents.c]
wallet = { usd = 0.0 }
[[psubs]]
  [[psubs.transfers]]
  token = "usd"
  from = "a"
  to = { b = 3, c = 1.0 }
  amount = 2
`))
	if err != nil {
		t.Fatal(err)
	}
	rs := rows(t, m, 2, nil)
	if r := rs[2]; r["a_usd"] != 96 || r["b_usd"] != 3 || r["c_usd"] != 1 {
		t.Errorf("after two steps: %v", r)
	}
}
