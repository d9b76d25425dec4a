package gds

// Kind is the type of a state variable, parameter or signal.
type Kind uint8

// The kinds of values a model can hold.
const (
	KindFloat  Kind = iota + 1 // float64
	KindInt                    // int64
	KindBool                   // bool
	KindString                 // string
	KindVec                    // []float64 of any length
	KindAgents                 // agent records: a slice of a user struct (AgentsOf) or columns (Records)
	KindGraph                  // a directed graph with node and edge records
	KindList                   // a list of emitted values (append signals)
	KindCustom                 // a user type with a custom reducer (signals)
)

var kindNames = [...]string{
	KindFloat:  "float",
	KindInt:    "int",
	KindBool:   "bool",
	KindString: "string",
	KindVec:    "vector",
	KindAgents: "agents",
	KindGraph:  "graph",
	KindList:   "list",
	KindCustom: "custom",
}

// String returns the name used for the kind in configs, model files and
// messages.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "invalid"
}

// ValueKinds returns the kinds of plain values, in order: float, int,
// bool, string and vector. They are the kinds that configs and model files
// write, that expressions compute and that Convert converts to; agents,
// graphs, list and custom values are built in Go.
func ValueKinds() []Kind { return []Kind{KindFloat, KindInt, KindBool, KindString, KindVec} }

// ParseKind returns the value kind with the given name ("float", "int",
// "bool", "string" or "vector", see ValueKinds), as a model file's
// type = "..." writes it.
func ParseKind(name string) (Kind, bool) {
	for _, k := range ValueKinds() {
		if kindNames[k] == name {
			return k, true
		}
	}
	return 0, false
}

// Rule is how the values that several policies emit for one signal in one
// PSUB are combined. Values are combined in policy order.
type Rule uint8

// The built-in aggregation rules. Sum is the default, as in cadCAD.
const (
	Sum     Rule = iota // a + b (element-wise for vectors)
	Product             // a * b
	Min                 // the smallest value
	Max                 // the largest value
	Last                // the value of the last policy that emitted
	Concat              // vectors only: the emitted vectors joined in policy order
	Append              // list signals (ListOf): every emitted value, in policy order
	Custom              // signals with a user reducer (SignalOf)
)

var ruleNames = [...]string{Sum: "sum", Product: "product", Min: "min", Max: "max", Last: "last", Concat: "concat", Append: "append", Custom: "custom"}

// String returns the rule's name as written in model files.
func (r Rule) String() string {
	if int(r) < len(ruleNames) {
		return ruleNames[r]
	}
	return "invalid"
}

// ParseRule returns the rule with the given name (sum, product, min, max,
// last, concat).
func ParseRule(name string) (Rule, bool) {
	for i, n := range ruleNames {
		if n == name {
			return Rule(i), true
		}
	}
	return 0, false
}
