// Prints the result table of one training-set benchmark run
// (bench/pit_bench.sh), as Markdown ready for docs/PERFORMANCE.md, from the
// JSON files the run left in WORKDIR:
//   tessera.json        run_measured of `tessera historical` (or
//   tessera.skipped     one line: why Tessera was not run)
//   duckdb.json         pit_duckdb.mjs join (time inside DuckDB)
//   duckdb_proc.json    run_measured of that node process
//   pandas.json         pandas_pit.py (load and join times)
//   pandas_proc.json    run_measured of that python process (or
//   pandas.skipped      one line: why pandas was not run)
//   compare.json        pit_duckdb.mjs compare tessera.parquet duckdb.parquet
//   pandas_check.json   pit_duckdb.mjs fingerprints duckdb.parquet pandas_fingerprints.json
//
//   node pit_report.mjs WORKDIR
// Ratios are peer time / Tessera wall time (above 1: Tessera took less).
import { existsSync, readFileSync } from 'node:fs';

const dir = process.argv[2];
const read = (name) => {
  const file = `${dir}/${name}`;
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8').trim();
  if (name.endsWith('.skipped')) return text;
  try {
    return JSON.parse(text.split('\n').filter((l) => l.startsWith('{')).pop());
  } catch {
    return null;
  }
};

const fmt = (x, digits = 2) => (x === undefined || x === null ? '' : Number(x).toFixed(digits));
const mib = (kb) => (kb ? (kb / 1024).toFixed(0) : '');
const cpu = (p) => (p ? p.user_s + p.sys_s : null);

const tessera = read('tessera.json');
const duck = read('duckdb.json');
const duckProc = read('duckdb_proc.json');
const pandas = read('pandas.json');
const pandasProc = read('pandas_proc.json');
const base = tessera && tessera.exit === 0 ? tessera.wall_s : null;
const ratio = (t) => (base && t ? `${(t / base).toFixed(2)}x` : '');

const rows = [];
if (base) {
  rows.push(['Tessera', '`tessera historical`, whole process (Parquet in, Parquet out)',
    fmt(tessera.wall_s), fmt(cpu(tessera)), mib(tessera.max_rss_kb), '1.00x']);
} else {
  const why = read('tessera.skipped') ||
    (tessera ? `failed (exit ${tessera.exit}); see tessera.log` : 'not run');
  rows.push(['Tessera', `not available: ${why}`, '', '', '', '']);
}
if (duck) {
  const limit = duck.memory_limit && duck.memory_limit !== 'default' ? ` (memory_limit ${duck.memory_limit})` : '';
  rows.push(['DuckDB', `ASOF JOIN query + \`COPY ... TO\` Parquet, timed inside DuckDB, ${duck.threads} threads${limit}`,
    fmt(duck.query_s), fmt(duck.cpu_s), '', ratio(duck.query_s)]);
  if (duckProc) {
    rows.push(['DuckDB', 'whole node process (start-up, settings, query, row count)',
      fmt(duckProc.wall_s), fmt(cpu(duckProc)), mib(duckProc.max_rss_kb), ratio(duckProc.wall_s)]);
  }
} else {
  rows.push(['DuckDB', 'failed or not run; see duckdb.log', '', '', '', '']);
}
if (pandas) {
  rows.push(['pandas', 'load: read_csv + timestamp parsing', fmt(pandas.load_s), fmt(pandas.load_cpu_s), '', '']);
  rows.push(['pandas', 'join: sort, tie-break, merge_asof, spine order', fmt(pandas.join_s),
    fmt(pandas.join_cpu_s), '', ratio(pandas.join_s)]);
  if (pandasProc) {
    rows.push(['pandas', 'whole python process', fmt(pandasProc.wall_s), fmt(cpu(pandasProc)),
      mib(pandasProc.max_rss_kb), ratio(pandasProc.wall_s)]);
  }
} else {
  const why = read('pandas.skipped') || 'failed; see pandas.log';
  rows.push(['pandas', `not run: ${why}`, '', '', '', '']);
}

const out = ['| engine | what is timed | wall s | CPU s | peak RSS MiB | peer / Tessera wall |',
  '|---|---|---:|---:|---:|---:|'];
for (const r of rows) out.push(`| ${r.join(' | ')} |`);
out.push('');
const compare = read('compare.json');
if (compare) {
  out.push(compare.equal
    ? `check: Tessera's training set equals DuckDB's (${compare.rows[0]} rows, ${compare.columns} columns: names in order, row count, per-column order-sensitive checksums and non-null counts)`
    : `check: FAILED, Tessera's training set differs from DuckDB's: ${JSON.stringify(compare.differences)}`);
} else {
  out.push('check: Tessera vs DuckDB not run (no Tessera result)');
}
const pandasCheck = read('pandas_check.json');
if (pandasCheck) {
  out.push(pandasCheck.equal
    ? `check: pandas' training set agrees with DuckDB's (row count; per feature, ${pandasCheck.features} features, the non-null count and an order-sensitive weighted sum of the values)`
    : `check: FAILED, pandas' training set differs from DuckDB's: ${JSON.stringify(pandasCheck.differences)}`);
}
process.stdout.write(out.join('\n') + '\n');
