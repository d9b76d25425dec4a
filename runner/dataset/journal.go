package dataset

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// The journal of a run: a hidden file in the dataset directory, one JSON
// object per line, each line written and fsync'd before the run goes on.
// The first line is the run's Identity; then every checkpoint appends a
// Checkpoint (part files sealed since the last one, and the jobs whose
// rows they hold), and the commit appends the list of files it is about
// to make visible. The journal is what makes a run resumable: a rerun of
// the same command reads it, keeps the sealed part files and their jobs,
// and runs only the others. It is removed when the dataset is committed.
//
// A line is durable once its newline is on disk; a run killed while
// appending leaves a last line without one, which readers drop.

// journalStem starts the journal's name; the shard suffix and .jsonl end
// it: .statecraft-journal.jsonl, .statecraft-journal-shard-0001-of-0004.jsonl.
const journalStem = tempMark + "statecraft-journal"

// journalName is the name of the run's journal.
func (s *Shard) journalName() string {
	if !s.sharded() {
		return journalStem + ".jsonl"
	}
	return journalStem + s.shardSuffix() + ".jsonl"
}

// JournalPath returns the path of the run's journal.
func (s *Shard) JournalPath() string { return filepath.Join(s.root(), s.journalName()) }

// isJournal reports whether a file name is a journal's, of any shard.
func isJournal(name string) bool { return journalRe.MatchString(name) }

// Identity is what a run must share with an interrupted one to resume it:
// the same config (after overrides), models, seed, program version, shard
// and format give the same jobs and the same rows.
type Identity struct {
	Version    string `json:"version"`
	ConfigHash string `json:"config_hash"` // of the config text after overrides
	ModelHash  string `json:"model_hash"`  // of every simulation's model
	Seed       int64  `json:"seed"`
	Shard      int    `json:"shard"`
	Shards     int    `json:"shards"`
	Format     string `json:"format"`
	Jobs       int    `json:"jobs"` // jobs of the shard
}

// differs returns what differs between the identity of an interrupted
// run (old) and of this one, as a message names it, or "".
func (id Identity) differs(old Identity) string {
	switch {
	case id.ConfigHash != old.ConfigHash:
		return "the config (after --set overrides) differs"
	case id.ModelHash != old.ModelHash:
		return "the model differs"
	case id.Seed != old.Seed:
		return fmt.Sprintf("the seed differs (%d, now %d)", old.Seed, id.Seed)
	case id.Version != old.Version:
		return fmt.Sprintf("it was run by statecraft %s, this is %s", old.Version, id.Version)
	case id.Shard != old.Shard || id.Shards != old.Shards:
		return fmt.Sprintf("it was shard %d/%d, this is %d/%d", old.Shard, old.Shards, id.Shard, id.Shards)
	case id.Format != old.Format:
		return fmt.Sprintf("its format was %s, this is %s", old.Format, id.Format)
	case id.Jobs != old.Jobs:
		return fmt.Sprintf("it had %d jobs, this has %d", old.Jobs, id.Jobs)
	}
	return ""
}

// SealedPart is a part file closed, fsync'd and recorded in the journal,
// still under its temporary name: Name is its name in every table's
// directory (as PartName gives it) and Rows its rows in each table, the
// substep table's first, then the Shard's Tables' in order.
type SealedPart struct {
	Name string  `json:"name"`
	Rows []int64 `json:"rows"`
}

// DoneJob is a finished job in the journal: its index in the plan, its
// KPIs (exact: as the bits of each float64), and its failure or flagged
// anomalies, if any. Its rows are in the part files of its checkpoint.
type DoneJob struct {
	Index     int          `json:"i"`
	KPIs      Floats       `json:"k,omitempty"`
	Failure   *JobFailure  `json:"f,omitempty"`
	Anomalies []JobAnomaly `json:"a,omitempty"`
}

// Floats are float64 values that JSON holds exactly, NaN and ±Inf
// included: a string, the base64 (standard, padded) of their bits, eight
// bytes each, little-endian. A job's ten KPIs take 108 bytes of the
// journal, against some 200 as decimal integers, and encode ~5x faster.
type Floats []float64

// MarshalJSON writes the floats' bits.
func (fs Floats) MarshalJSON() ([]byte, error) {
	if fs == nil {
		return []byte("null"), nil
	}
	return appendFloats(make([]byte, 0, 2+base64.StdEncoding.EncodedLen(8*len(fs))), fs), nil
}

