// DuckDB, the peer of the training-set benchmark (bench/pit_bench.sh), and
// the checker of Tessera's result. Runs from the folder @duckdb/node-api is
// installed in (tests/duckdb/install.sh; the driver copies this script and
// pit_sql.mjs there).
//
//   node pit_duckdb.mjs join BENCH.json OUT.parquet [--threads N] [--temp DIR]
//                                                  [--memory-limit SIZE] [--sql FILE]
//     Builds the training set with the data set's ASOF JOIN query
//     (duckdb_join.sql beside BENCH.json, written by pit_datagen:
//     pit_duckdb_sql.h), or the query in FILE (relative to BENCH.json's
//     folder; the aggregation benchmark's forms, duckdb_agg_*.sql), and
//     writes it with COPY ... TO. Prints one JSON line:
//       {"engine":"duckdb","query_s":..,"cpu_s":..,"rows":..,"threads":..,"version":".."}
//     query_s is the COPY statement's wall time inside DuckDB (no node
//     start-up, no settings); cpu_s the process's user + system time during it.
//     --memory-limit (e.g. 12GB) sets DuckDB's memory_limit; without it,
//     DuckDB's default (80% of the machine's memory).
//   node pit_duckdb.mjs compare A.parquet B.parquet
//     Compares two training sets: column names in order, row count, and per
//     column an order-sensitive checksum and non-null count (values
//     normalized across physical types). Prints one JSON line
//     {"equal":true|false,"rows":[a,b],"differences":[...]} and exits 0 when
//     equal, 1 when not.
//   node pit_duckdb.mjs fingerprints RESULT.parquet FINGERPRINTS.json
//     Checks a training set against fingerprints of another (pandas_pit.py
//     or reference_pit.py --fingerprints): the row count, and per feature the
//     non-null count and an order-sensitive weighted sum of its values
//     (doubles as round(value * scale), scale from the fingerprints, 100
//     by default: cents; reference_agg.py's amounts use 64).
//     Prints {"equal":..,"differences":[...]}; exit 0 when equal, 1 when not.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { checksumSql, firstDifferencesSql, ident, literal } from './pit_sql.mjs';

function option(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

function loadSpec(file) {
  return { spec: JSON.parse(readFileSync(file, 'utf8')), dir: dirname(resolve(file)) };
}

async function rows(connection, sql) {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjects();
}

async function join(args) {
  const { spec, dir } = loadSpec(args[0]);
  const out = resolve(args[1]);
  const sqlFile = option(args, '--sql', spec.duckdb_sql);
  const query = readFileSync(resolve(dir, sqlFile), 'utf8').trim();
  // The query's paths are relative to the data set's folder.
  process.chdir(dir);
  const threads = Number(option(args, '--threads', cpus().length));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`SET threads = ${threads}`);
  await connection.run(`SET temp_directory = ${literal(option(args, '--temp', dir + '/.duckdb_tmp'))}`);
  const memoryLimit = option(args, '--memory-limit', null);
  if (memoryLimit !== null) await connection.run(`SET memory_limit = ${literal(memoryLimit)}`);
  const version = (await rows(connection, 'SELECT version() AS v'))[0].v;
  const sql = `COPY (${query}) TO ${literal(out)} (FORMAT parquet, COMPRESSION zstd)`;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await connection.run(sql);
  const wall = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const n = (await rows(connection, `SELECT count(*)::BIGINT AS n FROM read_parquet(${literal(out)})`))[0].n;
  process.stdout.write(JSON.stringify({
    engine: 'duckdb', query_s: Number(wall.toFixed(3)),
    cpu_s: Number(((used.user + used.system) / 1e6).toFixed(3)),
    rows: Number(n), threads, memory_limit: memoryLimit ?? 'default', sql: sqlFile, version,
  }) + '\n');
}

async function describe(connection, file) {
  const r = await rows(connection, `DESCRIBE SELECT * FROM read_parquet(${literal(file)})`);
  return r.map((c) => ({ name: c.column_name, type: c.column_type }));
}

