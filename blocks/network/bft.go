package network

import (
	"errors"
	"fmt"
)

// PBFT-style single-shot agreement among n replicas numbered 0..n-1, as a
// state value a discrete-time model steps by delivering votes. The rules are
// in docs/network-protocols.md.

// ErrQuorum is the error CheckQuorum wraps when n replicas cannot tolerate f
// faults.
var ErrQuorum = errors.New("network: too few replicas for the faults tolerated")

// Quorum returns the number of faulty replicas n replicas tolerate, f =
// ⌊(n−1)/3⌋, and the quorum size q = ⌊(n+f)/2⌋ + 1: the fewest votes such
// that any two quorums share at least f+1 replicas, one of them correct
// (2q − n >= f+1). For n = 3f+1, PBFT's size, q = 2f+1; for n = 3f+2 and
// 3f+3, 2f+1 votes would let two quorums meet in f replicas, all possibly
// faulty, so q is larger. q <= n − f, so the correct replicas alone make a
// quorum. It panics if n < 1.
func Quorum(n int) (f, q int) {
	if n < 1 {
		panic(fmt.Sprintf("network: Quorum of %d replicas; there must be at least 1", n))
	}
	f = (n - 1) / 3
	return f, (n+f)/2 + 1
}

// CheckQuorum returns an error wrapping ErrQuorum unless n replicas
// tolerate f faults: f >= 0 and n >= 3f+1.
func CheckQuorum(n, f int) error {
	switch {
	case f < 0:
		return fmt.Errorf("%w: f = %d faults; f must be >= 0", ErrQuorum, f)
	case n < 3*f+1:
		return fmt.Errorf("%w: %d replicas tolerate f = %d faults only if n >= 3f+1 = %d", ErrQuorum, n, f, 3*f+1)
	}
	return nil
}

// Phase is the kind of a protocol message.
type Phase uint8

const (
	// PrePrepare is the leader's proposal of a value.
	PrePrepare Phase = iota + 1
	// Prepare is a replica's vote for the value it accepted from the leader.
	Prepare
	// Commit is a prepared replica's vote to decide its value.
	Commit
)

// String returns the phase's name.
func (p Phase) String() string {
	switch p {
	case PrePrepare:
		return "pre-prepare"
	case Prepare:
		return "prepare"
	case Commit:
		return "commit"
	}
	return fmt.Sprintf("Phase(%d)", uint8(p))
}

// Vote is a protocol message from replica From to replica To. Signatures are
// not modelled: the message layer delivers a vote with its true sender.
type Vote struct {
	From, To int   // sender and recipient, replicas 0..n-1
	Phase    Phase // the kind of message
	Value    int64 // the value proposed or voted for
}

// Behavior is how a replica acts.
type Behavior uint8

const (
	// Honest replicas follow the protocol.
	Honest Behavior = iota
	// Silent replicas send nothing (crashed, or withholding votes).
	Silent
	// Equivocate replicas vote for conflicting values: the pair v and v^1
	// of the first value v they see. As leader one proposes v to
	// even-numbered replicas and v^1 to odd-numbered ones; as leader or
	// replica one sends a Prepare and a Commit for both values to every
	// other replica, once.
	Equivocate
)

// String returns the behaviour's name.
func (b Behavior) String() string {
	switch b {
	case Honest:
		return "honest"
	case Silent:
		return "silent"
	case Equivocate:
		return "equivocate"
	}
	return fmt.Sprintf("Behavior(%d)", uint8(b))
}

// Round is the state of one agreement instance among n replicas: the leader
// proposes a value; a replica that accepts a proposal from the leader
// prepares it (sends Prepare to every other replica); a replica holding q
// matching Prepare votes (the leader's PrePrepare counts as its Prepare) for
// the value it accepted is prepared and sends Commit; a prepared replica
// holding q matching Commit votes decides its value. A replica counts its
// own votes without a message, and each sender once per phase and value.
//
// The caller is the message layer: Propose and the On methods append the
// votes a replica sends to out, and the caller delivers them (or loses,
// delays or reorders them) with Deliver. A Round has no view change: a
// silent leader, or too many lost votes, leaves it undecided. Its state is
// slices sized n (and a few words per value voted on), reused by Reset.
type Round struct {
	n, f, q, words int
	leader         int
	behavior       []Behavior
	accepted       []bool  // replica accepted a proposal from the leader
	value          []int64 // the value it accepted
	prepared       []bool
	decided        []bool
	acted          []bool   // an equivocating replica has sent its votes
	ledgers        []ledger // 2i: Prepare votes replica i holds; 2i+1: Commit votes
}

