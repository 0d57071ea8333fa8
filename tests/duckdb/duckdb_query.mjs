// Runs SQL in an in-memory DuckDB (@duckdb/node-api) and prints the result of
// the last statement as JSON lines, for Tessera's interop tests and
// benchmarks.
//
//   node duckdb_query.mjs [--time] "<sql>" ["<sql>" ...]
//   echo "<sql>" | node duckdb_query.mjs [--time]     (statements split on ';\n')
//
// Output (stdout): one header line {"columns":[...],"types":[...]} and then
// one JSON array per row, values in column order:
//   null; booleans; integers (BIGINT with all digits); floating point as
//   JSON numbers, "-0.0" kept, NaN / infinities as the strings "NaN",
//   "Infinity", "-Infinity"; VARCHAR as strings; BLOB as base64 strings;
//   TIMESTAMP[TZ] as integer microseconds since the epoch; LIST as arrays.
// With --time, each statement's wall time inside DuckDB, and the CPU time
// (user + system, all threads) the process spent on it, are printed to
// stderr as {"statement":i,"ms":t,"cpu_ms":c}. Exit status 1 with the error on stderr on
// failure.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { encode } from './duckdb_encode.mjs';

async function main() {
  let args = process.argv.slice(2);
  const time = args[0] === '--time';
  if (time) args = args.slice(1);
  let statements = args;
  if (statements.length === 0) {
    statements = readFileSync(0, 'utf8').split(/;\s*\n/).map((s) => s.trim()).filter((s) => s);
  }
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  let reader = null;
  for (let i = 0; i < statements.length; ++i) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    reader = await connection.runAndReadAll(statements[i]);
    if (time) {
      const used = process.cpuUsage(cpu);
      process.stderr.write(JSON.stringify({
        statement: i,
        ms: performance.now() - start,
        cpu_ms: (used.user + used.system) / 1000,
      }) + '\n');
    }
  }
  if (reader === null) return;
  const out = [];
  out.push(JSON.stringify({
    columns: reader.columnNames(),
    types: reader.columnTypes().map((t) => t.toString()),
  }));
  for (const row of reader.getRows()) out.push('[' + row.map(encode).join(',') + ']');
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e && e.message ? e.message : e) + '\n');
  process.exit(1);
});
