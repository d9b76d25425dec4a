package network_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/statecraft/statecraft/blocks/network"
)

func TestQuorum(t *testing.T) {
	for _, c := range []struct{ n, f, q int }{
		{1, 0, 1}, {2, 0, 2}, {3, 0, 2}, {4, 1, 3}, {5, 1, 4}, {6, 1, 4},
		{7, 2, 5}, {10, 3, 7}, {11, 3, 8}, {100, 33, 67},
	} {
		if f, q := network.Quorum(c.n); f != c.f || q != c.q {
			t.Errorf("Quorum(%d) = (%d, %d), want (%d, %d)", c.n, f, q, c.f, c.q)
		}
	}
	for n := 1; n <= 400; n++ {
		f, q := network.Quorum(n)
		if n >= 3*f+4 || network.CheckQuorum(n, f) != nil {
			t.Fatalf("n = %d: f = %d is not the most faults tolerated", n, f)
		}
		if 2*q-n < f+1 { // two quorums share a correct replica
			t.Fatalf("n = %d: quorums of %d meet in %d replicas, f = %d", n, q, 2*q-n, f)
		}
		if 2*(q-1)-n >= f+1 {
			t.Fatalf("n = %d: q = %d is not the smallest safe quorum", n, q)
		}
		if q > n-f { // the correct replicas make a quorum
			t.Fatalf("n = %d: q = %d > n − f = %d", n, q, n-f)
		}
		if n == 3*f+1 && q != 2*f+1 {
			t.Fatalf("n = 3f+1 = %d: q = %d, not 2f+1", n, q)
		}
	}
}

func TestCheckQuorum(t *testing.T) {
	for _, c := range []struct {
		n, f int
		ok   bool
	}{
		{1, 0, true}, {4, 1, true}, {5, 1, true}, {7, 2, true}, {100, 33, true},
		{0, 0, false}, {3, 1, false}, {6, 2, false}, {9, 3, false}, {4, -1, false},
	} {
		err := network.CheckQuorum(c.n, c.f)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, network.ErrQuorum)) {
			t.Errorf("CheckQuorum(%d, %d) = %v", c.n, c.f, err)
		}
	}
}

// deliver runs a round to quiescence: it proposes value, then delivers the
// votes in flight in random order, losing each with probability loss. It
// checks that every vote is sent by the replica acting, to another one,
// and never by a silent replica.
func deliver(t *testing.T, rd *network.Round, r *rand.Rand, value int64, loss float64) {
	t.Helper()
	pool := rd.Propose(value, nil)
	checkSent(t, rd, rd.Leader(), pool)
	var out []network.Vote
	for len(pool) > 0 {
		i := r.IntN(len(pool))
		v := pool[i]
		pool[i] = pool[len(pool)-1]
		pool = pool[:len(pool)-1]
		if r.Float64() < loss {
			continue
		}
		out = rd.Deliver(v, out[:0])
		checkSent(t, rd, v.To, out)
		pool = append(pool, out...)
	}
}

func checkSent(t *testing.T, rd *network.Round, sender int, votes []network.Vote) {
	t.Helper()
	for _, v := range votes {
		if v.From != sender || v.To == sender || v.To < 0 || v.To >= rd.N() {
			t.Fatalf("replica %d sent %+v", sender, v)
		}
		if rd.Behavior(sender) == network.Silent {
			t.Fatalf("silent replica %d sent %+v", sender, v)
		}
	}
}

// behaviours returns n behaviours with the replicas of set acting as b.
func behaviours(n int, b network.Behavior, set []int) []network.Behavior {
	bs := make([]network.Behavior, n)
	for _, i := range set {
		bs[i] = b
	}
	return bs
}

// others returns m distinct random replicas other than leader.
func others(r *rand.Rand, n, leader, m int) []int {
	var s []int
	for _, i := range r.Perm(n) {
		if i != leader && len(s) < m {
			s = append(s, i)
		}
	}
	return s
}

func wantAllDecide(t *testing.T, rd *network.Round, value int64) {
	t.Helper()
	for i := range rd.N() {
		if rd.Behavior(i) != network.Honest {
			continue
		}
		if v, ok := rd.Decided(i); !ok || v != value {
			t.Fatalf("n = %d, leader %d: honest replica %d decided (%d, %v), want %d", rd.N(), rd.Leader(), i, v, ok, value)
		}
	}
}

