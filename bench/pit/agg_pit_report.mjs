// Prints the result table of one run of the benchmark "Training set with
// aggregations" (bench/agg_pit_bench.sh), as Markdown ready for
// docs/PERFORMANCE.md, from the JSON files the run left in WORKDIR:
//   tessera.json             run_measured of `tessera historical` (or
//   tessera.skipped          one line: why Tessera was not run)
//   duckdb_<form>.json       pit_duckdb.mjs join --sql duckdb_agg_<form>.sql
//   duckdb_<form>_proc.json  run_measured of that node process
//   compare.json             pit_duckdb.mjs compare tessera.parquet duckdb_<fastest>.parquet
//   forms_compare.json       the same, between DuckDB's forms (when several ran)
//
//   node agg_pit_report.mjs WORKDIR FORMS        (FORMS: window, join or window,join)
// Ratios are peer time / Tessera wall time (above 1: Tessera took less).
import { existsSync, readFileSync } from 'node:fs';

const dir = process.argv[2];
const forms = (process.argv[3] || 'window').split(',').filter((f) => f);
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
const what = {
  window: 'window functions over RANGE frames (spine and events in one table)',
  join: 'range join (same user, t - 7d < event_ts <= t) + GROUP BY, FILTER per window',
};

const tessera = read('tessera.json');
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
let fastest = null;
for (const form of forms) {
  const duck = read(`duckdb_${form}.json`);
  const proc = read(`duckdb_${form}_proc.json`);
  if (!duck) {
    rows.push([`DuckDB (${form})`, `failed or not run; see duckdb_${form}.log`, '', '', '', '']);
    continue;
  }
  if (fastest === null || duck.query_s < fastest.query_s) fastest = { form, query_s: duck.query_s };
  const limit = duck.memory_limit && duck.memory_limit !== 'default' ? ` (memory_limit ${duck.memory_limit})` : '';
  rows.push([`DuckDB (${form})`, `${what[form]} + \`COPY ... TO\` Parquet, timed inside DuckDB, ${duck.threads} threads${limit}`,
    fmt(duck.query_s), fmt(duck.cpu_s), '', ratio(duck.query_s)]);
  if (proc) {
    rows.push([`DuckDB (${form})`, 'whole node process (start-up, settings, query, row count)',
      fmt(proc.wall_s), fmt(cpu(proc)), mib(proc.max_rss_kb), ratio(proc.wall_s)]);
  }
}

// Issue 10's target: Tessera at least 2x faster than DuckDB's fastest form.
const target = base && fastest
  ? `target (issue 10): DuckDB (${fastest.form}, inside DuckDB) / Tessera (whole process) = ${(fastest.query_s / base).toFixed(2)}x, ${fastest.query_s / base >= 2 ? 'met' : 'not met'} (at least 2x)`
  : 'target (issue 10): not measured (Tessera or DuckDB missing)';

const out = ['| engine | what is timed | wall s | CPU s | peak RSS MiB | peer / Tessera wall |',
  '|---|---|---:|---:|---:|---:|'];
for (const r of rows) out.push(`| ${r.join(' | ')} |`);
out.push('');
const compare = read('compare.json');
if (compare) {
  out.push(compare.equal
    ? `check: Tessera's training set equals DuckDB's (${fastest ? fastest.form : ''} form; ${compare.rows[0]} rows, ${compare.columns} columns: names in order, row count, per-column order-sensitive checksums and non-null counts)`
    : `check: FAILED, Tessera's training set differs from DuckDB's: ${JSON.stringify(compare.differences)}`);
} else {
  out.push('check: Tessera vs DuckDB not run (no Tessera result)');
}
const formsCompare = read('forms_compare.json');
if (formsCompare) {
  out.push(formsCompare.equal
    ? `check: DuckDB's forms (${forms.join(', ')}) give equal training sets`
    : `check: FAILED, DuckDB's forms differ: ${JSON.stringify(formsCompare.differences)}`);
}
out.push(target);
process.stdout.write(out.join('\n') + '\n');
