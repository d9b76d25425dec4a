#!/usr/bin/env node
// scan.mjs times DuckDB's scans of a dataset's substep table: a full scan
// and a filtered query, each the median of 5 runs in a fresh connection
// (the first run included: no warm-up beyond the OS page cache), and
// prints the files' shape (count, sizes, row groups) from DuckDB's
// parquet_metadata. Used by `make bench` and docs/performance.md:
//
//   node tests/interop/scan.mjs DIR [COLUMN] [FILTER]
//
// COLUMN is the averaged column (default prey); FILTER the filtered
// query's WHERE clause (default: one grid point of the pp_grid sweep).
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, col = 'prey', filter = 'alpha = 1.25 AND beta = 0.4 AND timestep >= 50'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node tests/interop/scan.mjs DIR [COLUMN] [FILTER]');
  process.exit(2);
}
const files = `read_parquet('${dir}/*.parquet')`;
const db = await DuckDBInstance.create(':memory:');
const reps = 5;

async function median(sql) {
  const times = [];
  let rows;
  for (let r = 0; r < reps; r++) {
    const con = await db.connect();
    const t0 = process.hrtime.bigint();
    const reader = await con.runAndReadAll(sql);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    rows = reader.getRowObjectsJson();
    con.closeSync?.();
  }
  times.sort((a, b) => a - b);
  return { s: times[(reps - 1) >> 1], rows };
}

const con = await db.connect();
const shape = (await con.runAndReadAll(`
  SELECT count(DISTINCT file_name) AS files, sum(num_rows) AS rows, count(*) AS row_groups,
         round(avg(num_rows)) AS rows_per_group, min(num_rows) AS min_group_rows
  FROM (SELECT DISTINCT file_name, row_group_id, row_group_num_rows AS num_rows FROM parquet_metadata('${dir}/*.parquet'))`)).getRowObjectsJson()[0];
const sizes = (await con.runAndReadAll(`
  SELECT count(*) AS files, sum(size) AS bytes, round(avg(size) / 1e6, 2) AS avg_mb, round(min(size) / 1e6, 2) AS min_mb
  FROM read_blob('${dir}/*.parquet')`)).getRowObjectsJson()[0];
const full = await median(`SELECT count(*) AS n, avg(${col}) AS mean FROM ${files}`);
const filtered = await median(`SELECT count(*) AS n, avg(${col}) AS mean FROM ${files} WHERE ${filter}`);
console.log(`files ${sizes.files}, ${(Number(sizes.bytes) / 1e6).toFixed(1)} MB (${sizes.avg_mb} MB on average, smallest ${sizes.min_mb} MB); ` +
  `${shape.row_groups} row groups of ${shape.rows_per_group} rows on average (smallest ${shape.min_group_rows}), ${shape.rows} rows`);
console.log(`DuckDB full scan (count, avg(${col})): ${full.s.toFixed(3)} s, median of ${reps}: ${JSON.stringify(full.rows[0])}`);
console.log(`DuckDB filtered (${filter}): ${filtered.s.toFixed(3)} s, median of ${reps}: ${JSON.stringify(filtered.rows[0])}`);
