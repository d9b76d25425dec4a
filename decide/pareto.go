package decide

// dominates reports whether scores a dominate scores b: a is at least as
// good on every objective and better on one (NaN is worse than any
// number, and as good as NaN).
func dominates(a, b []float64, objs []objective) bool {
	strict := false
	for j := range objs {
		switch objs[j].compare(a[j], b[j]) {
		case 1:
			return false
		case -1:
			strict = true
		}
	}
	return strict
}

// paretoFront returns the indices, ascending, of the choices no other
// choice dominates.
func paretoFront(choices []Choice, objs []objective) []int {
	front := []int{}
	for i := range choices {
		dominated := false
		for k := range choices {
			if k != i && dominates(choices[k].Scores, choices[i].Scores, objs) {
				dominated = true
				break
			}
		}
		if !dominated {
			front = append(front, i)
		}
	}
	return front
}
