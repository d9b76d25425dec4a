#!/usr/bin/env node
// Interop check: proves that real Parquet clients (DuckDB and Polars, as
// published on npm) read statecraft datasets the way _manifest.json says.
//
//   npm ci && node check.mjs DATASET_DIR [DATASET_DIR...]
//
// A dataset is a directory with one or more part files (*.parquet, not
// starting with '.' or '_') and a _manifest.json giving the total row count and the
// ordered column list with statecraft type names. Everything else in the
// directory (hidden temp files, notes) is ignored. Agent variables written
// as tables of their own (output.agents = "table") are listed in the
// manifest's "tables", each with its directory, rows, columns and files:
// each table is checked like the substep table, and its rows must join
// the substep table's on the five ids, each exactly once, with agent
// positions 0..n-1 in every substep row.
//
// Exit status: 0 all datasets pass in both clients, 1 any mismatch (every
// mismatch is printed as "FAIL <client>: <dataset>: ..."), 2 usage error.

import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';
import pl from 'nodejs-polars';

const REQUIRED_KV_KEYS = [
  'statecraft.model',
  'statecraft.model_hash',
  'statecraft.seed',
  'statecraft.version',
  'statecraft.config',
];
// cadCAD index columns every statecraft dataset carries.
const INDEX_COLUMNS = ['simulation', 'subset', 'run', 'timestep', 'substep'];
// An agent table's index columns: the substep row's ids and the record's
// position in that row.
const AGENT_INDEX_COLUMNS = [...INDEX_COLUMNS, 'agent'];
// A graph variable's node and edge tables' (manifest kind graph_nodes and
// graph_edges): the substep row's ids, then the node id, or the edge's
// endpoints and weight.
const GRAPH_NODE_INDEX_COLUMNS = [...INDEX_COLUMNS, 'node'];
const GRAPH_EDGE_INDEX_COLUMNS = [...INDEX_COLUMNS, 'from', 'to', 'weight'];
// The KPI table's: one row per job.
const KPI_INDEX_COLUMNS = ['simulation', 'subset', 'run'];
const SCALARS = ['int32', 'int64', 'float64', 'bool', 'string'];
const NUMERIC = new Set(['int32', 'int64', 'float64']);

// ---------------------------------------------------------------- types --
// A type is {kind: scalar} | {kind: 'list', elem} | {kind: 'struct', fields:
// [{name, type}]} | {kind: 'other', name} (a client type with no statecraft
// equivalent, kept only to print it).

function parseType(src) {
  let i = 0;
  const ws = () => { while (i < src.length && /\s/.test(src[i])) i++; };
  const expect = (c) => {
    ws();
    if (src[i] !== c) throw new Error(`expected '${c}' at offset ${i} in "${src}"`);
    i++;
  };
  const ident = () => {
    ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (!m) throw new Error(`expected a name at offset ${i} in "${src}"`);
    i += m[0].length;
    return m[0];
  };
  const type = () => {
    const name = ident();
    if (SCALARS.includes(name)) return { kind: name };
    if (name === 'list') {
      expect('<');
      const elem = type();
      expect('>');
      return { kind: 'list', elem };
    }
    if (name === 'struct') {
      expect('<');
      const fields = [];
      for (;;) {
        const fname = ident();
        expect(':');
        fields.push({ name: fname, type: type() });
        ws();
        if (src[i] === ',') { i++; continue; }
        break;
      }
      expect('>');
      return { kind: 'struct', fields };
    }
    throw new Error(`unsupported type "${name}" in "${src}"`);
  };
  const t = type();
  ws();
  if (i !== src.length) throw new Error(`trailing text at offset ${i} in "${src}"`);
  return t;
}

function fmtType(t) {
  switch (t.kind) {
    case 'list': return `list<${fmtType(t.elem)}>`;
    case 'struct': return `struct<${t.fields.map((f) => `${f.name}: ${fmtType(f.type)}`).join(', ')}>`;
    case 'other': return t.name;
    default: return t.kind;
  }
}

const DUCK_SCALAR = { int32: 'INTEGER', int64: 'BIGINT', float64: 'DOUBLE', bool: 'BOOLEAN', string: 'VARCHAR' };
function duckName(t) {
  switch (t.kind) {
    case 'list': return `${duckName(t.elem)}[]`;
    case 'struct': return `STRUCT(${t.fields.map((f) => `${sqlIdent(f.name)} ${duckName(f.type)}`).join(', ')})`;
    case 'other': return t.name;
    default: return DUCK_SCALAR[t.kind];
  }
}

