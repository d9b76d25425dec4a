// Package tomlerr is the positioned error of Statecraft's TOML files
// (experiment configs and model files) and the helpers that locate a key
// in a file's text and turn the TOML decoder's errors into it. Both
// configs and modelfile alias Error, so errors.As with either finds it.
package tomlerr

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Error is a problem at a place in a TOML file.
type Error struct {
	File string // the file, or "embedded:NAME", or "--set"
	Line int    // 1-based; 0 when unknown
	Col  int    // 1-based; 0 when unknown
	Key  string // the dotted key, when known
	Msg  string // what is wrong
}

// Error returns "file:line:col: key "k": message", leaving out what is
// unknown.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	b.WriteString(": ")
	if e.Key != "" {
		fmt.Fprintf(&b, "key %q: ", e.Key)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// FromDecode turns an error of the TOML decoder into an *Error with the
// file, line, column and key, and a plain-words message for type
// mismatches.
func FromDecode(source string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &Error{File: source, Line: pe.Position.Line, Col: pe.Position.Col, Key: pe.LastKey, Msg: pe.Message}
	}
	if m := lineRe.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: source, Line: line, Key: m[2], Msg: friendlyType(m[3])}
	}
	return &Error{File: source, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
}

var (
	lineRe     = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)
	mismatchRe = regexp.MustCompile(`incompatible types: TOML value has type (\S+); destination has type (\S+)`)
)

func friendlyType(msg string) string {
	if m := mismatchRe.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("want %s, got %s", article(m[2]), article(m[1]))
	}
	return msg
}

// Kind names the TOML type of a decoded value as the messages do ("an
// integer", "a number", "a string", "true or false", "a list", "a table"),
// for a field that decodes the value itself (toml.Unmarshaler).
func Kind(v any) string {
	switch v.(type) {
	case int64:
		return article("integer")
	case float64:
		return article("float")
	case string:
		return article("string")
	case bool:
		return article("bool")
	case []any, []map[string]any:
		return article("array")
	case map[string]any:
		return article("table")
	}
	return fmt.Sprintf("%T", v)
}

func article(t string) string {
	switch t {
	case "integer", "int", "int64":
		return "an integer"
	case "float", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool", "boolean":
		return "true or false"
	case "array", "slice":
		return "a list"
	case "table", "hash", "struct", "map":
		return "a table"
	}
	return t
}

// KeyLine finds the line of a key in TOML text: a best effort that follows
// table headers and key = value lines. It returns 0 when not found.
func KeyLine(data []byte, k toml.Key) int {
	var clean []string
	for _, p := range k {
		if _, err := strconv.Atoi(p); err == nil {
			continue // array indices do not appear in the text
		}
		clean = append(clean, p)
	}
	if len(clean) == 0 {
		return 0
	}
	header := ""
	first := 0
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "[") {
			h := strings.Trim(line, "[] \t")
			if j := strings.Index(h, "]"); j >= 0 {
				h = h[:j]
			}
			header = strings.TrimSpace(h)
			if header == strings.Join(clean, ".") && first == 0 {
				first = i + 1
			}
			continue
		}
		eq := strings.Index(line, "=")
		if eq < 0 {
			continue
		}
		key := strings.Trim(strings.TrimSpace(line[:eq]), `"'`)
		full := key
		if header != "" {
			full = header + "." + key
		}
		if full == strings.Join(clean, ".") {
			return i + 1
		}
		// a key inside an inline table or array of tables: match the last
		// piece under its parent table
		if len(clean) > 1 && header == strings.Join(clean[:len(clean)-1], ".") && key == clean[len(clean)-1] {
			return i + 1
		}
		if len(clean) > 1 && key == clean[len(clean)-2] && strings.Contains(line[eq:], clean[len(clean)-1]) {
			return i + 1
		}
		// a key nested deeper in inline tables, as a block's arguments
		// (x = { use = "...", args = { sigma = 0.1 } }): the line's key is
		// the piece after the header, and every later piece is a key
		// inside its value
		if rest, ok := inlinePath(clean, header); ok && len(rest) > 1 && key == rest[0] && keysIn(line[eq:], rest[1:]) {
			return i + 1
		}
	}
	return first
}

// inlinePath returns the pieces of key k after the table header, if k is
// under it.
func inlinePath(k []string, header string) ([]string, bool) {
	if header == "" {
		return k, true
	}
	h := strings.Split(header, ".")
	if len(h) >= len(k) || !slices.Equal(h, k[:len(h)]) {
		return nil, false
	}
	return k[len(h):], true
}

// keysIn reports whether every piece appears in text as a key: followed,
// after spaces, by "=".
func keysIn(text string, pieces []string) bool {
	for _, p := range pieces {
		found := false
		for j := strings.Index(text, p); j >= 0; {
			after := strings.TrimLeft(text[j+len(p):], " \t")
			before := byte(' ')
			if j > 0 {
				before = text[j-1]
			}
			if strings.HasPrefix(after, "=") && (before == ' ' || before == '{' || before == ',' || before == '\t') {
				found = true
				break
			}
			k := strings.Index(text[j+1:], p)
			if k < 0 {
				break
			}
			j += 1 + k
		}
		if !found {
			return false
		}
	}
	return true
}