// ledger is the votes of one phase that one replica holds: for each value,
// how many senders voted for it and which.
type ledger struct {
	values []int64
	counts []int
	from   []uint64 // bit set of senders, words per value
}

// add records the vote of sender for v and returns the number of distinct
// senders of votes for v.
func (l *ledger) add(words, sender int, v int64) int {
	k := l.index(v)
	if k < 0 {
		k = len(l.values)
		l.values = append(l.values, v)
		l.counts = append(l.counts, 0)
		for range words {
			l.from = append(l.from, 0)
		}
	}
	w, bit := &l.from[k*words+sender/64], uint64(1)<<(sender%64)
	if *w&bit == 0 {
		*w |= bit
		l.counts[k]++
	}
	return l.counts[k]
}

// count returns the number of distinct senders of votes for v.
func (l *ledger) count(v int64) int {
	if k := l.index(v); k >= 0 {
		return l.counts[k]
	}
	return 0
}

func (l *ledger) index(v int64) int {
	for k, x := range l.values {
		if x == v {
			return k
		}
	}
	return -1
}

// NewRound returns a round among n replicas led by leader, with the
// replicas' behaviours (nil: all honest). It panics if n < 1, if leader is
// not a replica or if behavior has a length other than n.
func NewRound(n, leader int, behavior []Behavior) *Round {
	if n < 1 {
		panic(fmt.Sprintf("network: NewRound: %d replicas; there must be at least 1", n))
	}
	r := &Round{n: n, words: (n + 63) / 64}
	r.f, r.q = Quorum(n)
	r.behavior = make([]Behavior, n)
	r.accepted = make([]bool, n)
	r.value = make([]int64, n)
	r.prepared = make([]bool, n)
	r.decided = make([]bool, n)
	r.acted = make([]bool, n)
	r.ledgers = make([]ledger, 2*n)
	r.Reset(leader, behavior)
	return r
}

// Reset starts a new instance among the same replicas, keeping the
// memory. It panics as NewRound does.
func (r *Round) Reset(leader int, behavior []Behavior) {
	if leader < 0 || leader >= r.n {
		panic(fmt.Sprintf("network: Round: leader %d; replicas are 0..%d", leader, r.n-1))
	}
	if behavior != nil && len(behavior) != r.n {
		panic(fmt.Sprintf("network: Round: %d behaviours for %d replicas", len(behavior), r.n))
	}
	for i, b := range behavior {
		if b > Equivocate {
			panic(fmt.Sprintf("network: Round: replica %d has unknown behaviour %d", i, uint8(b)))
		}
	}
	r.leader = leader
	if behavior == nil {
		clear(r.behavior)
	} else {
		copy(r.behavior, behavior)
	}
	clear(r.accepted)
	clear(r.value)
	clear(r.prepared)
	clear(r.decided)
	clear(r.acted)
	for i := range r.ledgers {
		l := &r.ledgers[i]
		l.values, l.counts, l.from = l.values[:0], l.counts[:0], l.from[:0]
	}
}

// N returns the number of replicas.
func (r *Round) N() int { return r.n }

// F returns the number of faults the round tolerates, Quorum's f.
func (r *Round) F() int { return r.f }

// Q returns the quorum size, Quorum's q.
func (r *Round) Q() int { return r.q }

// Leader returns the leader of the instance.
func (r *Round) Leader() int { return r.leader }

// Behavior returns how replica i acts.
func (r *Round) Behavior(i int) Behavior { return r.behavior[r.check("Behavior", i)] }

// Prepared returns the value replica i is prepared for, and false if it is
// not prepared (faulty replicas never are).
func (r *Round) Prepared(i int) (int64, bool) {
	i = r.check("Prepared", i)
	return r.value[i], r.prepared[i]
}

// Decided returns the value replica i decided, and false if it has not
// decided (faulty replicas never do).
func (r *Round) Decided(i int) (int64, bool) {
	i = r.check("Decided", i)
	return r.value[i], r.decided[i]
}

func (r *Round) check(fn string, i int) int {
	if i < 0 || i >= r.n {
		panic(fmt.Sprintf("network: Round.%s: replica %d; replicas are 0..%d", fn, i, r.n-1))
	}
	return i
}

// Propose is the leader's proposal of value: it appends the leader's
// messages to out and returns it. An honest leader accepts value and sends a
// PrePrepare of it to every other replica; a silent one sends nothing; an
// equivocating one proposes value and value^1 to different replicas (see
// Equivocate). A second call sends nothing.
func (r *Round) Propose(value int64, out []Vote) []Vote {
	l := r.leader
	switch r.behavior[l] {
	case Silent:
		return out
	case Equivocate:
		if r.acted[l] {
			return out
		}
		for j := range r.n {
			if j != l {
				out = append(out, Vote{l, j, PrePrepare, value ^ int64(j%2)})
			}
		}
		return r.equivocate(l, value, out)
	}
	if r.accepted[l] {
		return out
	}
	for j := range r.n {
		if j != l {
			out = append(out, Vote{l, j, PrePrepare, value})
		}
	}
	return r.accept(l, value, out)
}