// With all replicas honest and no loss, every replica decides the leader's
// value, whatever the delivery order.
func TestAllHonestDecide(t *testing.T) {
	for f := range 5 {
		for _, n := range []int{3*f + 1, 3*f + 2, 3*f + 3} {
			for seed := range uint64(20) {
				r := rng(seed)
				value := r.Int64()
				rd := network.NewRound(n, r.IntN(n), nil)
				deliver(t, rd, r, value, 0)
				wantAllDecide(t, rd, value)
			}
		}
	}
}

// With f silent replicas the honest ones still decide.
func TestSilentWithinTolerance(t *testing.T) {
	for f := 1; f <= 4; f++ {
		for _, n := range []int{3*f + 1, 3*f + 3} {
			for seed := range uint64(20) {
				r := rng(seed)
				leader := r.IntN(n)
				rd := network.NewRound(n, leader, behaviours(n, network.Silent, others(r, n, leader, f)))
				deliver(t, rd, r, 42, 0)
				wantAllDecide(t, rd, 42)
			}
		}
	}
}

// No replica prepares or decides without a quorum: with fewer than q
// replicas voting (more than f silent), nobody does, even with every vote
// delivered.
func TestNoDecisionWithoutQuorum(t *testing.T) {
	for n := 4; n <= 13; n++ {
		_, q := network.Quorum(n)
		for silent := n - q + 1; silent < n; silent++ {
			for seed := range uint64(10) {
				r := rng(seed)
				leader := r.IntN(n)
				rd := network.NewRound(n, leader, behaviours(n, network.Silent, others(r, n, leader, silent)))
				deliver(t, rd, r, 42, 0)
				for i := range n {
					_, p := rd.Prepared(i)
					_, d := rd.Decided(i)
					if p || d {
						t.Fatalf("n = %d, q = %d, %d silent: replica %d prepared %v, decided %v", n, q, silent, i, p, d)
					}
				}
			}
		}
	}
}

// Up to f equivocating replicas neither stop honest ones from deciding an
// honest leader's value nor make them decide another.
func TestEquivocatingReplicas(t *testing.T) {
	for f := 1; f <= 4; f++ {
		n := 3*f + 1
		for seed := range uint64(20) {
			r := rng(seed)
			leader := r.IntN(n)
			rd := network.NewRound(n, leader, behaviours(n, network.Equivocate, others(r, n, leader, f)))
			deliver(t, rd, r, 42, 0)
			wantAllDecide(t, rd, 42)
		}
	}
}

// Two honest replicas never prepare or decide different values, with up
// to f faulty replicas, an equivocating leader among them in most runs,
// random delivery orders and message loss; an honest replica decides only
// a value the leader proposed. Enough runs decide for the check to mean
// something.
func TestAgreement(t *testing.T) {
	const seeds = 2000
	decidedRuns, splitRuns := 0, 0
	for seed := range uint64(seeds) {
		r := rng(seed)
		n := []int{4, 5, 6, 7, 10}[r.IntN(5)]
		f, _ := network.Quorum(n)
		faulty := f
		if r.IntN(4) == 0 {
			faulty = r.IntN(f + 1)
		}
		perm := r.Perm(n)
		leader := perm[n-1] // honest unless chosen below
		if faulty > 0 && r.IntN(4) > 0 {
			leader = perm[0]
		}
		bs := make([]network.Behavior, n)
		for _, i := range perm[:faulty] {
			bs[i] = network.Equivocate
			if r.IntN(5) == 0 {
				bs[i] = network.Silent
			}
		}
		loss := 0.0
		if r.IntN(3) > 0 {
			loss = 0.3 * r.Float64()
		}
		value := r.Int64()
		rd := network.NewRound(n, leader, bs)
		deliver(t, rd, r, value, loss)

		var decided, prepared []int64
		for i := range n {
			if bs[i] != network.Honest {
				continue
			}
			if v, ok := rd.Prepared(i); ok {
				prepared = append(prepared, v)
			}
			if v, ok := rd.Decided(i); ok {
				decided = append(decided, v)
			}
		}
		for _, vs := range [][]int64{prepared, decided} {
			for _, v := range vs {
				if v != vs[0] {
					t.Fatalf("seed %d (n = %d, behaviours %v, leader %d): honest replicas hold %v", seed, n, bs, leader, vs)
				}
				if v != value && (bs[leader] == network.Honest || v != value^1) {
					t.Fatalf("seed %d: decided %d, the leader proposed %d", seed, v, value)
				}
			}
		}
		if len(decided) > 0 {
			decidedRuns++
			if bs[leader] == network.Equivocate {
				splitRuns++
			}
		}
	}
	if decidedRuns < seeds/4 || splitRuns < seeds/10 {
		t.Fatalf("%d runs of %d decided, %d under an equivocating leader: too few to test agreement", decidedRuns, seeds, splitRuns)
	}
}