function fromDuck(dt) {
  switch (dt.typeId) {
    case DuckDBTypeId.INTEGER: return { kind: 'int32' };
    case DuckDBTypeId.BIGINT: return { kind: 'int64' };
    case DuckDBTypeId.DOUBLE: return { kind: 'float64' };
    case DuckDBTypeId.BOOLEAN: return { kind: 'bool' };
    case DuckDBTypeId.VARCHAR: return { kind: 'string' };
    case DuckDBTypeId.LIST: return { kind: 'list', elem: fromDuck(dt.valueType) };
    case DuckDBTypeId.STRUCT:
      return {
        kind: 'struct',
        fields: dt.entryNames.map((name, k) => ({ name, type: fromDuck(dt.entryTypes[k]) })),
      };
    default: return { kind: 'other', name: dt.toString() };
  }
}

const POLARS_SCALAR = { int32: 'Int32', int64: 'Int64', float64: 'Float64', bool: 'Bool', string: 'String' };
function polarsName(t) {
  switch (t.kind) {
    case 'list': return `List(${polarsName(t.elem)})`;
    case 'struct': return `Struct(${t.fields.map((f) => `${f.name}: ${polarsName(f.type)}`).join(', ')})`;
    case 'other': return t.name;
    default: return POLARS_SCALAR[t.kind];
  }
}

function fromPolars(dt) {
  switch (dt.variant) {
    case 'Int32': return { kind: 'int32' };
    case 'Int64': return { kind: 'int64' };
    case 'Float64': return { kind: 'float64' };
    case 'Bool': return { kind: 'bool' };
    case 'String':
    case 'Utf8': return { kind: 'string' };
    case 'List': return { kind: 'list', elem: fromPolars(dt.inner[0]) };
    case 'Struct':
      return { kind: 'struct', fields: dt.fields.map((f) => ({ name: f.name, type: fromPolars(f.dtype) })) };
    default: {
      // Show the full type, e.g. LargeList/Datetime/Categorical details.
      let s = String(dt);
      const m = /^DataType\((.*)\)$/.exec(s);
      if (m) s = m[1];
      return { kind: 'other', name: s };
    }
  }
}

// ------------------------------------------------------------ reporting --

let failures = 0;
class Abort extends Error {}

function reporter(client, dir) {
  return {
    fail(msg) {
      failures++;
      console.log(`FAIL ${client}: ${dir}: ${msg}`);
    },
    colFail(col, what, expected, actual) {
      this.fail(`column "${col}": ${what}: expected ${expected}, actual ${actual}`);
    },
    // A failure after which this client's remaining checks make no sense.
    abort(msg) {
      this.fail(msg);
      throw new Abort(msg);
    },
  };
}

function sqlStr(s) {
  return `'${String(s).replaceAll("'", "''")}'`;
}
function sqlIdent(s) {
  return `"${String(s).replaceAll('"', '""')}"`;
}
function num(v) {
  if (v === null || v === undefined) return null;
  return Number(v); // BigInt (BIGINT/HUGEINT) or number
}
function sameNumber(a, b) {
  if (a === null || b === null) return a === b;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  // Engines add in different orders; allow rounding, nothing more.
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

// Compares each file's column names and types with the manifest. Identical
// mismatches in several files are reported once, naming the files.
function compareSchemas(rep, columns, schemas, typeWord, clientName) {
  const found = new Map(); // message -> [files]
  const add = (msg, file) => {
    if (!found.has(msg)) found.set(msg, []);
    found.get(msg).push(file);
  };
  const wantNames = columns.map((c) => c.name);
  for (const { file, names, types } of schemas) {
    if (names.length !== columns.length) {
      add(`column count: expected ${columns.length} (${wantNames.join(', ')}), actual ${names.length} (${names.join(', ')})`, file);
    }
    columns.forEach((want, k) => {
      if (names[k] !== want.name) {
        add(`column "${want.name}": name at position ${k}: expected ${JSON.stringify(want.name)}, actual ${JSON.stringify(names[k] ?? null)}`, file);
        return;
      }
      if (fmtType(types[k].t) !== fmtType(want.type)) {
        add(`column "${want.name}": ${typeWord}: expected ${clientName(want.type)} (manifest ${fmtType(want.type)}), actual ${types[k].shown}`, file);
      }
    });
  }
  for (const [msg, files] of found) {
    const where = files.length === schemas.length && schemas.length > 1 ? `all ${files.length} part files` : files.join(', ');
    rep.fail(`${msg} [${where}]`);
  }
}

// ------------------------------------------------------------- manifest --

function parseColumns(cols, rep, what) {
  if (!Array.isArray(cols) || cols.length === 0) {
    rep.abort(`${what} "columns" must be a non-empty array`);
  }
  return cols.map((c, k) => {
    if (!c || typeof c.name !== 'string' || typeof c.type !== 'string') {
      rep.abort(`${what} column #${k} must have string "name" and "type", got ${JSON.stringify(c)}`);
    }
    try {
      return { name: c.name, type: parseType(c.type) };
    } catch (e) {
      rep.abort(`${what} column "${c.name}": ${e.message}`);
    }
    return null;
  });
}

// partFiles lists the *.parquet part files of a directory (not starting
// with '.' or '_', the names pyarrow and Spark skip), sorted.
function partFiles(dir, rep) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    rep.abort(`cannot list ${dir}: ${e.message}`);
  }
  return entries
    .filter((e) => e.name.endsWith('.parquet') && !e.name.startsWith('.') && !e.name.startsWith('_'))
    .filter((e) => e.isFile() || (e.isSymbolicLink() && fs.statSync(path.join(dir, e.name)).isFile()))
    .map((e) => path.join(dir, e.name))
    .sort();
}

