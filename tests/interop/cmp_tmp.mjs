import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const cols = "run, timestep, price, reserve_ddt, reserve_xdai, lp_supply, pie, supply, spent, distributed, n_degen, n_organization, n_power, n_active, n_casual, n_agents";
const a = process.argv[2], b = process.argv[3];
for (const q of [
  `SELECT count(*) FROM (SELECT ${cols} FROM '${a}/*.parquet' EXCEPT ALL SELECT ${cols} FROM '${b}/*.parquet')`,
  `SELECT max(abs(g.price - m.price)/greatest(abs(g.price),1e-300)), max(abs(g.reserve_xdai-m.reserve_xdai)/greatest(g.reserve_xdai,1e-300)), max(abs(g.pie-m.pie)/greatest(g.pie,1e-300)), max(abs(g.distributed-m.distributed)/greatest(g.distributed,1e-300)) FROM '${a}/*.parquet' g JOIN '${b}/*.parquet' m USING (run, timestep)`,
]) { const r = await c.runAndReadAll(q); console.log(JSON.stringify(r.getRows(), (k,v)=> typeof v==='bigint'? Number(v): v)); }
