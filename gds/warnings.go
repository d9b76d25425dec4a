package gds

import "fmt"

// Warnings returns structural oddities of the model that are not errors:
// the model builds and runs, but part of what it declares has no effect.
// They come from Structure, so, like it, they reflect what the blocks did
// while Build traced the first timestep on the defaults: something read only
// on a branch that the first timestep does not take is reported as unread.
//
// The warnings, in this order:
//
//   - for each PSUB in order, each policy that emits no signal
//     ("policy "p" in PSUB "s" emits no signal");
//   - for each PSUB in order, each signal (in declaration order) that a
//     policy of the PSUB emits but no update of the PSUB reads
//     ("signal "x" is emitted in PSUB "s" but no update of the PSUB reads it");
//   - each parameter (in declaration order) that no block reads;
//   - each state variable (in declaration order) that no block reads or
//     writes (a variable that is only read is a constant of the run, and one
//     that is only written is an output: neither is reported);
//   - each signal (in declaration order) that no block emits or reads.
//
// Each message names the thing it is about. A model without warnings returns
// nil.
func (m *Model) Warnings() []string {
	var out []string
	paramRead := map[string]bool{}
	varUsed := map[string]bool{}
	sigUsed := map[string]bool{}
	for _, ps := range m.struc {
		emitted := map[string]bool{}
		read := map[string]bool{}
		for _, bl := range ps.Blocks {
			for _, p := range bl.Params {
				paramRead[p] = true
			}
			for _, v := range bl.Reads {
				varUsed[v] = true
			}
			if bl.Writes != "" {
				varUsed[bl.Writes] = true
			}
			for _, s := range bl.SignalsOut {
				emitted[s] = true
				sigUsed[s] = true
			}
			for _, s := range bl.SignalsIn {
				read[s] = true
				sigUsed[s] = true
			}
			if bl.Policy && len(bl.SignalsOut) == 0 {
				out = append(out, fmt.Sprintf("policy %q in PSUB %q emits no signal", bl.Name, ps.Name))
			}
		}
		for _, s := range m.signals {
			if emitted[s.Name] && !read[s.Name] {
				out = append(out, fmt.Sprintf("signal %q is emitted in PSUB %q but no update of the PSUB reads it", s.Name, ps.Name))
			}
		}
	}
	for _, p := range m.params {
		if !paramRead[p.Name] {
			out = append(out, fmt.Sprintf("parameter %q is not read by any block", p.Name))
		}
	}
	for _, v := range m.vars {
		if !varUsed[v.Name] {
			out = append(out, fmt.Sprintf("state variable %q is neither read nor written by any block", v.Name))
		}
	}
	for _, s := range m.signals {
		if !sigUsed[s.Name] {
			out = append(out, fmt.Sprintf("signal %q is neither emitted nor read by any block", s.Name))
		}
	}
	return out
}