// appendFloats appends fs as MarshalJSON writes them to b.
func appendFloats(b []byte, fs []float64) []byte {
	b = append(b, '"')
	// six floats at a time: 48 bytes, whole groups of three, so the
	// chunks' encodings join into the whole's (only the last is padded)
	var chunk [48]byte
	for len(fs) > 0 {
		n := min(len(fs), 6)
		for i, f := range fs[:n] {
			binary.LittleEndian.PutUint64(chunk[8*i:], math.Float64bits(f))
		}
		b = base64.StdEncoding.AppendEncode(b, chunk[:8*n])
		fs = fs[n:]
	}
	return append(b, '"')
}

// UnmarshalJSON reads the floats' bits.
func (fs *Floats) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*fs = nil
		return nil
	}
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		return fmt.Errorf("floats %.40s: want a base64 string: %w", b, err)
	}
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return fmt.Errorf("floats %.40q: %w", text, err)
	}
	if len(raw)%8 != 0 {
		return fmt.Errorf("floats %.40q: %d bytes, not eight a float", text, len(raw))
	}
	out := make(Floats, len(raw)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	*fs = out
	return nil
}

// Checkpoint is a journal line: part files sealed and the jobs whose rows
// they hold, all of them (a job is never split between checkpoints).
type Checkpoint struct {
	Parts []SealedPart `json:"parts,omitempty"`
	Jobs  []DoneJob    `json:"jobs"`
}

// commitRecord is the journal line of a commit: the files, relative to
// the dataset directory, that it renames from their temporary names to
// their own, in order; the last is the manifest.
type commitRecord struct {
	Files []string `json:"files"`
	// Publish says that the run wrote in its staging directory, which the
	// commit renames to the dataset directory once the files are renamed.
	Publish bool `json:"publish,omitempty"`
}

// journalLine is one line of the journal: exactly one field is set.
type journalLine struct {
	Identity   *Identity     `json:"identity,omitempty"`
	Checkpoint *Checkpoint   `json:"checkpoint,omitempty"`
	Commit     *commitRecord `json:"commit,omitempty"`
}

// Journal is an open journal, appended to by the run's workers.
type Journal struct {
	mu   sync.Mutex
	f    *os.File
	path string
}

// createJournal starts the run's journal with its identity, durably.
func (s *Shard) createJournal(id Identity) (*Journal, error) {
	path := s.JournalPath()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	j := &Journal{f: f, path: path}
	if err := j.append(journalLine{Identity: &id}); err != nil {
		f.Close()
		return nil, err
	}
	if err := syncDir(s.root()); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: %w", err)
	}
	return j, nil
}

// openJournal opens an interrupted run's journal to append to it. Its
// last line, if torn (no newline), is cut off first.
func openJournal(path string, size int64) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if _, err := f.Seek(size, 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	return &Journal{f: f, path: path}, nil
}

// Checkpoint appends a checkpoint, durably: when it returns nil, the
// parts and jobs survive any crash. The parts must be fsync'd already.
func (j *Journal) Checkpoint(c Checkpoint) error {
	if len(c.Parts) == 0 && len(c.Jobs) == 0 {
		return nil
	}
	if err := j.writeCheckpoint(&c); err != nil {
		return err
	}
	if CheckpointHook != nil {
		CheckpointHook(len(c.Jobs))
	}
	return nil
}

// CheckpointHook, when set (by tests), is called after every checkpoint
// is durable, with the number of jobs it recorded: a test that kills the
// process after the k-th job knows what the journal holds.
var CheckpointHook func(jobs int)

