package runner

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/gds"
	"github.com/statecraft/statecraft/runner/dataset"
)

// agentIDFields are the columns that start every agent table: the five
// id columns of the substep row, and agent (int32, the record's position
// in that row, 0..n-1).
func agentIDFields() []arrow.Field {
	return append(idFields(), arrow.Field{Name: "agent", Type: arrow.PrimitiveTypes.Int32})
}

// AgentIDColumns are the names of the columns that start every agent
// table: IDColumns, then agent.
func AgentIDColumns() []string { return fieldNames(agentIDFields()) }

// IDColumns are the names of the five id columns that start every table
// of a dataset: simulation, subset, run, timestep, substep.
func IDColumns() []string { return fieldNames(idFields()) }

func fieldNames(fields []arrow.Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Name
	}
	return out
}

// idFields are the five id columns that start every table of a dataset.
func idFields() []arrow.Field {
	return []arrow.Field{
		{Name: "simulation", Type: arrow.PrimitiveTypes.Int32},
		{Name: "subset", Type: arrow.PrimitiveTypes.Int32},
		{Name: "run", Type: arrow.PrimitiveTypes.Int32},
		{Name: "timestep", Type: arrow.PrimitiveTypes.Int64},
		{Name: "substep", Type: arrow.PrimitiveTypes.Int32},
	}
}

// AgentsTable reports whether agent variables are written as tables of
// their own (output.agents = "table", the default) rather than as
// list<struct> columns of the substep table (output.agents = "list").
func (p *Plan) AgentsTable() bool { return p.Config.Output.Agents == configs.AgentsTable }

// AgentTables returns the agent variables written as tables of their own,
// in declaration order: every written variable of kind gds.KindAgents, or
// none with output.agents = "list". Variable v's table is the directory
// dataset.TableDir(v), with the part file names of the substep table.
func (p *Plan) AgentTables() []gds.VarInfo {
	if !p.AgentsTable() {
		return nil
	}
	var out []gds.VarInfo
	for _, v := range p.Vars {
		if v.Kind == gds.KindAgents {
			out = append(out, v)
		}
	}
	return out
}

// Schema returns the Arrow schema of the dataset's substep table: the five
// id columns, the varying parameters, then the state variables (without
// the agent variables written as tables of their own, see AgentTables).
func (p *Plan) Schema(meta map[string]string) *arrow.Schema {
	fields := idFields()
	fields = append(fields, p.sweptFields()...)
	table := p.AgentsTable()
	for _, v := range p.Vars {
		if table && v.Kind == gds.KindAgents || v.Kind == gds.KindGraph {
			continue
		}
		fields = append(fields, arrow.Field{Name: v.Name, Type: arrowType(v.Kind, v.Fields)})
	}
	return arrow.NewSchema(fields, arrowMeta(meta))
}

// sweptFields are the columns of the swept values: the varying
// parameters, then the varying initial values (InitColumn).
func (p *Plan) sweptFields() []arrow.Field {
	var fields []arrow.Field
	for _, pc := range p.ParamCols {
		fields = append(fields, arrow.Field{Name: pc.Name, Type: arrowType(pc.Kind, nil)})
	}
	for _, v := range p.InitCols {
		fields = append(fields, arrow.Field{Name: InitColumn(v.Name), Type: arrowType(v.Kind, nil)})
	}
	return fields
}

// AgentSchema returns the Arrow schema of agent variable v's table: the
// five id columns of the substep row, agent (int32, the record's position
// in that row, 0..n-1), then one column per record field.
func (p *Plan) AgentSchema(v gds.VarInfo, meta map[string]string) *arrow.Schema {
	fields := agentIDFields()
	for _, f := range v.Fields {
		fields = append(fields, arrow.Field{Name: f.Name, Type: arrowType(f.Kind, nil)})
	}
	return arrow.NewSchema(fields, arrowMeta(meta))
}

// AgentSchemas returns the schemas of the agent tables, in the order of
// AgentTables.
func (p *Plan) AgentSchemas(meta map[string]string) []*arrow.Schema {
	var out []*arrow.Schema
	for _, v := range p.AgentTables() {
		out = append(out, p.AgentSchema(v, meta))
	}
	return out
}

// TableSchemas returns the schemas of the secondary tables, in the
// order of the dataset's tables: the agent tables (AgentTables), then the
// graph tables (GraphTables).
func (p *Plan) TableSchemas(meta map[string]string) []*arrow.Schema {
	out := p.AgentSchemas(meta)
	for _, t := range p.GraphTables() {
		out = append(out, p.GraphSchema(t, meta))
	}
	return out
}

