#!/usr/bin/env node
// duck.mjs runs SQL on Parquet files with DuckDB, from the @duckdb/node-api
// that tests/interop installs (cd tests/interop && npm ci), and prints each
// query's result and wall time. Used by docs/performance.md:
//
//   node tests/bench/duck.mjs "SELECT ..." ["SELECT ..." ...]
//   node tests/bench/duck.mjs --sizes DIR     # bytes per column of DIR/*.parquet
//   node tests/bench/duck.mjs --reps 3 ...    # best wall time of 3 runs
import { createRequire } from 'node:module';

const require = createRequire(new URL('../interop/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');

const args = process.argv.slice(2);
let reps = 1;
const queries = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--reps') reps = Number(args[++i]);
  else if (args[i] === '--sizes') {
    const dir = args[++i];
    queries.push(`SELECT path_in_schema AS col, any_value(encodings) AS enc, any_value(compression) AS codec,
      sum(total_compressed_size) AS bytes, sum(total_uncompressed_size) AS raw, count(*) AS chunks
      FROM parquet_metadata('${dir}/*.parquet') GROUP BY ALL ORDER BY bytes DESC`);
  } else queries.push(args[i]);
}
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
for (const q of queries) {
  let best = Infinity;
  let rows;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    const reader = await con.runAndReadAll(q);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.min(best, s);
    rows = reader.getRowObjectsJson();
  }
  console.log(`-- ${best.toFixed(3)} s: ${q.replace(/\s+/g, ' ').slice(0, 200)}`);
  for (const row of rows.slice(0, 40)) console.log(JSON.stringify(row));
}