// loadDataset reads the manifest; it returns the substep table and the
// agent tables, each {label, dir, rows, columns, parts, index, model}.
function loadDataset(dir, rep) {
  const mpath = path.join(dir, '_manifest.json');
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(mpath, 'utf8'));
  } catch (e) {
    rep.abort(`cannot read ${mpath}: ${e.message}`);
  }
  const checkRows = (rows, what) => {
    if (!Number.isSafeInteger(rows) || rows < 0) {
      rep.abort(`${what} "rows" must be a non-negative integer, got ${JSON.stringify(rows)}`);
    }
  };
  checkRows(manifest.rows, 'manifest');
  const columns = parseColumns(manifest.columns, rep, 'manifest');
  const names = columns.map((c) => c.name);
  for (const ic of INDEX_COLUMNS) {
    if (!names.includes(ic)) rep.abort(`manifest has no index column "${ic}" (columns: ${names.join(', ')})`);
  }
  const parts = partFiles(dir, rep);
  if (parts.length === 0) rep.abort(`no *.parquet part files in ${dir}`);
  // The manifest's files are the directory's (pyarrow and Spark read
  // them all: every other name starts with '.' or '_').
  if (manifest.files !== undefined) {
    const listed = manifest.files.map((f) => path.join(dir, f.name)).sort();
    if (JSON.stringify(listed) !== JSON.stringify(parts)) {
      rep.abort(`manifest files: expected ${listed.map((f) => path.relative(dir, f)).join(', ') || 'none'}, actual ${parts.map((f) => path.relative(dir, f)).join(', ') || 'none'}`);
    }
  }
  const main = { label: dir, dir, rows: manifest.rows, columns, parts, index: INDEX_COLUMNS, model: manifest.model };

  const tables = [];
  const mt = manifest.tables ?? {};
  if (typeof mt !== 'object' || Array.isArray(mt)) rep.abort(`manifest "tables" must be an object, got ${JSON.stringify(mt)}`);
  // The KPI table (with [kpis]) is read as the agent tables are, on its
  // own ids: one row per job.
  const indexOf = (t) => ({ graph_nodes: GRAPH_NODE_INDEX_COLUMNS, graph_edges: GRAPH_EDGE_INDEX_COLUMNS })[t?.kind] ?? AGENT_INDEX_COLUMNS;
  const all = Object.keys(mt).sort().map((name) => [name, mt[name], indexOf(mt[name])]);
  if (manifest.kpis) all.push(['_kpis', manifest.kpis, KPI_INDEX_COLUMNS]);
  for (const [name, t, index] of all) {
    const what = `manifest table "${name}"`;
    if (!t || typeof t.dir !== 'string' || t.dir === '' || t.dir.includes('..') || path.isAbsolute(t.dir)) {
      rep.abort(`${what}: "dir" must be a directory relative to the dataset, got ${JSON.stringify(t?.dir)}`);
    }
    checkRows(t.rows, what);
    const tcols = parseColumns(t.columns, rep, what);
    const tnames = tcols.map((c) => c.name);
    index.forEach((ic, k) => {
      if (tnames[k] !== ic) rep.abort(`${what}: column ${k} must be "${ic}" (columns: ${tnames.join(', ')})`);
    });
    const tdir = path.join(dir, t.dir);
    const tparts = partFiles(tdir, rep);
    // The manifest's files (relative to the dataset) are the directory's.
    const listed = (t.files ?? []).map((f) => path.join(dir, f.name)).sort();
    if (JSON.stringify(listed) !== JSON.stringify(tparts)) {
      rep.abort(`${what}: files: expected the manifest's ${listed.map((f) => path.relative(dir, f)).join(', ') || 'none'}, actual ${tparts.map((f) => path.relative(dir, f)).join(', ') || 'none'}`);
    }
    const sum = (t.files ?? []).reduce((n, f) => n + f.rows, 0);
    if (sum !== t.rows) rep.abort(`${what}: rows ${t.rows}, but its files' rows add up to ${sum}`);
    if (tparts.length === 0) rep.abort(`${what}: no *.parquet part files in ${tdir}`);
    tables.push({ label: `${dir} [table ${name}]`, name, dir: tdir, rows: t.rows, columns: tcols, parts: tparts, index, model: manifest.model });
  }
  // An edge table's endpoints are checked against its node table.
  for (const t of tables) {
    if (t.index === GRAPH_EDGE_INDEX_COLUMNS) {
      t.nodes = tables.find((n) => n.name === t.name.replace(/\.edges$/, '.nodes'));
      if (!t.nodes) rep.abort(`manifest table "${t.name}": no node table ${t.name.replace(/\.edges$/, '.nodes')} beside it`);
    }
  }
  return { main, tables };
}

