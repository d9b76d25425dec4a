// Package names helps error messages name things: it suggests the closest
// known name for a misspelled one.
package names

import (
	"fmt"
	"strings"
)

// Suggest returns ` (did you mean "x"?)` for the known name closest to
// name, or ` (known: [a b c])` when there are few and none is close, or "".
func Suggest(name string, known []string) string {
	best, bestD := "", 1<<30
	for _, k := range known {
		if d := Distance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" && bestD <= max(2, len(name)/3) {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	if len(known) > 0 && len(known) <= 8 {
		return fmt.Sprintf(" (known: %v)", known)
	}
	return ""
}

// Distance is the Levenshtein edit distance between a and b.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Choice returns the index of v in all, the names of an enumeration
// indexed by value ("" for values without a name). When v is none of
// them, the error lists the names and suggests the nearest when one is
// near.
func Choice(all []string, v string) (int, error) {
	var choices []string
	for i, n := range all {
		if n == "" {
			continue
		}
		if n == v {
			return i, nil
		}
		choices = append(choices, n)
	}
	hint := ""
	if s := Suggest(v, choices); strings.HasPrefix(s, " (did you mean") {
		hint = s
	}
	return 0, fmt.Errorf("must be one of %s, got %q%s", strings.Join(choices, ", "), v, hint)
}