// Deliver hands v to its recipient, v.To, appends the votes it sends in
// response to out and returns it. It panics if a replica number is out of
// range or the phase unknown.
func (r *Round) Deliver(v Vote, out []Vote) []Vote {
	switch v.Phase {
	case PrePrepare:
		return r.OnPrePrepare(v.From, v.To, v.Value, out)
	case Prepare:
		return r.OnPrepare(v.From, v.To, v.Value, out)
	case Commit:
		return r.OnCommit(v.From, v.To, v.Value, out)
	}
	panic(fmt.Sprintf("network: Round.Deliver: vote %d→%d has unknown phase %d", v.From, v.To, uint8(v.Phase)))
}

// OnPrePrepare delivers to replica to a proposal of value from replica
// from, appending the votes to sends to out. An honest replica accepts the
// first proposal from the leader, counts it as the leader's Prepare and
// prepares the value; it ignores proposals from other replicas and later
// ones.
func (r *Round) OnPrePrepare(from, to int, value int64, out []Vote) []Vote {
	r.checkVote("OnPrePrepare", from, to)
	switch r.behavior[to] {
	case Silent:
		return out
	case Equivocate:
		return r.equivocate(to, value, out)
	}
	if from != r.leader || r.accepted[to] {
		return out
	}
	r.ledgers[2*to].add(r.words, from, value)
	return r.accept(to, value, out)
}

// OnPrepare delivers to replica to a Prepare of value from replica from,
// appending the votes to sends to out.
func (r *Round) OnPrepare(from, to int, value int64, out []Vote) []Vote {
	r.checkVote("OnPrepare", from, to)
	switch r.behavior[to] {
	case Silent:
		return out
	case Equivocate:
		return r.equivocate(to, value, out)
	}
	r.ledgers[2*to].add(r.words, from, value)
	return r.progress(to, out)
}

// OnCommit delivers to replica to a Commit of value from replica from,
// appending the votes to sends to out.
func (r *Round) OnCommit(from, to int, value int64, out []Vote) []Vote {
	r.checkVote("OnCommit", from, to)
	switch r.behavior[to] {
	case Silent:
		return out
	case Equivocate:
		return r.equivocate(to, value, out)
	}
	r.ledgers[2*to+1].add(r.words, from, value)
	return r.progress(to, out)
}

func (r *Round) checkVote(fn string, from, to int) {
	if from < 0 || from >= r.n || to < 0 || to >= r.n {
		panic(fmt.Sprintf("network: Round.%s: vote %d→%d; replicas are 0..%d", fn, from, to, r.n-1))
	}
}

// accept makes honest replica i accept value and prepare it; the leader's
// PrePrepare stands for its Prepare.
func (r *Round) accept(i int, value int64, out []Vote) []Vote {
	r.accepted[i], r.value[i] = true, value
	r.ledgers[2*i].add(r.words, i, value)
	if i != r.leader {
		out = r.broadcast(i, Prepare, value, out)
	}
	return r.progress(i, out)
}

// progress applies the quorum rules to honest replica i.
func (r *Round) progress(i int, out []Vote) []Vote {
	if !r.accepted[i] || r.decided[i] {
		return out
	}
	v := r.value[i]
	if !r.prepared[i] {
		if r.ledgers[2*i].count(v) < r.q {
			return out
		}
		r.prepared[i] = true
		r.ledgers[2*i+1].add(r.words, i, v)
		out = r.broadcast(i, Commit, v, out)
	}
	if r.ledgers[2*i+1].count(v) >= r.q {
		r.decided[i] = true
	}
	return out
}

// equivocate sends, once, the conflicting votes of equivocating replica i.
func (r *Round) equivocate(i int, seen int64, out []Vote) []Vote {
	if r.acted[i] {
		return out
	}
	r.acted[i] = true
	for _, v := range [...]int64{seen, seen ^ 1} {
		out = r.broadcast(i, Prepare, v, out)
		out = r.broadcast(i, Commit, v, out)
	}
	return out
}

// broadcast appends a vote of replica i to every other replica.
func (r *Round) broadcast(i int, p Phase, v int64, out []Vote) []Vote {
	for j := range r.n {
		if j != i {
			out = append(out, Vote{i, j, p, v})
		}
	}
	return out
}