// Per-column aggregates that both clients compute, so a mismatch proves they
// decoded different values. Each returns a map key -> number.
function aggregatePlan(columns) {
  const plan = []; // {key, col, duck: SQL expr, polars: () => Expr}
  for (const c of columns) {
    const q = sqlIdent(c.name);
    const t = c.type;
    plan.push({
      key: `${c.name}: null count`, col: c.name,
      duck: `(count(*) - count(${q}))::DOUBLE`,
      polars: () => pl.col(c.name).nullCount().cast(pl.Float64),
    });
    if (NUMERIC.has(t.kind)) {
      plan.push({
        key: `${c.name}: sum`, col: c.name,
        duck: `coalesce(sum(${q}), 0)::DOUBLE`,
        polars: () => pl.col(c.name).cast(pl.Float64).sum(),
      });
    } else if (t.kind === 'bool') {
      plan.push({
        key: `${c.name}: count true`, col: c.name,
        duck: `count(*) FILTER (WHERE ${q})::DOUBLE`,
        polars: () => pl.col(c.name).cast(pl.Int64).sum().cast(pl.Float64),
      });
    } else if (t.kind === 'string') {
      plan.push({
        key: `${c.name}: distinct non-null values`, col: c.name,
        duck: `count(DISTINCT ${q})::DOUBLE`,
        polars: () => pl.col(c.name).dropNulls().nUnique().cast(pl.Float64),
      });
    } else if (t.kind === 'list') {
      plan.push({
        key: `${c.name}: total list elements`, col: c.name,
        duck: `coalesce(sum(len(${q})), 0)::DOUBLE`,
        polars: () => pl.col(c.name).lst.lengths().cast(pl.Float64).sum(),
      });
      if (NUMERIC.has(t.elem.kind)) {
        plan.push({
          key: `${c.name}: sum of elements`, col: c.name,
          duck: `coalesce(sum(list_sum(${q})), 0)::DOUBLE`,
          polars: () => pl.col(c.name).explode().cast(pl.Float64).sum(),
        });
      } else if (t.elem.kind === 'struct') {
        for (const f of t.elem.fields) {
          if (!NUMERIC.has(f.type.kind)) continue;
          plan.push({
            key: `${c.name}: sum of .${f.name}`, col: c.name,
            duck: `coalesce(sum(list_sum(list_transform(${q}, x -> x.${sqlIdent(f.name)}))), 0)::DOUBLE`,
            polars: () => pl.col(c.name).explode().struct.field(f.name).cast(pl.Float64).sum(),
          });
        }
      }
    }
  }
  return plan;
}

// --------------------------------------------------------------- DuckDB --