func (j *Journal) append(l journalLine) error {
	data, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return j.writeLine(func(w *bufio.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeCheckpoint appends c's line: the bytes json.Marshal gives for
// journalLine{Checkpoint: c}, encoded as they are written. A checkpoint
// holds every job finished since the last one (a run of a million short
// jobs makes one at its end): built whole by json.Marshal, through
// reflection, its line took 2.4 µs and 900 bytes of allocation a job with
// ten KPIs.
func (j *Journal) writeCheckpoint(c *Checkpoint) error {
	// What json.Marshal may refuse (a failure's parameters) is encoded
	// before a byte is written; those jobs are few.
	var parts []byte
	if len(c.Parts) > 0 {
		var err error
		if parts, err = json.Marshal(c.Parts); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
	}
	var special map[int][]byte
	for k := range c.Jobs {
		if d := &c.Jobs[k]; d.Failure != nil || len(d.Anomalies) > 0 {
			b, err := json.Marshal(d)
			if err != nil {
				return fmt.Errorf("journal: %w", err)
			}
			if special == nil {
				special = map[int][]byte{}
			}
			special[k] = b
		}
	}
	return j.writeLine(func(w *bufio.Writer) error {
		w.WriteString(`{"checkpoint":{`)
		if parts != nil {
			w.WriteString(`"parts":`)
			w.Write(parts)
			w.WriteByte(',')
		}
		if c.Jobs == nil {
			w.WriteString(`"jobs":null}}`)
			return nil
		}
		w.WriteString(`"jobs":[`)
		var num []byte
		for k := range c.Jobs {
			if k > 0 {
				w.WriteByte(',')
			}
			if b, ok := special[k]; ok {
				w.Write(b)
				continue
			}
			d := &c.Jobs[k]
			num = strconv.AppendInt(append(num[:0], `{"i":`...), int64(d.Index), 10)
			if len(d.KPIs) > 0 {
				num = appendFloats(append(num, `,"k":`...), d.KPIs)
			}
			w.Write(append(num, '}'))
		}
		_, err := w.WriteString(`]}}`)
		return err
	})
}

// writeLine writes a line, enc's bytes and a newline, durably. A line
// is written in pieces: if one fails, what the file holds may end in part
// of a line, which readers drop but after which no line may follow, so
// the journal is closed.
func (j *Journal) writeLine(enc func(w *bufio.Writer) error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return fmt.Errorf("journal %s: closed", j.path)
	}
	w := bufio.NewWriterSize(j.f, 1<<16)
	err := enc(w)
	if err == nil {
		err = w.WriteByte('\n')
	}
	if err == nil {
		err = w.Flush() // and the writes' errors, which bufio keeps
	}
	if err == nil {
		err = j.f.Sync()
	}
	if err != nil {
		j.f.Close()
		j.f = nil
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	return nil
}

// Close closes the journal file, which stays on disk.
func (j *Journal) Close() error {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}

// journalState is what an interrupted run's journal holds.
type journalState struct {
	identity    Identity
	checkpoints []Checkpoint
	commit      *commitRecord
	size        int64 // bytes of whole lines
	// damaged is the first whole line that does not decode (the lines
	// after it are not read): a journal another version of Statecraft
	// wrote, or a damaged file. Its identity, if its first line decodes,
	// says which.
	damaged error
}

// readJournal reads a journal. A missing file is (nil, nil); a journal
// without its identity line (a run killed while starting it) is too. A
// line that does not decode is not an error but st.damaged, so that a
// run can start over (--overwrite), or say which version wrote it.
func readJournal(path string) (*journalState, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	st := &journalState{}
	for line := 0; st.damaged == nil; line++ {
		i := bytes.IndexByte(data[st.size:], '\n')
		if i < 0 {
			break // the torn end of a killed append, or nothing
		}
		text := data[st.size : st.size+int64(i)]
		var l journalLine
		var err error
		if c, ok := readCheckpointLine(text); ok && line > 0 {
			l.Checkpoint = c // the common line, read without reflection
		} else {
			dec := json.NewDecoder(bytes.NewReader(text))
			dec.UseNumber() // a failure's params stay as written
			err = dec.Decode(&l)
		}
		switch {
		case err != nil:
			st.damaged = fmt.Errorf("journal %s:%d: %w", path, line+1, err)
		case line == 0 && l.Identity != nil:
			st.identity = *l.Identity
		case line == 0:
			st.damaged = fmt.Errorf("journal %s:1: not a journal's first line", path)
		case l.Checkpoint != nil:
			st.checkpoints = append(st.checkpoints, *l.Checkpoint)
		case l.Commit != nil:
			st.commit = l.Commit
		}
		if st.damaged == nil {
			st.size += int64(i) + 1
		}
	}
	if st.size == 0 && st.damaged == nil {
		return nil, nil
	}
	for k := range st.checkpoints {
		for a := range st.checkpoints[k].Jobs {
			for b := range st.checkpoints[k].Jobs[a].Anomalies {
				an := &st.checkpoints[k].Jobs[a].Anomalies[b]
				an.Value, _ = strconv.ParseFloat(an.ValueText, 64)
			}
		}
	}
	return st, nil
}

// syncDir fsyncs a directory, making the names created, renamed or
// removed in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
