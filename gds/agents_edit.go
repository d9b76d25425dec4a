package gds

// Editing a population record by record.
//
// Agents.Update hands its function an empty spare buffer, so an update
// that changes a few records still copies all of them, and a population
// of 10,000 records of 160 bytes costs 1.6 MB of copying per PSUB
// whatever changed. Agents.Edit hands its function a transaction on the
// spare buffer instead, which the engine first makes equal to the current
// records by copying only the records that the last Edit's commit changed
// (or all of them after an Update, at a job's start and when an edit
// changed more than half of them). The cost of an edit then follows what
// changes, not the size of the population, as it does for graphs
// (graph.go).

// AgentsTx is an Edit in progress: a copy of the records before the
// block, in the engine's spare buffer, that the edit changes in place.
// It is valid only during the Edit's call.
type AgentsTx[T any] struct {
	a    *agentBuf[T]
	recs []T
	max  int // Limits.MaxAgents
}

// Len returns the number of records.
func (tx *AgentsTx[T]) Len() int { return len(tx.recs) }

// At returns record i of the copy, to read and change, and marks it
// changed. An i out of range panics.
func (tx *AgentsTx[T]) At(i int) *T {
	r := &tx.recs[i]
	tx.a.dirty.mark(i)
	return r
}

// Get returns record i of the copy without marking it changed.
func (tx *AgentsTx[T]) Get(i int) T { return tx.recs[i] }

// Append adds record r after the others. Beyond the job's
// Limits.MaxAgents it fails the job with a *LimitError.
func (tx *AgentsTx[T]) Append(r T) {
	if n := len(tx.recs) + 1; n > tx.max {
		panic(AgentLimitError(n, tx.max))
	}
	tx.recs = append(tx.recs, r)
	tx.a.buf[1-tx.a.cur] = tx.recs
	tx.a.dirty.mark(len(tx.recs) - 1)
}

// Edit returns the block that changes some of the records in place: fn
// receives a transaction on a copy of the records before the block and
// changes records through tx.At. The records it does not touch keep their
// values, and an edit that touches none leaves the variable unchanged.
// Blocks that read the records in this PSUB see none of its changes, as
// with Update. An edit can add records (tx.Append); Update also removes
// them.
func (h Agents[T]) Edit(fn func(c *Ctx, tx *AgentsTx[T])) Block {
	bl := Block{kind: blockUpdate, name: h.Name(), target: h.ref, vkind: KindAgents}
	if fn == nil {
		return bl // Build reports the nil function
	}
	slot := h.slot
	bl.fnA = func(c *Ctx) {
		if c.tr != nil {
			c.tr.readVar(h.ref, KindAgents)
		}
		tx := c.e.agents[slot].(*agentBuf[T]).open()
		tx.max = c.e.lim.MaxAgents
		fn(c, tx)
	}
	return bl
}

// open makes the spare buffer equal to the current records, copying what
// the last commit changed, and returns the transaction on it.
func (a *agentBuf[T]) open() *AgentsTx[T] {
	if a.open_ {
		return &a.tx // a second call in one PSUB (only tracing does this)
	}
	cur, sp := a.buf[a.cur], a.buf[1-a.cur]
	if a.stale.all || len(sp) != len(cur) {
		sp = append(sp[:0], cur...)
	} else {
		for _, i := range a.stale.ids {
			sp[i] = cur[i]
		}
	}
	a.buf[1-a.cur] = sp
	a.stale.reset()
	a.dirty.reset()
	a.dirty.limit = max(64, len(cur)/2)
	a.open_ = true
	a.tx = AgentsTx[T]{a: a, recs: sp}
	return &a.tx
}