// checkDuckDB checks one table (the substep table or an agent table):
// t = {label, dir, rows, columns, parts, index, model}.
async function checkDuckDB(con, t) {
  const rep = reporter('duckdb', t.label);
  const { dir, columns, parts, index } = t;
  const list = `[${parts.map(sqlStr).join(', ')}]`;
  const run = async (sql, what) => {
    try {
      return await con.runAndReadAll(sql);
    } catch (e) {
      return rep.abort(`${what} failed: ${e.message.split('\n')[0]}`);
    }
  };
  const before = failures;

  // Schema: every part file on its own (so a bad file is named), then the union.
  const schemas = [];
  for (const p of parts) {
    const r = await run(`SELECT * FROM read_parquet(${sqlStr(p)}) LIMIT 0`, `reading ${path.basename(p)}`);
    schemas.push({ file: path.basename(p), names: r.columnNames(), types: r.columnTypes().map((t) => ({ t: fromDuck(t), shown: t.toString() })) });
  }
  compareSchemas(rep, columns, schemas, 'type', duckName);
  if (failures === before) {
    const all = await run(`SELECT * FROM read_parquet(${list}) LIMIT 0`, 'reading all part files');
    compareSchemas(rep, columns, [{ file: 'all parts together', names: all.columnNames(), types: all.columnTypes().map((t) => ({ t: fromDuck(t), shown: t.toString() })) }], 'type', duckName);
  }
  if (failures !== before) throw new Abort('schema mismatch');

  // Row count.
  const cnt = await run(`SELECT count(*) AS n FROM read_parquet(${list})`, 'count(*)');
  const rows = num(cnt.getRows()[0][0]);
  if (rows !== t.rows) {
    rep.fail(`row count: expected ${t.rows} (manifest rows), actual ${rows} (${parts.length} part files)`);
  }

  // Key-value metadata of every part file.
  const kv = await run(
    `SELECT file_name, CAST(key AS VARCHAR) AS k, CAST(value AS VARCHAR) AS v FROM parquet_kv_metadata(${list})`,
    'parquet_kv_metadata');
  const byFile = new Map(parts.map((p) => [p, new Map()]));
  for (const [file, k, v] of kv.getRows()) {
    const m = byFile.get(file) ?? byFile.get(path.resolve(file));
    if (m) m.set(k, v);
  }
  for (const [file, m] of byFile) {
    const missing = REQUIRED_KV_KEYS.filter((k) => !m.has(k));
    if (missing.length) {
      rep.fail(`${path.basename(file)}: key-value metadata: expected keys ${REQUIRED_KV_KEYS.join(', ')}, missing ${missing.join(', ')} (has: ${[...m.keys()].join(', ') || 'none'})`);
    }
    const model = t.model ?? {};
    for (const [key, want] of [['statecraft.model', model.name], ['statecraft.model_hash', model.hash]]) {
      if (typeof want === 'string' && m.has(key) && m.get(key) !== want) {
        rep.fail(`${path.basename(file)}: key-value metadata ${key}: expected ${JSON.stringify(want)} (manifest model), actual ${JSON.stringify(m.get(key))}`);
      }
    }
  }

  // Sanity: cadCAD index columns are present, non-null, timesteps non-negative.
  const q = (c) => sqlIdent(c);
  const san = await run(
    `SELECT ${index.includes('timestep') ? `min(${q('timestep')}) AS tmin, max(${q('timestep')}) AS tmax` : '0 AS tmin, 0 AS tmax'},
            count(DISTINCT (${q('simulation')}, ${q('subset')}, ${q('run')})) AS runs,
            count(*) FILTER (WHERE ${index.map((c) => `${q(c)} IS NULL`).join(' OR ')}) AS null_index
     FROM read_parquet(${list})`,
    'sanity query');
  const s = san.getRowObjects()[0];
  const tmin = num(s.tmin); const tmax = num(s.tmax);
  const runs = num(s.runs); const nullIndex = num(s.null_index);
  if (nullIndex !== 0) rep.fail(`index columns (${index.join(', ')}): expected no nulls, actual ${nullIndex} rows with a null`);
  if (rows > 0 && tmin < 0) rep.colFail('timestep', 'minimum', '>= 0', tmin);
  if (rows > 0 && runs < 1 && t.index === INDEX_COLUMNS) rep.fail(`distinct (simulation, subset, run): expected >= 1, actual ${runs}`);

  // Aggregates for the cross-check with Polars.
  const plan = aggregatePlan(columns);
  const agg = await run(
    `SELECT ${plan.map((p, k) => `${p.duck} AS a${k}`).join(', ')} FROM read_parquet(${list})`,
    'aggregate query');
  const row = agg.getRows()[0];
  const aggregates = new Map(plan.map((p, k) => [p.key, num(row[k])]));

  // DuckDB's own glob matches dot-files too: warn if a naive
  // read_parquet('DIR/*.parquet') would pick up something we ignore.
  const g = await run(`SELECT file FROM glob(${sqlStr(path.join(dir, '*.parquet'))})`, 'glob');
  const extra = g.getRows().map((r) => r[0]).filter((f) => !parts.includes(f) && !parts.includes(path.resolve(f)));
  const warn = extra.length
    ? `\nduckdb warning: ${t.label}: read_parquet('${path.join(dir, '*.parquet')}') would also read ${extra.map((f) => path.basename(f)).join(', ')}; this check reads only ${parts.length} part files`
    : '';

  if (failures === before) {
    const span = rows > 0 ? `timestep ${tmin}..${tmax}, ${runs} runs` : 'no rows';
    console.log(`duckdb ok: ${t.label}: ${rows} rows, ${columns.length} columns (${parts.length} part files, ${span})${warn}`);
  } else if (warn) {
    console.log(warn.trim());
  }
  return { rows, aggregates, plan };
}

