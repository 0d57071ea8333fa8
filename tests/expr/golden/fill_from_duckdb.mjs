// Fills the expected values of golden files from DuckDB (see README.md):
//
//   node tests/expr/golden/fill_from_duckdb.mjs <duckdb install dir> FILE.txt...
//
// For every case with a `duckdb:` line, runs that SQL over a DuckDB table
// `t` holding the file's rows, and rewrites the case's `expect:` (and
// `errors:`) lines from the answers. The rest of the file is kept as is.
import { pathToFileURL } from 'node:url';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...files] = process.argv.slice(2);
const { DuckDBInstance } = await import(
  pathToFileURL(join(dir, 'node_modules/@duckdb/node-api/lib/index.js')).href);
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();

const duckType = (t) => {
  const m = t.match(/^list<\s*(\w+)\s*>$/);
  if (m) return duckType(m[1]) + '[]';
  return { int32: 'INTEGER', int64: 'BIGINT', float: 'FLOAT', double: 'DOUBLE',
    string: 'VARCHAR', bool: 'BOOLEAN', timestamp: 'TIMESTAMP' }[t];
};

// Splits "a | b | 'x|y' | [1, 2]" at top-level ' | ' separators.
function splitValues(text) {
  const out = [];
  let cur = '', quote = false, depth = 0;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quote) {
      cur += c;
      if (c === "'") {
        if (text[i + 1] === "'") { cur += "'"; ++i; } else quote = false;
      }
      continue;
    }
    if (c === "'") quote = true;
    if (c === '[' || c === '(') ++depth;
    if (c === ']' || c === ')') --depth;
    if (c === '|' && depth === 0) { out.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur.trim());
  return out;
}

// A golden value as a DuckDB literal of type `t`.
function sqlValue(v, t) {
  const dt = duckType(t);
  if (v === 'null') return `NULL::${dt}`;
  if (t.startsWith('list<')) {
    const inner = t.replace(/^list<\s*(\w+)\s*>$/, '$1');
    const items = v.slice(1, -1).trim() === '' ? [] : splitList(v.slice(1, -1));
    return `[${items.map((x) => sqlValue(x, inner)).join(', ')}]::${dt}`;
  }
  if (t === 'timestamp') return `TIMESTAMP '${v.replace('T', ' ').replace('Z', '')}'`;
  if (t === 'double' || t === 'float') {
    const special = { nan: "'nan'", inf: "'inf'", '-inf': "'-inf'", '-0.0': "'-0.0'" }[v];
    return `${special ?? `'${v}'`}::${dt}`;
  }
  return `(${v})::${dt}`;
}

function splitList(text) {
  const out = [];
  let cur = '', quote = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (c === "'") quote = !quote;
    if (c === ',' && !quote) { out.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  out.push(cur.trim());
  return out;
}

function pad(n, w) { return String(n).padStart(w, '0'); }

// A DuckDB answer value as golden text.
function goldenValue(v) {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    case 'number':
      if (Number.isNaN(v)) return 'nan';
      if (v === Infinity) return 'inf';
      if (v === -Infinity) return '-inf';
      if (Object.is(v, -0)) return '-0.0';
      return String(v);
    case 'string': return "'" + v.replace(/'/g, "''") + "'";
  }
  if (Array.isArray(v.items)) return '[' + v.items.map(goldenValue).join(', ') + ']';
  if (typeof v.micros === 'bigint') {
    const us = v.micros;
    const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
    const d = new Date(Number(ms));
    const frac = ((us % 1000000n) + 1000000n) % 1000000n;
    const iso = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
      `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
    return iso + (frac === 0n ? '' : '.' + pad(frac, 6)) + 'Z';
  }
  if (typeof v.width === 'number' || typeof v.value === 'bigint') return String(v);  // DECIMAL
  return "'" + String(v) + "'";
}

async function fill(path) {
  const lines = readFileSync(path, 'utf8').split('\n');
  let columns = [], rows = [], ready = false;
  const out = [];
  let pendingSql = null, inDuck = false;
  const flushTable = async () => {
    if (ready) return;
    await con.run('DROP TABLE IF EXISTS t');
    const names = columns.map((c) => `"${c.name}"`).join(', ');
    const defs = columns.map((c) => `"${c.name}" ${duckType(c.type)}`).join(', ');
    await con.run(`CREATE TABLE t (__row INTEGER, ${defs})`);
    for (let r = 0; r < rows.length; ++r) {
      const vals = rows[r].map((v, i) => sqlValue(v, columns[i].type));
      await con.run(`INSERT INTO t VALUES (${r}, ${vals.join(', ')})`);
    }
    ready = true;
  };
  for (let i = 0; i < lines.length; ++i) {
    const line = lines[i];
    if (line.startsWith('table:')) { columns = []; rows = []; ready = false; }
    if (line.startsWith('columns:')) {
      columns = line.slice(8).split(/,(?![^<]*>)/).map((s) => s.trim()).filter((s) => s)
        .map((s) => { const k = s.indexOf(' '); return { name: s.slice(0, k), type: s.slice(k + 1).trim() }; });
    }
    if (line.startsWith('row:')) rows.push(splitValues(line.slice(4)));
    if (line.startsWith('case:') || line.startsWith('table:')) inDuck = false;
    if (line.startsWith('duckdb:')) { pendingSql = line.slice(7).trim(); inDuck = true; }
    if (inDuck && (line.startsWith('expect:') || line.startsWith('errors:'))) continue;
    out.push(line);
    if (pendingSql !== null && line.startsWith('duckdb:')) {
      await flushTable();
      const values = [];
      let errors = 0;
      try {
        const r = await con.runAndReadAll(`SELECT ${pendingSql} FROM t ORDER BY __row`);
        for (const row of r.getRows()) values.push(goldenValue(row[0]));
      } catch (e) {
        for (let k = 0; k < rows.length; ++k) {
          try {
            const r = await con.runAndReadAll(`SELECT ${pendingSql} FROM t WHERE __row = ${k}`);
            values.push(goldenValue(r.getRows()[0][0]));
          } catch (e2) {
            values.push('null');
            ++errors;
          }
        }
      }
      out.push('expect: ' + values.join(' | '));
      if (errors > 0) out.push(`errors: ${errors}`);
      pendingSql = null;
    }
  }
  writeFileSync(path, out.join('\n'));
}

for (const f of files) await fill(f);
