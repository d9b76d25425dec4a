#!/usr/bin/env node
// Notebook check: keeps examples/analysis.ipynb from rotting without running
// Python. It checks the notebook's JSON structure, runs every DuckDB query
// of the notebook with DuckDB (@duckdb/node-api) on a real dataset, and
// checks that every dataset path the notebook names exists.
//
//   node notebook.mjs NOTEBOOK.ipynb DATASET_DIR
//
// The convention the notebook follows, so that its queries can be found and
// filled in exactly as Python would:
//
// - The first code cell holds the parameters, as plain string assignments
//   (NAME = "value", comments allowed). It must set DATASET, the dataset
//   directory; the check replaces DATASET's value with DATASET_DIR and keeps
//   the others (VARIABLE, ...).
// - Every DuckDB query is one call duckdb.sql(f"""...""") (or with a plain
//   """...""" string): a single triple-quoted literal, prefix f or none, no
//   backslashes. Its only replacement fields are bare parameter names
//   ({DATASET}, { VARIABLE }); {{ and }} are literal braces. Any other
//   duckdb.NAME( call (query, execute, connect, ...) is an error: it would
//   go unchecked.
// - A string that names a path in the dataset is an f-string that starts the
//   path with {DATASET}/ and uses no fields but parameters. Each such path,
//   or glob (* and ? within a segment), must exist in DATASET_DIR; a glob
//   must match at least one file.
//
// Each query must run and return at least one row. When python3 is on the
// PATH, the code cells are also compiled with Python's own parser, and the
// queries Python's f-strings give (from its ast) must equal the ones this
// check filled in; without python3 that cross-check is skipped, with a note.
//
// Exit status: 0 all checks pass, 1 any failure (each printed as
// "FAIL notebook: ..."), 2 usage error.

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';

let failures = 0;
function fail(msg) {
  failures++;
  console.log(`FAIL notebook: ${msg}`);
}

// ------------------------------------------------------------ structure --

const CELL_KEYS = {
  code: new Set(['id', 'cell_type', 'metadata', 'execution_count', 'source', 'outputs']),
  markdown: new Set(['id', 'cell_type', 'metadata', 'attachments', 'source']),
  raw: new Set(['id', 'cell_type', 'metadata', 'attachments', 'source']),
};

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// cellName names a cell in messages: its 1-based position and its id.
function cellName(cell, i) {
  return cell && typeof cell.id === 'string' ? `cell ${i + 1} (id "${cell.id}")` : `cell ${i + 1}`;
}