// --------------------------------------------------------------- Polars --

// checkPolars checks one table like checkDuckDB and compares the
// aggregates with DuckDB's; it returns the table's DataFrame.
function checkPolars(t, duck) {
  const rep = reporter('polars', t.label);
  const { columns, parts } = t;
  const before = failures;
  const frames = [];
  const schemas = [];
  for (const p of parts) {
    let df;
    try {
      df = pl.readParquet(p);
    } catch (e) {
      rep.abort(`readParquet(${path.basename(p)}) failed: ${String(e.message ?? e).split('\n')[0]}`);
    }
    schemas.push({
      file: path.basename(p),
      names: df.columns,
      types: df.dtypes.map((d) => { const t = fromPolars(d); return { t, shown: polarsName(t) }; }),
    });
    frames.push(df);
  }
  compareSchemas(rep, columns, schemas, 'dtype', polarsName);
  if (failures !== before) throw new Abort('schema mismatch');

  let df;
  try {
    df = frames.length === 1 ? frames[0] : pl.concat(frames, { how: 'vertical' });
  } catch (e) {
    rep.abort(`concat of ${parts.length} part files failed: ${String(e.message ?? e).split('\n')[0]}`);
  }
  const rows = nrows(df);
  if (rows !== t.rows) {
    rep.fail(`row count: expected ${t.rows} (manifest rows), actual ${rows} (${parts.length} part files)`);
  }

  if (duck) {
    if (duck.rows !== rows) rep.fail(`row count: expected ${duck.rows} (DuckDB), actual ${rows}`);
    let out;
    try {
      out = df.select(...duck.plan.map((p, k) => p.polars().alias(`a${k}`))).toRecords()[0];
    } catch (e) {
      rep.abort(`aggregate select failed: ${String(e.message ?? e).split('\n')[0]}`);
    }
    duck.plan.forEach((p, k) => {
      const want = duck.aggregates.get(p.key);
      const got = num(out[`a${k}`]);
      if (!sameNumber(want, got)) {
        rep.colFail(p.col, p.key.slice(p.col.length + 2), `${want} (DuckDB)`, got);
      }
    });
  }
  if (failures === before) {
    const note = duck ? `, ${duck.plan.length} aggregates equal to DuckDB's` : '';
    console.log(`polars ok: ${t.label}: ${rows} rows, ${columns.length} columns (${parts.length} part files${note})`);
  }
  return df;
}

// ---------------------------------------------------------- agent joins --

// checkJoinDuckDB: every agent row joins exactly one substep row on the
// five ids, and the agents of a substep row are numbered 0..n-1.
async function checkJoinDuckDB(con, main, t) {
  const rep = reporter('duckdb', t.label);
  const list = (ps) => `[${ps.map(sqlStr).join(', ')}]`;
  if (t.index === KPI_INDEX_COLUMNS) return checkKPIsDuckDB(con, main, t, rep, list);
  if (t.index === GRAPH_NODE_INDEX_COLUMNS || t.index === GRAPH_EDGE_INDEX_COLUMNS) return checkGraphDuckDB(con, main, t, rep, list);
  const ids = INDEX_COLUMNS.map(sqlIdent).join(', ');
  let r;
  try {
    r = await con.runAndReadAll(
      `SELECT (SELECT count(*) FROM read_parquet(${list(t.parts)}) a JOIN read_parquet(${list(main.parts)}) s USING (${ids})) AS joined,
              (SELECT count(*) FROM read_parquet(${list(t.parts)}) a ANTI JOIN read_parquet(${list(main.parts)}) s USING (${ids})) AS unmatched,
              (SELECT count(*) FROM (SELECT ${ids}, count(*) AS n, count(DISTINCT agent) AS d, min(agent) AS lo, max(agent) AS hi
                                     FROM read_parquet(${list(t.parts)}) GROUP BY ALL)
               WHERE lo <> 0 OR hi <> n - 1 OR d <> n) AS misnumbered`);
  } catch (e) {
    return rep.fail(`join with the substep table failed: ${e.message.split('\n')[0]}`);
  }
  const o = r.getRowObjects()[0];
  const joined = num(o.joined); const unmatched = num(o.unmatched); const bad = num(o.misnumbered);
  const before = failures;
  if (unmatched !== 0) rep.fail(`join with the substep table on (${INDEX_COLUMNS.join(', ')}): expected every agent row to match, actual ${unmatched} rows without a substep row`);
  if (joined !== t.rows) rep.fail(`join with the substep table: expected ${t.rows} joined rows (one substep row per agent row), actual ${joined}`);
  if (bad !== 0) rep.fail(`agent: expected positions 0..n-1 in every substep row, actual ${bad} substep rows otherwise`);
  if (failures === before) console.log(`duckdb ok: ${t.label}: all ${joined} agent rows join the substep table, agents numbered 0..n-1`);
}