async function compare(args) {
  const [a, b] = args.map((f) => resolve(f));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const colsA = await describe(connection, a);
  const colsB = await describe(connection, b);
  const differences = [];
  const namesA = colsA.map((c) => c.name).join(',');
  const namesB = colsB.map((c) => c.name).join(',');
  if (namesA !== namesB) differences.push({ what: 'columns', a: namesA, b: namesB });
  const sumA = (await rows(connection, checksumSql(a, colsA)))[0];
  const sumB = (await rows(connection, checksumSql(b, colsB)))[0];
  if (sumA.rows !== sumB.rows) differences.push({ what: 'rows', a: sumA.rows, b: sumB.rows });
  if (differences.length === 0) {
    for (let i = 0; i < colsA.length; ++i) {
      const name = colsA[i].name;
      if (sumA[`n${i}`] !== sumB[`n${i}`]) {
        differences.push({ what: 'non-null count', column: name, a: sumA[`n${i}`], b: sumB[`n${i}`] });
      }
      if (sumA[`h${i}`] !== sumB[`h${i}`] && differences.length < 10) {
        const first = await rows(connection,
          firstDifferencesSql(a, b, name, colsA[i].type, colsB[i].type));
        differences.push({
          what: 'values', column: name, types: [colsA[i].type, colsB[i].type],
          first: first.map((r) => ({ row: Number(r.row), a: r.a, b: r.b })),
        });
      }
    }
  }
  const equal = differences.length === 0;
  process.stdout.write(JSON.stringify({ equal, rows: [Number(sumA.rows), Number(sumB.rows)],
    columns: colsA.length, differences }) + '\n');
  process.exitCode = equal ? 0 : 1;
}

// The integer form of a feature value that pandas_pit.py's fingerprints use:
// a double's cents (or value * scale), an integer itself, "cat_07" -> 7.
function code(name, type, scale = 100) {
  const t = type.toUpperCase();
  if (t === 'DOUBLE' || t === 'FLOAT') return `CAST(round(${ident(name)} * ${Number(scale)}) AS BIGINT)`;
  if (t === 'VARCHAR') return `CAST(substr(${ident(name)}, 5) AS BIGINT)`;
  return `CAST(${ident(name)} AS BIGINT)`;
}

async function fingerprints(args) {
  const file = resolve(args[0]);
  const expected = JSON.parse(readFileSync(args[1], 'utf8'));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const types = new Map((await describe(connection, file)).map((c) => [c.name, c.type]));
  const names = Object.keys(expected.features);
  const missing = names.filter((n) => !types.has(n));
  if (missing.length > 0) throw new Error(`${file} has no column ${missing.join(', ')}`);
  const P = 2147483647;
  const parts = ['count(*) AS "rows"'];
  names.forEach((n, i) => {
    parts.push(`count(${ident(n)}) AS n${i}`);
    parts.push(`sum((file_row_number + 1) % ${P} * (${code(n, types.get(n), expected.scale ?? 100)} % ${P}) % ${P}) % ${P} AS w${i}`);
  });
  const got = (await rows(connection,
    `SELECT ${parts.join(', ')} FROM read_parquet(${literal(file)}, file_row_number = true)`))[0];
  const differences = [];
  if (Number(got.rows) !== expected.rows) differences.push({ what: 'rows', result: Number(got.rows), other: expected.rows });
  names.forEach((n, i) => {
    const e = expected.features[n];
    const r = { nonnull: Number(got[`n${i}`]), weighted: Number(got[`w${i}`] ?? 0) };
    if (r.nonnull !== e.nonnull || r.weighted !== e.weighted) {
      differences.push({ what: 'feature', column: n, result: r, other: e });
    }
  });
  const equal = differences.length === 0;
  process.stdout.write(JSON.stringify({ equal, features: names.length, differences }) + '\n');
  process.exitCode = equal ? 0 : 1;
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'join' && args.length >= 2) return join(args);
  if (mode === 'compare' && args.length === 2) return compare(args);
  if (mode === 'fingerprints' && args.length === 2) return fingerprints(args);
  process.stderr.write('usage: pit_duckdb.mjs join BENCH.json OUT.parquet [--threads N] [--temp DIR] [--memory-limit SIZE] [--sql FILE]\n' +
    '       pit_duckdb.mjs compare A.parquet B.parquet\n' +
    '       pit_duckdb.mjs fingerprints RESULT.parquet FINGERPRINTS.json\n');
  process.exitCode = 2;
  return undefined;
}

main().catch((e) => {
  process.stderr.write('pit_duckdb: ' + String(e && e.message ? e.message : e).replace(/\s*\n\s*/g, ' ') + '\n');
  process.exit(1);
});