// tableKind is the manifest's kind of secondary table k (TableSchemas).
func (p *Plan) tableKind(k int) string {
	if n := len(p.AgentTables()); k >= n {
		if p.GraphTables()[k-n].Edges {
			return dataset.TableGraphEdges
		}
		return dataset.TableGraphNodes
	}
	return dataset.TableAgents
}

// GraphTable is one of the two tables of a written graph variable: its
// nodes or its edges.
type GraphTable struct {
	Var   gds.VarInfo
	Edges bool // the edge table (else the node table)
}

// Name is the table's name, the directory dataset.TableDir(Name): the
// variable's name with .nodes or .edges (no variable's name has a dot).
func (t GraphTable) Name() string {
	if t.Edges {
		return t.Var.Name + ".edges"
	}
	return t.Var.Name + ".nodes"
}

// GraphTables returns the node and edge tables of the written graph
// variables, in declaration order, each variable's nodes first.
func (p *Plan) GraphTables() []GraphTable {
	var out []GraphTable
	for _, v := range p.Vars {
		if v.Kind == gds.KindGraph {
			out = append(out, GraphTable{Var: v}, GraphTable{Var: v, Edges: true})
		}
	}
	return out
}

// graphLeadFields are the columns of a graph table after the five ids:
// node (int32) for nodes; from, to (int32) and weight (float64) for edges.
func graphLeadFields(edges bool) []arrow.Field {
	if edges {
		return []arrow.Field{{Name: "from", Type: arrow.PrimitiveTypes.Int32}, {Name: "to", Type: arrow.PrimitiveTypes.Int32},
			{Name: "weight", Type: arrow.PrimitiveTypes.Float64}}
	}
	return []arrow.Field{{Name: "node", Type: arrow.PrimitiveTypes.Int32}}
}

// GraphIDColumns are the names of the columns that start a graph's node
// table (edges false) or edge table: IDColumns, then node, or from, to
// and weight.
func GraphIDColumns(edges bool) []string {
	return fieldNames(append(idFields(), graphLeadFields(edges)...))
}

// GraphSchema returns the Arrow schema of graph table t: the five id
// columns of the substep row, the lead columns (GraphIDColumns), then one
// column per node or edge record field.
func (p *Plan) GraphSchema(t GraphTable, meta map[string]string) *arrow.Schema {
	fields := append(idFields(), graphLeadFields(t.Edges)...)
	rec := t.Var.Fields
	if t.Edges {
		rec = t.Var.EdgeFields
	}
	for _, f := range rec {
		fields = append(fields, arrow.Field{Name: f.Name, Type: arrowType(f.Kind, nil)})
	}
	return arrow.NewSchema(fields, arrowMeta(meta))
}

func arrowMeta(meta map[string]string) *arrow.Metadata {
	if len(meta) == 0 {
		return nil
	}
	keys, vals := make([]string, 0, len(meta)), make([]string, 0, len(meta))
	for _, k := range sortedKeysS(meta) {
		keys, vals = append(keys, k), append(vals, meta[k])
	}
	m := arrow.NewMetadata(keys, vals)
	return &m
}

func arrowType(k gds.Kind, fields []gds.FieldInfo) arrow.DataType {
	switch k {
	case gds.KindFloat:
		return arrow.PrimitiveTypes.Float64
	case gds.KindInt:
		return arrow.PrimitiveTypes.Int64
	case gds.KindBool:
		return arrow.FixedWidthTypes.Boolean
	case gds.KindString:
		return arrow.BinaryTypes.String
	case gds.KindVec:
		return arrow.ListOf(arrow.PrimitiveTypes.Float64)
	case gds.KindAgents:
		sf := make([]arrow.Field, len(fields))
		for i, f := range fields {
			sf[i] = arrow.Field{Name: f.Name, Type: arrowType(f.Kind, nil)}
		}
		return arrow.ListOf(arrow.StructOf(sf...))
	}
	panic(fmt.Sprintf("runner: no Arrow type for kind %s", k))
}

// TypeName is the type of a column as written in the manifest (_manifest.json):
// int32, int64, float64, bool, string, list<float64> or
// list<struct<name: type, ...>>.
func TypeName(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.Int32Type:
		return "int32"
	case *arrow.Int64Type:
		return "int64"
	case *arrow.Float64Type:
		return "float64"
	case *arrow.BooleanType:
		return "bool"
	case *arrow.StringType:
		return "string"
	case *arrow.ListType:
		return "list<" + TypeName(t.Elem()) + ">"
	case *arrow.StructType:
		parts := make([]string, t.NumFields())
		for i, f := range t.Fields() {
			parts[i] = f.Name + ": " + TypeName(f.Type)
		}
		return "struct<" + strings.Join(parts, ", ") + ">"
	}
	return t.String()
}

func sortedKeysS(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