// checkGraphDuckDB: every row of a graph's node or edge table joins a
// substep row; a node appears once per snapshot, an edge (from, to) once,
// and an edge's endpoints are nodes of the same snapshot.
async function checkGraphDuckDB(con, main, t, rep, list) {
  const ids = INDEX_COLUMNS.map(sqlIdent).join(', ');
  const edges = t.index === GRAPH_EDGE_INDEX_COLUMNS;
  const key = edges ? `${ids}, "from", "to"` : `${ids}, node`;
  let r;
  try {
    const ends = edges
      ? `(SELECT count(*) FROM read_parquet(${list(t.parts)}) e ANTI JOIN read_parquet(${list(t.nodes.parts)}) n
            ON ${INDEX_COLUMNS.map((c) => `e.${sqlIdent(c)} = n.${sqlIdent(c)}`).join(' AND ')} AND (e."from" = n.node))
        + (SELECT count(*) FROM read_parquet(${list(t.parts)}) e ANTI JOIN read_parquet(${list(t.nodes.parts)}) n
            ON ${INDEX_COLUMNS.map((c) => `e.${sqlIdent(c)} = n.${sqlIdent(c)}`).join(' AND ')} AND (e."to" = n.node))`
      : '0';
    r = await con.runAndReadAll(
      `SELECT (SELECT count(*) FROM read_parquet(${list(t.parts)}) a SEMI JOIN read_parquet(${list(main.parts)}) s USING (${ids})) AS joined,
              (SELECT count(*) FROM (SELECT ${key}, count(*) AS n FROM read_parquet(${list(t.parts)}) GROUP BY ALL) WHERE n > 1) AS repeated,
              ${ends} AS dangling`);
  } catch (e) {
    return rep.fail(`graph table check failed: ${e.message.split('\n')[0]}`);
  }
  const o = r.getRowObjects()[0];
  const joined = num(o.joined); const repeated = num(o.repeated); const dangling = num(o.dangling);
  const before = failures;
  if (joined !== t.rows) rep.fail(`join with the substep table: expected all ${t.rows} rows to have a substep row, actual ${joined}`);
  if (repeated !== 0) rep.fail(`expected each ${edges ? 'edge (from, to)' : 'node'} once per snapshot, actual ${repeated} repeated`);
  if (dangling !== 0) rep.fail(`edges: expected both endpoints in the node table's snapshot, actual ${dangling} missing`);
  if (failures === before) console.log(`duckdb ok: ${t.label}: all ${t.rows} ${edges ? 'edge' : 'node'} rows join the substep table, each once per snapshot${edges ? ', endpoints in the node table' : ''}`);
}

// checkKPIsDuckDB: the KPI table has one row per run of the substep table.
async function checkKPIsDuckDB(con, main, t, rep, list) {
  const ids = KPI_INDEX_COLUMNS.map(sqlIdent).join(', ');
  let r;
  try {
    r = await con.runAndReadAll(
      `SELECT (SELECT count(DISTINCT (${ids})) FROM read_parquet(${list(main.parts)})) AS runs,
              (SELECT count(DISTINCT (${ids})) FROM read_parquet(${list(t.parts)})) AS kpi_runs,
              (SELECT count(*) FROM read_parquet(${list(t.parts)}) k ANTI JOIN (SELECT DISTINCT ${ids} FROM read_parquet(${list(main.parts)})) s USING (${ids})) AS unmatched`);
  } catch (e) {
    return rep.fail(`join with the substep table failed: ${e.message.split('\n')[0]}`);
  }
  const o = r.getRowObjects()[0];
  const runs = num(o.runs); const kruns = num(o.kpi_runs); const unmatched = num(o.unmatched);
  const before = failures;
  if (unmatched !== 0) rep.fail(`KPI rows without a run in the substep table: expected 0, actual ${unmatched}`);
  if (kruns !== runs || kruns !== t.rows) rep.fail(`KPI rows: expected one per run (${runs} runs), actual ${t.rows} rows for ${kruns} distinct runs`);
  if (failures === before) console.log(`duckdb ok: ${t.label}: one KPI row for each of the ${runs} runs`);
}