// sourceText joins a cell's source (a string or a list of lines).
function sourceText(cell) {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

// checkStructure validates the notebook against the parts of nbformat 4
// that matter here, and returns its cells (or null when it cannot go on).
function checkStructure(nb) {
  if (!isObject(nb)) {
    fail('the notebook is not a JSON object');
    return null;
  }
  if (nb.nbformat !== 4) fail(`nbformat: expected 4, actual ${JSON.stringify(nb.nbformat)}`);
  if (!Number.isInteger(nb.nbformat_minor) || nb.nbformat_minor < 0) {
    fail(`nbformat_minor: expected a non-negative integer, actual ${JSON.stringify(nb.nbformat_minor)}`);
  }
  if (!isObject(nb.metadata)) {
    fail('metadata: expected an object');
  } else {
    const ks = nb.metadata.kernelspec;
    if (!isObject(ks) || ks.name !== 'python3' || ks.language !== 'python') {
      fail(`metadata.kernelspec: expected a Python 3 kernel (name "python3", language "python"), actual ${JSON.stringify(ks)}`);
    }
    const li = nb.metadata.language_info;
    if (li !== undefined && (!isObject(li) || li.name !== 'python')) {
      fail(`metadata.language_info.name: expected "python", actual ${JSON.stringify(li?.name)}`);
    }
  }
  if (!Array.isArray(nb.cells) || nb.cells.length === 0) {
    fail('cells: expected a non-empty list');
    return null;
  }
  const needIds = Number.isInteger(nb.nbformat_minor) && nb.nbformat_minor >= 5;
  const ids = new Set();
  nb.cells.forEach((cell, i) => {
    const name = cellName(cell, i);
    if (!isObject(cell)) {
      fail(`${name}: not an object`);
      return;
    }
    const keys = CELL_KEYS[cell.cell_type];
    if (!keys) {
      fail(`${name}: cell_type: expected code, markdown or raw, actual ${JSON.stringify(cell.cell_type)}`);
      return;
    }
    for (const k of Object.keys(cell)) if (!keys.has(k)) fail(`${name}: unexpected key "${k}" in a ${cell.cell_type} cell`);
    const src = cell.source;
    if (!(typeof src === 'string' || (Array.isArray(src) && src.every((l) => typeof l === 'string')))) {
      fail(`${name}: source: expected a string or a list of strings`);
    }
    if (!isObject(cell.metadata)) fail(`${name}: metadata: expected an object`);
    if (needIds || cell.id !== undefined) {
      if (typeof cell.id !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(cell.id)) {
        fail(`${name}: id: expected 1-64 characters of [a-zA-Z0-9_-] (nbformat 4.5), actual ${JSON.stringify(cell.id)}`);
      } else if (ids.has(cell.id)) {
        fail(`${name}: id "${cell.id}" is not unique`);
      } else {
        ids.add(cell.id);
      }
    }
    if (cell.cell_type === 'code') {
      if (!Array.isArray(cell.outputs) || cell.outputs.length !== 0) {
        fail(`${name}: outputs: expected [] (no stored outputs), actual ${JSON.stringify(cell.outputs)?.slice(0, 80)}`);
      }
      if (cell.execution_count !== null) {
        fail(`${name}: execution_count: expected null, actual ${JSON.stringify(cell.execution_count)}`);
      }
    }
  });
  return nb.cells;
}

// ----------------------------------------------------------- parameters --

// parseParameters reads the first code cell: only NAME = "string" lines,
// comments and blank lines, so that its values are what Python would bind.
function parseParameters(cell, name) {
  const params = {};
  const lines = sourceText(cell).split('\n');
  lines.forEach((line, k) => {
    if (/^\s*(#.*)?$/.test(line)) return;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"([^"\\\n]*)"|'([^'\\\n]*)')\s*(#.*)?$/.exec(line);
    if (!m) {
      fail(`${name} (the parameters), line ${k + 1}: expected NAME = "string" (a comment may follow), actual: ${line.trim()}`);
      return;
    }
    params[m[1]] = m[2] ?? m[3];
  });
  return params;
}

// --------------------------------------------------------------- lexing --

// lexPython finds the string literals and comments of Python source. It
// returns the literals ({prefix, quote, body, start, end}) and a masked copy
// of the source of the same length, in which each literal's characters are
// 'S' and each comment's are spaces (newlines kept), so that code patterns
// can be searched for without matching inside strings or comments. The
// source must be valid for Python 3.11, whose f-strings cannot nest their
// own quote: the closing quote is found without parsing the fields.
function lexPython(src) {
  const strings = [];
  const masked = [];
  let i = 0;
  const mask = (from, to, ch) => {
    for (let k = from; k < to; k++) masked.push(src[k] === '\n' ? '\n' : ch);
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '#') {
      const j = src.indexOf('\n', i);
      const end = j < 0 ? src.length : j;
      mask(i, end, ' ');
      i = end;
      continue;
    }
    // A quote always opens a string; prefix letters only at a word's start.
    let m = null;
    if (c === '"' || c === "'") m = /^()('''|"""|'|")/.exec(src.slice(i, i + 3));
    else if (i === 0 || !/[A-Za-z0-9_]/.test(src[i - 1])) {
      m = /^([rRuUfFbB]|[bB][rR]|[rR][bB]|[fF][rR]|[rR][fF])('''|"""|'|")/.exec(src.slice(i, i + 5));
    }
    if (m) {
      const prefix = m[1];
      const quote = m[2];
      const bodyStart = i + prefix.length + quote.length;
      let j = bodyStart;
      let closed = false;
      while (j < src.length) {
        if (src[j] === '\\') {
          j += 2;
          continue;
        }
        if (quote.length === 1 && src[j] === '\n') break;
        if (src.startsWith(quote, j)) {
          closed = true;
          break;
        }
        j++;
      }
      if (!closed) throw new Error(`unterminated string literal at offset ${i}`);
      const end = j + quote.length;
      strings.push({ prefix, quote, body: src.slice(bodyStart, j), start: i, end });
      mask(i, end, 'S');
      i = end;
      continue;
    }
    masked.push(c);
    i++;
  }
  return { strings, masked: masked.join('') };
}

function lineAt(src, offset) {
  let n = 1;
  for (let k = 0; k < offset; k++) if (src[k] === '\n') n++;
  return n;
}

// fill evaluates an f-string body the way Python would for the subset the
// convention allows: {{ and }} are braces, {NAME} (whitespace allowed around
// the name) is a parameter's value; anything else in braces is an error.
function fill(body, params) {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '{') {
      if (body[i + 1] === '{') {
        out += '{';
        i++;
        continue;
      }
      const j = body.indexOf('}', i);
      if (j < 0) throw new Error(`unterminated replacement field at "${body.slice(i, i + 20)}"`);
      const field = body.slice(i + 1, j);
      const name = field.trim();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new Error(`replacement field {${field}} is not a bare parameter name (no expressions, conversions or format specs)`);
      }
      if (!Object.hasOwn(params, name)) {
        throw new Error(`replacement field {${field}}: ${name} is not a parameter of the first code cell (${Object.keys(params).join(', ')})`);
      }
      out += params[name];
      i = j;
      continue;
    }
    if (c === '}') {
      if (body[i + 1] === '}') {
        out += '}';
        i++;
        continue;
      }
      throw new Error("single '}' is not allowed in an f-string");
    }
    out += c;
  }
  return out;
}

function isFString(s) {
  return /f/i.test(s.prefix);
}

// ------------------------------------------------------------ extraction --

// extract walks the code cells and returns the queries ({cell, name, line,
// sql}) and the dataset paths ({cell, name, line, rel}) they name.
function extract(cells, params) {
  const queries = [];
  const paths = [];
  const SENTINEL = '\u0000DATASET\u0000';
  const pathParams = { ...params, DATASET: SENTINEL };
  cells.forEach((cell, ci) => {
    if (cell.cell_type !== 'code') return;
    const name = cellName(cell, ci);
    const src = sourceText(cell);
    let lexed;
    try {
      lexed = lexPython(src);
    } catch (e) {
      fail(`${name}: ${e.message}`);
      return;
    }
    const { strings, masked } = lexed;
    const byStart = new Map(strings.map((s) => [s.start, s]));

    // The DuckDB calls.
    const callRe = /\bduckdb\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(/g;
    for (let m; (m = callRe.exec(masked)); ) {
      const line = lineAt(src, m.index);
      const where = `${name}, line ${line}`;
      if (m[1] !== 'sql') {
        fail(`${where}: duckdb.${m[1]}(...) is not checked: write each query as duckdb.sql(f"""...""")`);
        continue;
      }
      let p = callRe.lastIndex;
      while (/\s/.test(masked[p] ?? '')) p++;
      const lit = byStart.get(p);
      if (!lit) {
        fail(`${where}: duckdb.sql(...) takes something other than a string literal: write the query in the call, as duckdb.sql(f"""...""")`);
        continue;
      }
      let q = lit.end;
      while (/\s/.test(masked[q] ?? '')) q++;
      if (masked[q] !== ')') {
        fail(`${where}: duckdb.sql(...) must have one triple-quoted string literal as its only argument`);
        continue;
      }
      if (lit.quote.length !== 3 || !/^[fF]?$/.test(lit.prefix)) {
        fail(`${where}: the query must be a triple-quoted plain or f-string (f"""...""" or """..."""), not ${lit.prefix}${lit.quote}...${lit.quote}`);
        continue;
      }
      if (lit.body.includes('\\')) {
        fail(`${where}: the query has a backslash (Python would read it as an escape): leave it out`);
        continue;
      }
      try {
        const sql = isFString(lit) ? fill(lit.body, params) : lit.body;
        queries.push({ cell: ci, name, line, sql });
      } catch (e) {
        fail(`${where}: ${e.message}`);
      }
    }

    // The dataset paths: every string that mentions {DATASET}.
    for (const s of strings) {
      if (!/\{\s*DATASET\s*\}/.test(s.body)) continue;
      const where = `${name}, line ${lineAt(src, s.start)}`;
      if (!isFString(s)) {
        const shown = `${s.prefix}${s.quote}${s.body.replace(/\s+/g, ' ').trim().slice(0, 40)}...`;
        fail(`${where}: ${shown} mentions {DATASET} but is not an f-string, so Python leaves the braces in`);
        continue;
      }
      let text;
      try {
        text = fill(s.body, pathParams);
      } catch (e) {
        fail(`${where}: a string that names a dataset path may use only parameter fields: ${e.message}`);
        continue;
      }
      const re = new RegExp(`${SENTINEL}([^\\s'"(),;]*)`, 'g');
      for (let m; (m = re.exec(text)); ) {
        const rel = m[1];
        if (rel !== '' && !rel.startsWith('/')) {
          fail(`${where}: {DATASET}${rel}: a path in the dataset starts {DATASET}/`);
          continue;
        }
        paths.push({ cell: ci, name, line: lineAt(src, s.start), rel: rel.replace(/^\/+/, '') });
      }
    }
  });
  return { queries, paths };
}

// ----------------------------------------------------------------- paths --

function globRegExp(seg) {
  let re = '^';
  for (const ch of seg) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}

// expand returns what rel names under root: a glob's matching files, or
// the path itself when it exists.
function expand(root, rel) {
  const segs = rel.split('/').filter((s) => s !== '' && s !== '.');
  if (segs.some((s) => s.includes('**'))) throw new Error('** is not supported: name the directory');
  let cur = [root];
  for (const seg of segs) {
    const next = [];
    for (const dir of cur) {
      if (!/[*?]/.test(seg)) {
        const p = path.join(dir, seg);
        if (fs.existsSync(p)) next.push(p);
        continue;
      }
      let entries = [];
      try {
        entries = fs.readdirSync(dir);
      } catch {
        continue;
      }
      const re = globRegExp(seg);
      for (const e of entries.sort()) if (re.test(e)) next.push(path.join(dir, e));
    }
    cur = next;
  }
  return cur;
}

function checkPaths(dir, paths) {
  const seen = new Map();
  for (const p of paths) {
    if (!seen.has(p.rel)) seen.set(p.rel, []);
    seen.get(p.rel).push(p);
  }
  let ok = 0;
  for (const [rel, uses] of seen) {
    const where = uses.map((u) => `${u.name}, line ${u.line}`).join('; ');
    const shown = `{DATASET}/${rel}`;
    let found;
    try {
      found = expand(dir, rel);
    } catch (e) {
      fail(`${where}: ${shown}: ${e.message}`);
      continue;
    }
    const glob = /[*?]/.test(rel);
    if (found.length === 0) {
      fail(`${where}: ${shown}: ${glob ? 'matches no file' : 'does not exist'} in ${dir}`);
      continue;
    }
    if (glob) {
      const notFiles = found.filter((f) => !fs.statSync(f).isFile());
      if (notFiles.length) {
        fail(`${where}: ${shown}: matches what is not a file: ${notFiles.map((f) => path.relative(dir, f)).join(', ')}`);
        continue;
      }
    }
    ok++;
    const what = glob ? `${found.length} file(s)` : fs.statSync(found[0]).isDirectory() ? 'a directory' : 'a file';
    console.log(`path ok: ${shown}: ${what}`);
  }
  return ok;
}

// --------------------------------------------------------------- queries --

function firstLine(sql) {
  const line = sql.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  return line.length > 70 ? `${line.slice(0, 67)}...` : line;
}

function indent(sql) {
  return sql.trim().split('\n').map((l) => `    ${l}`).join('\n');
}

async function runQueries(queries) {
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  let ok = 0;
  let rows = 0;
  try {
    for (const [k, q] of queries.entries()) {
      const label = `${q.name}, query ${k + 1} (line ${q.line}: ${firstLine(q.sql)})`;
      let reader;
      try {
        reader = await con.runAndReadAll(q.sql);
      } catch (e) {
        fail(`${label}: DuckDB: ${String(e.message).split('\n')[0]}\n${indent(q.sql)}`);
        continue;
      }
      const n = reader.currentRowCount;
      if (n === 0) {
        fail(`${label}: returned no rows\n${indent(q.sql)}`);
        continue;
      }
      ok++;
      rows += n;
      console.log(`query ok: ${label}: ${n} row(s), ${reader.columnCount} column(s)`);
    }
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  return { ok, rows };
}

// ---------------------------------------------------------------- python --

// PY compiles every code cell with Python's parser, runs the parameters
// cell, and evaluates each duckdb.sql(...) argument with the parameters
// bound (DATASET replaced): the queries as Python would send them.
const PY = String.raw`
import ast, json, sys

nb = json.load(open(sys.argv[1], encoding="utf-8"))
dataset = sys.argv[2]
out = {"errors": [], "params": None, "queries": []}

def source(cell):
    s = cell["source"]
    s = "".join(s) if isinstance(s, list) else s
    # IPython magics and shell escapes are not Python: blank them, keeping line numbers.
    return "\n".join("" if l.lstrip().startswith(("%", "!")) else l for l in s.split("\n"))

params = None
first = True
for i, cell in enumerate(nb["cells"]):
    if cell.get("cell_type") != "code":
        continue
    try:
        tree = ast.parse(source(cell))
    except SyntaxError as e:
        out["errors"].append({"cell": i, "line": e.lineno, "message": e.msg})
        first = False
        continue
    if first:
        first = False
        ns = {}
        try:
            exec(compile(tree, "parameters", "exec"), {"__builtins__": {}}, ns)
            out["params"] = {k: v for k, v in ns.items() if isinstance(v, str)}
            params = dict(out["params"], DATASET=dataset)
        except Exception as e:
            out["errors"].append({"cell": i, "line": None, "message": "the parameters cell does not run on its own: %r" % e})
    calls = [n for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "sql"
             and isinstance(n.func.value, ast.Name) and n.func.value.id == "duckdb"]
    for n in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
        q = {"cell": i, "line": n.lineno, "sql": None}
        if params is not None and len(n.args) == 1 and not n.keywords:
            try:
                expr = ast.fix_missing_locations(ast.Expression(n.args[0]))
                q["sql"] = eval(compile(expr, "query", "eval"), {"__builtins__": {}}, dict(params))
            except Exception as e:
                q["error"] = repr(e)
        out["queries"].append(q)
print(json.dumps(out))
`;

function crossCheckPython(nbPath, dir, cells, params, queries) {
  const r = spawnSync('python3', ['-c', PY, nbPath, dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error && r.error.code === 'ENOENT') {
    console.log('note: python3 not found: code cells not compiled, queries not cross-checked with Python');
    return;
  }
  if (r.error || r.status !== 0) {
    fail(`python3 cross-check did not run: ${r.error?.message ?? r.stderr.trim().split('\n').pop()}`);
    return;
  }
  const py = JSON.parse(r.stdout);
  const before = failures;
  for (const e of py.errors) {
    fail(`${cellName(cells[e.cell], e.cell)}${e.line ? `, line ${e.line}` : ''}: Python: ${e.message}`);
  }
  if (py.params) {
    for (const k of new Set([...Object.keys(py.params), ...Object.keys(params)])) {
      if (py.params[k] !== params[k]) {
        fail(`parameter ${k}: Python binds ${JSON.stringify(py.params[k])}, this check read ${JSON.stringify(params[k])}`);
      }
    }
  }
  if (py.queries.length !== queries.length) {
    fail(`Python finds ${py.queries.length} duckdb.sql(...) call(s), this check ${queries.length}`);
    return;
  }
  let same = 0;
  py.queries.forEach((pq, k) => {
    const q = queries[k];
    const label = `${cellName(cells[pq.cell], pq.cell)}, line ${pq.line}`;
    if (pq.error) fail(`${label}: Python cannot evaluate the query: ${pq.error}`);
    else if (pq.cell !== q.cell || pq.line !== q.line) fail(`${label}: Python's query ${k + 1} is this check's ${q.name}, line ${q.line}`);
    else if (pq.sql !== q.sql) fail(`${label}: the query Python builds differs from the one this check filled in`);
    else same++;
  });
  if (failures > before) return;
  const version = spawnSync('python3', ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`python ok: ${version} compiles the code cells and builds the same ${same} quer${same === 1 ? 'y' : 'ies'}`);
}

// ------------------------------------------------------------------ main --

async function main(argv) {
  if (argv.length !== 2 || argv.includes('-h') || argv.includes('--help')) {
    console.error('usage: node notebook.mjs NOTEBOOK.ipynb DATASET_DIR');
    return 2;
  }
  const started = process.hrtime.bigint();
  const [nbPath, dirArg] = argv;
  const dir = path.resolve(dirArg);
  if (!fs.existsSync(path.join(dir, '_manifest.json'))) {
    console.error(`notebook: ${dir}: not a dataset (no _manifest.json)`);
    return 2;
  }
  if (dir.includes("'")) {
    console.error(`notebook: ${dir}: a dataset path with a quote cannot go into the notebook's SQL`);
    return 2;
  }
  let nb;
  try {
    nb = JSON.parse(fs.readFileSync(nbPath, 'utf8'));
  } catch (e) {
    fail(`${nbPath}: not valid JSON: ${e.message}`);
  }
  const summary = (counts) => {
    const secs = Number(process.hrtime.bigint() - started) / 1e9;
    if (failures) {
      console.log(`notebook FAILED: ${nbPath}: ${failures} problem(s) (${secs.toFixed(2)}s)`);
      return 1;
    }
    console.log(`notebook ok: ${nbPath}: ${counts} on ${dir} (${secs.toFixed(2)}s)`);
    return 0;
  };
  const cells = nb === undefined ? null : checkStructure(nb);
  if (!cells) return summary('');

  if (!cells.some((c) => c.cell_type === 'markdown' && /statecraft run /.test(sourceText(c) ?? ''))) {
    fail('no markdown cell says how to produce the dataset (`statecraft run ...`)');
  }
  const first = cells.findIndex((c) => c.cell_type === 'code');
  if (first < 0) {
    fail('no code cell');
    return summary('');
  }
  const params = parseParameters(cells[first], cellName(cells[first], first));
  if (!Object.hasOwn(params, 'DATASET')) {
    fail(`${cellName(cells[first], first)}: the first code cell must set DATASET = "..."`);
    return summary('');
  }
  const bound = { ...params, DATASET: dir };

  const { queries, paths } = extract(cells, bound);
  if (queries.length === 0) fail('no duckdb.sql(f"""...""") query found');
  if (paths.length === 0) fail('no dataset path (f"{DATASET}/...") found');
  crossCheckPython(nbPath, dir, cells, params, queries);
  const pathsOk = checkPaths(dir, paths);
  const { ok, rows } = await runQueries(queries);
  return summary(`${cells.length} cells, ${ok} of ${queries.length} queries returned rows (${rows} in all), ${pathsOk} dataset paths found`);
}

process.exitCode = await main(process.argv.slice(2));
