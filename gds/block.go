package gds

type blockKind uint8

const (
	blockPolicy blockKind = iota + 1
	blockUpdate
)

// Block is a policy or a state-update function, placed in a PSUB. Make
// policies with Policy and updates with a variable handle's Update method.
type Block struct {
	kind   blockKind
	name   string
	policy func(*Ctx)
	emits  []sref // declared by Emits, added to the traced ones
	trace  func(*Ctx)

	target ref // updates: the variable written
	vkind  Kind
	fnF    func(*Ctx) float64
	fnI    func(*Ctx) int64
	fnB    func(*Ctx) bool
	fnS    func(*Ctx) string
	fnV    func(*Ctx, []float64) []float64
	fnA    func(*Ctx)
}

// Policy returns a policy block: fn reads state, parameters and the context
// and emits signals.
func Policy(name string, fn func(c *Ctx)) Block {
	return Block{kind: blockPolicy, name: name, policy: fn}
}

// Named returns the block with another name (updates are named after their
// variable by default).
func (b Block) Named(name string) Block {
	b.name = name
	return b
}

// Emits declares signals the policy may emit. Build finds emitted signals by
// tracing a timestep; declare those a policy emits only on some branches so
// that updates reading them pass the structural check.
func (b Block) Emits(signals ...SignalHandle) Block {
	b.emits = append([]sref(nil), b.emits...)
	for _, s := range signals {
		b.emits = append(b.emits, s.signalRef())
	}
	return b
}

// Traces returns the block with a function that reports the reads the
// block makes without the tracer (GetUntraced) by reading the same names
// with Get. Build calls it before the block at each substep it traces,
// so that the model's Structure lists those reads; runs never call it.
// Code generated from expressions uses it: its leaves read untraced, which
// saves a check and a call per read, and the compiled expression knows
// every name it reads. fn must only read: Build may call it more than
// once at a substep (tracer.run) and restores nothing between the calls.
func (b Block) Traces(fn func(c *Ctx)) Block {
	b.trace = fn
	return b
}

// Name returns the block's name.
func (b Block) Name() string { return b.name }

// SignalHandle is implemented by every signal handle.
type SignalHandle interface{ signalRef() sref }

func (r sref) signalRef() sref { return r }