// checkJoinPolars: the inner join of the agent rows with the substep
// table's ids keeps every agent row once; an anti join keeps none.
function checkJoinPolars(mainDf, df, t) {
  const rep = reporter('polars', t.label);
  if (t.index === KPI_INDEX_COLUMNS) {
    let runs; let unmatched; let rows;
    try {
      const ids = mainDf.select(...KPI_INDEX_COLUMNS).unique();
      runs = nrows(ids);
      rows = nrows(df.select(...KPI_INDEX_COLUMNS).unique());
      unmatched = nrows(df.join(ids, { on: KPI_INDEX_COLUMNS, how: 'anti' }));
    } catch (e) {
      return rep.fail(`join with the substep table failed: ${String(e.message ?? e).split('\n')[0]}`);
    }
    const before = failures;
    if (unmatched !== 0) rep.fail(`anti join with the substep table's runs: expected 0 KPI rows without a run, actual ${unmatched}`);
    if (rows !== runs || rows !== t.rows) rep.fail(`KPI rows: expected one per run (${runs} runs), actual ${t.rows} rows for ${rows} distinct runs`);
    if (failures === before) console.log(`polars ok: ${t.label}: one KPI row for each of the ${runs} runs`);
    return;
  }
  let joined; let unmatched;
  try {
    // a graph table has many rows per substep row: join on the distinct ids
    const ids = mainDf.select(...INDEX_COLUMNS).unique();
    joined = nrows(df.join(ids, { on: INDEX_COLUMNS, how: 'inner' }));
    unmatched = nrows(df.join(ids, { on: INDEX_COLUMNS, how: 'anti' }));
  } catch (e) {
    return rep.fail(`join with the substep table failed: ${String(e.message ?? e).split('\n')[0]}`);
  }
  const before = failures;
  if (unmatched !== 0) rep.fail(`anti join with the substep table: expected 0 agent rows without a substep row, actual ${unmatched}`);
  if (joined !== t.rows) rep.fail(`inner join with the substep table: expected ${t.rows} rows, actual ${joined}`);
  if (failures === before) console.log(`polars ok: ${t.label}: all ${joined} rows join the substep table`);
}

// nrows is a DataFrame's row count. nodejs-polars answers df.height with
// the column of that name when the frame has one (a graph's node table
// does: a consensus height), so the shape is asked for instead.
function nrows(df) {
  return df.shape.height;
}

// ----------------------------------------------------------------- main --

async function main(argv) {
  if (argv.length === 0 || argv.includes('-h') || argv.includes('--help')) {
    console.error('usage: node check.mjs DATASET_DIR [DATASET_DIR...]');
    return 2;
  }
  const started = process.hrtime.bigint();
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  try {
    for (const arg of argv) {
      const dir = path.resolve(arg);
      let ds;
      try {
        ds = loadDataset(dir, reporter('manifest', dir));
      } catch (e) {
        if (e instanceof Abort) continue;
        throw e;
      }
      let mainDf = null;
      for (const t of [ds.main, ...ds.tables]) {
        let duck = null;
        try {
          duck = await checkDuckDB(con, t);
        } catch (e) {
          if (!(e instanceof Abort)) throw e;
        }
        let df = null;
        try {
          df = checkPolars(t, duck);
        } catch (e) {
          if (!(e instanceof Abort)) throw e;
        }
        if (t === ds.main) {
          mainDf = df;
          continue;
        }
        await checkJoinDuckDB(con, ds.main, t);
        if (mainDf && df) checkJoinPolars(mainDf, df, t);
      }
    }
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  if (failures) {
    console.log(`interop FAILED: ${failures} mismatch(es) in ${argv.length} dataset(s) (${secs.toFixed(2)}s)`);
    return 1;
  }
  console.log(`interop ok: ${argv.length} dataset(s) read identically by DuckDB and Polars (${secs.toFixed(2)}s)`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
