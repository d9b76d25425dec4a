#!/usr/bin/env node
// layout.mjs reads the three agent layouts that `go run ./tests/bench/layout`
// writes (DIR/list, DIR/struct, DIR/long) with DuckDB and Polars, from the
// packages tests/interop installs (cd tests/interop && npm ci), and prints
// the best wall time of each notebook-style query (DuckDB: 5 runs in one
// process; Polars: 3 runs, each in a child process of its own, because the
// native memory of 12-million-row frames is not returned while the process
// lives: repeating them in one process used 24 GB):
//
//   go run ./tests/bench/layout -out /tmp/layout
//   node tests/bench/layout.mjs /tmp/layout
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(new URL('../interop/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');
const pl = require('nodejs-polars');

const child = process.argv[2] === '--polars';
const dir = (child ? process.argv[3] : process.argv[2]) ?? '/tmp/statecraft-layout';
const L = `${dir}/list/part-0.parquet`;
const S = `${dir}/struct/part-0.parquet`;
const M = `${dir}/long/part-0.parquet`;
const A = `${dir}/long/agents.parquet`;

const polars = [
  ['read into a DataFrame, one row per agent record',
    () => pl.readParquet(L).explode('agents').unnest('agents'),
    () => pl.readParquet(S).unnest('agents').explode(['cash', 'tokens', 'trades']),
    () => pl.readParquet(A)],
  ['mean cash by subset',
    () => pl.readParquet(L).explode('agents').unnest('agents').groupBy('subset').agg(pl.col('cash').mean()),
    () => pl.readParquet(S).unnest('agents').explode(['cash', 'tokens', 'trades']).groupBy('subset').agg(pl.col('cash').mean()),
    () => pl.readParquet(A).groupBy('subset').agg(pl.col('cash').mean())],
];

if (child) { // one Polars measurement: print its wall time
  const [i, j] = [Number(process.argv[4]), Number(process.argv[5])];
  const t0 = process.hrtime.bigint();
  const h = polars[i][1 + j]().height;
  console.log(Number(process.hrtime.bigint() - t0) / 1e9, h);
  process.exit(0);
}

const queries = [
  ['time series: mean cash per timestep of one run', {
    list: `SELECT timestep, list_avg(list_transform(agents, a -> a.cash)) AS m FROM '${L}' WHERE subset=1 AND run=1 ORDER BY timestep`,
    struct: `SELECT timestep, list_avg(agents.cash) AS m FROM '${S}' WHERE subset=1 AND run=1 ORDER BY timestep`,
    long: `SELECT timestep, avg(cash) AS m FROM '${A}' WHERE subset=1 AND run=1 GROUP BY timestep ORDER BY timestep`,
  }],
  ['final wealth (cash + tokens x price) by subset', {
    list: `SELECT subset, avg(a.cash + a.tokens*price) FROM (SELECT subset, price, unnest(agents) AS a FROM '${L}' WHERE timestep = 3000) GROUP BY subset ORDER BY subset`,
    struct: `SELECT subset, avg(c + t*price) FROM (SELECT subset, price, unnest(agents.cash) AS c, unnest(agents.tokens) AS t FROM '${S}' WHERE timestep = 3000) GROUP BY subset ORDER BY subset`,
    long: `SELECT a.subset, avg(a.cash + a.tokens*m.price) FROM '${A}' a JOIN '${M}' m USING (simulation, subset, run, timestep, substep) WHERE a.timestep = 3000 GROUP BY a.subset ORDER BY a.subset`,
  }],
  ['one agent over time', {
    list: `SELECT timestep, agents[8].cash FROM '${L}' WHERE subset=2 AND run=3 ORDER BY timestep`,
    struct: `SELECT timestep, agents.cash[8] FROM '${S}' WHERE subset=2 AND run=3 ORDER BY timestep`,
    long: `SELECT timestep, cash FROM '${A}' WHERE subset=2 AND run=3 AND agent=7 ORDER BY timestep`,
  }],
  ['full scan: trades by subset', {
    list: `SELECT subset, sum(list_sum(list_transform(agents, a -> a.trades))) FROM '${L}' GROUP BY subset ORDER BY subset`,
    struct: `SELECT subset, sum(list_sum(agents.trades)) FROM '${S}' GROUP BY subset ORDER BY subset`,
    long: `SELECT subset, sum(trades) FROM '${A}' GROUP BY subset ORDER BY subset`,
  }],
  ['flatten every agent record', {
    list: `SELECT count(*), sum(cash) FROM (SELECT subset, run, timestep, unnest(agents, recursive := true) FROM '${L}')`,
    struct: `SELECT count(*), sum(c) FROM (SELECT subset, run, timestep, unnest(agents.cash) AS c, unnest(agents.tokens) AS t, unnest(agents.trades) AS n FROM '${S}')`,
    long: `SELECT count(*), sum(cash) FROM (SELECT subset, run, timestep, agent, cash, tokens, trades FROM '${A}')`,
  }],
];

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
console.log('| DuckDB query | list<struct> s | struct<list> s | long table s |\n|---|---|---|---|');
for (const [name, q] of queries) {
  const t = [];
  for (const layout of ['list', 'struct', 'long']) {
    let b = Infinity;
    for (let r = 0; r < 5; r++) {
      const t0 = process.hrtime.bigint();
      await con.runAndReadAll(q[layout]);
      b = Math.min(b, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    t.push(b.toFixed(3));
  }
  console.log(`| ${name} | ${t.join(' | ')} |`);
}

console.log('\n| Polars | list<struct> s | struct<list> s | long table s |\n|---|---|---|---|');
const self = fileURLToPath(import.meta.url);
for (const [i, [name]] of polars.entries()) {
  const t = [];
  for (let j = 0; j < 3; j++) {
    let b = Infinity;
    for (let r = 0; r < 3; r++) {
      const out = execFileSync(process.execPath, [self, '--polars', dir, String(i), String(j)], { encoding: 'utf8' });
      b = Math.min(b, Number(out.split(' ')[0]));
    }
    t.push(b.toFixed(3));
  }
  console.log(`| ${name} | ${t.join(' | ')} |`);
}
