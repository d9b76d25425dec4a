// samerows compares two statecraft datasets row for row with DuckDB: for
// the substep table and every agent table, the rows of each that the
// other lacks (EXCEPT ALL, both ways, so duplicates count). It reads each
// dataset's manifest (_manifest.json, or manifest.json of older datasets)
// to find the tables, so datasets of two layouts compare.
//
//   node tests/interop/samerows.mjs DIR_A DIR_B
//
// Exit 0 when every table holds the same rows, 1 otherwise.
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

function manifest(dir) {
  for (const name of ['_manifest.json', 'manifest.json']) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return JSON.parse(fs.readFileSync(p, 'utf8'));
  }
  throw new Error(`${dir}: no _manifest.json or manifest.json`);
}

// tables maps a table's name ("" for the substep table) to its files.
function tables(dir) {
  const m = manifest(dir);
  const out = { '': m.files.map((f) => path.join(dir, f.name)) };
  for (const [name, t] of Object.entries(m.tables ?? {})) out[name] = t.files.map((f) => path.join(dir, f.name));
  return out;
}

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node samerows.mjs DIR_A DIR_B');
  process.exit(2);
}
const ta = tables(a), tb = tables(b);
const names = [...new Set([...Object.keys(ta), ...Object.keys(tb)])].sort();
const db = await (await DuckDBInstance.create(':memory:')).connect();
const list = (files) => `[${files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')}]`;
let bad = 0;
for (const n of names) {
  const label = n === '' ? 'substep table' : `agent table ${n}`;
  if (!ta[n] || !tb[n]) {
    console.log(`${label}: only in ${ta[n] ? a : b}`);
    bad++;
    continue;
  }
  const read = (files) => files.length ? `read_parquet(${list(files)})` : null;
  const ra = read(ta[n]), rb = read(tb[n]);
  if (!ra || !rb) {
    const same = !ra && !rb;
    console.log(`${label}: ${same ? 'no files in either' : 'files in one only'}`);
    if (!same) bad++;
    continue;
  }
  const q = async (sql) => Number((await (await db.run(sql)).getRows())[0][0]);
  const rows = await q(`SELECT count(*) FROM ${ra}`);
  const onlyA = await q(`SELECT count(*) FROM (SELECT * FROM ${ra} EXCEPT ALL SELECT * FROM ${rb})`);
  const onlyB = await q(`SELECT count(*) FROM (SELECT * FROM ${rb} EXCEPT ALL SELECT * FROM ${ra})`);
  console.log(`${label}: ${rows} rows; ${onlyA} only in A, ${onlyB} only in B`);
  if (onlyA || onlyB) bad++;
}
process.exit(bad ? 1 : 0);