// The tolerance is tight: with f+1 equivocating replicas (the leader and
// one more among 4), two honest replicas decide different values. So the
// faulty behaviours are strong enough for TestAgreement to mean something.
func TestAgreementNeedsTolerance(t *testing.T) {
	bs := []network.Behavior{network.Equivocate, network.Honest, network.Honest, network.Equivocate}
	rd := network.NewRound(4, 0, bs)
	deliver(t, rd, rng(1), 10, 0)
	v1, ok1 := rd.Decided(1) // odd: proposed 10^1
	v2, ok2 := rd.Decided(2) // even: proposed 10
	if !ok1 || !ok2 || v1 != 11 || v2 != 10 {
		t.Fatalf("replica 1 decided (%d, %v), replica 2 (%d, %v); want 11 and 10", v1, ok1, v2, ok2)
	}
}

// A silent leader proposes nothing, and with no view change nothing is
// decided.
func TestSilentLeader(t *testing.T) {
	rd := network.NewRound(4, 2, behaviours(4, network.Silent, []int{2}))
	if out := rd.Propose(1, nil); len(out) != 0 {
		t.Fatalf("a silent leader sent %v", out)
	}
	for i := range 4 {
		if _, ok := rd.Decided(i); ok {
			t.Fatalf("replica %d decided without a proposal", i)
		}
	}
}

// Reset reuses a round: the second instance decides as a new round would,
// and a reused round with reused buffers allocates nothing.
func TestRoundReuse(t *testing.T) {
	rd := network.NewRound(7, 0, nil)
	deliver(t, rd, rng(1), 5, 0)
	rd.Reset(3, behaviours(7, network.Silent, []int{1, 2}))
	for i := range 7 {
		if _, ok := rd.Decided(i); ok {
			t.Fatalf("replica %d still decided after Reset", i)
		}
	}
	deliver(t, rd, rng(2), 6, 0)
	wantAllDecide(t, rd, 6)

	// FIFO delivery into preallocated buffers.
	pool := make([]network.Vote, 0, 1024)
	var out []network.Vote
	run := func() {
		rd.Reset(0, nil)
		pool = rd.Propose(9, pool[:0])
		for i := 0; i < len(pool); i++ {
			out = rd.Deliver(pool[i], out[:0])
			pool = append(pool, out...)
		}
	}
	run()
	wantAllDecide(t, rd, 9)
	if a := testing.AllocsPerRun(20, run); a != 0 {
		t.Errorf("a reused round allocates %v times per instance", a)
	}
}

func TestRoundPanics(t *testing.T) {
	rd := network.NewRound(4, 0, nil)
	for _, fn := range []func(){
		func() { network.NewRound(0, 0, nil) },
		func() { network.NewRound(4, 4, nil) },
		func() { network.NewRound(4, 0, make([]network.Behavior, 3)) },
		func() { network.NewRound(4, 0, []network.Behavior{0, 0, 9, 0}) },
		func() { network.Quorum(0) },
		func() { rd.Deliver(network.Vote{From: 0, To: 1, Phase: 0}, nil) },
		func() { rd.OnPrepare(0, 4, 1, nil) },
		func() { rd.OnCommit(-1, 0, 1, nil) },
		func() { rd.Decided(5) },
	} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.HasPrefix(msg, "network: ") {
					t.Errorf("want a panic naming the package, got %q", msg)
				}
			}()
			fn()
		}()
	}
}

func ExampleRound() {
	// Four replicas tolerate one fault; replica 3 is silent.
	rd := network.NewRound(4, 0, []network.Behavior{network.Honest, network.Honest, network.Honest, network.Silent})
	fmt.Println("f, q:", rd.F(), rd.Q())
	inFlight := rd.Propose(7, nil)
	for len(inFlight) > 0 { // deliver in order, losing nothing
		v := inFlight[0]
		inFlight = rd.Deliver(v, inFlight[1:])
	}
	for i := range 4 {
		v, ok := rd.Decided(i)
		fmt.Println(i, v, ok)
	}
	// Output:
	// f, q: 1 3
	// 0 7 true
	// 1 7 true
	// 2 7 true
	// 3 0 false
}
