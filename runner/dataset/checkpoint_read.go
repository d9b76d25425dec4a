package dataset

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"strconv"
)

// readCheckpointLine reads a journal line as writeCheckpoint writes it
// when none of its jobs failed or was flagged: {"checkpoint":{"parts":
// [...],"jobs":[{"i":N,"k":"..."},...]}}, and reports whether it could.
// A rerun of a million-job run reads a line of that many jobs: through
// encoding/json's reflection, 1.5 µs and ~300 bytes of garbage a job; here
// a job's KPIs share one array. Any other line (a failure, an anomaly, a
// line another writer made) is left to encoding/json, which reads it the
// same (FuzzReadJournal checks that both agree whenever this one reads a
// line).
func readCheckpointLine(text []byte) (*Checkpoint, bool) {
	p, ok := bytes.CutPrefix(text, []byte(`{"checkpoint":{`))
	if !ok {
		return nil, false
	}
	c := &Checkpoint{}
	if rest, ok := bytes.CutPrefix(p, []byte(`"parts":`)); ok {
		end := jsonArrayEnd(rest)
		if end < 0 || json.Unmarshal(rest[:end], &c.Parts) != nil || c.Parts == nil {
			return nil, false
		}
		if p, ok = bytes.CutPrefix(rest[end:], []byte(`,`)); !ok {
			return nil, false
		}
	}
	if bytes.Equal(p, []byte(`"jobs":null}}`)) {
		return c, true
	}
	if p, ok = bytes.CutPrefix(p, []byte(`"jobs":[`)); !ok {
		return nil, false
	}
	// The jobs: as many as there are opening braces, and their KPIs in
	// one array, sized by the first job's (a run's jobs have as many).
	n := bytes.Count(p, []byte(`{"i":`))
	c.Jobs = make([]DoneJob, 0, n)
	var kpis []float64
	var raw []byte
	for first := true; ; first = false {
		if rest, ok := bytes.CutPrefix(p, []byte(`]}}`)); ok && len(rest) == 0 {
			if first {
				c.Jobs = []DoneJob{}
			}
			return c, true
		}
		if !first {
			if p, ok = bytes.CutPrefix(p, []byte(`,`)); !ok {
				return nil, false
			}
		}
		if p, ok = bytes.CutPrefix(p, []byte(`{"i":`)); !ok {
			return nil, false
		}
		k := 0
		for k < len(p) && (p[k] >= '0' && p[k] <= '9' || k == 0 && p[k] == '-') {
			k++
		}
		num := p[:k]
		if len(num) == 0 || num[0] == '0' && len(num) > 1 || len(num) > 1 && num[0] == '-' && num[1] == '0' {
			return nil, false // not a JSON integer as strconv writes it
		}
		index, err := strconv.Atoi(string(num))
		if err != nil {
			return nil, false
		}
		d := DoneJob{Index: index}
		p = p[k:]
		if rest, ok := bytes.CutPrefix(p, []byte(`,"k":"`)); ok {
			j := bytes.IndexByte(rest, '"')
			if j < 0 {
				return nil, false
			}
			if raw, err = base64.StdEncoding.AppendDecode(raw[:0], rest[:j]); err != nil || len(raw)%8 != 0 || len(raw) == 0 {
				return nil, false
			}
			if kpis == nil {
				kpis = make([]float64, 0, n*len(raw)/8)
			}
			start := len(kpis)
			for b := 0; b < len(raw); b += 8 {
				kpis = append(kpis, math.Float64frombits(binary.LittleEndian.Uint64(raw[b:])))
			}
			d.KPIs = Floats(kpis[start:len(kpis):len(kpis)])
			p = rest[j+1:]
		}
		if p, ok = bytes.CutPrefix(p, []byte(`}`)); !ok {
			return nil, false
		}
		c.Jobs = append(c.Jobs, d)
	}
}

// jsonArrayEnd returns the length of the JSON array b begins with (its
// closing bracket included), or -1.
func jsonArrayEnd(b []byte) int {
	if len(b) == 0 || b[0] != '[' {
		return -1
	}
	depth, inString := 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}
