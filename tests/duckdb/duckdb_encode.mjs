// encode(v): one DuckDB value (@duckdb/node-api) as the JSON text Tessera's
// tests read: null; booleans; integers (BIGINT with all digits); floating
// point as the JSON number that reads back to the same double ("-0.0" kept;
// NaN and infinities as the strings "NaN", "Infinity", "-Infinity"); VARCHAR
// as strings; BLOB as base64; TIMESTAMP[TZ] as integer microseconds since
// the epoch; DATE as days; LIST as arrays. Shared by duckdb_query.mjs and
// duckdb_session.mjs.
export function encode(v) {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    case 'number':
      if (Number.isNaN(v)) return '"NaN"';
      if (v === Infinity) return '"Infinity"';
      if (v === -Infinity) return '"-Infinity"';
      if (Object.is(v, -0)) return '-0.0';
      return JSON.stringify(v);
    case 'string': return JSON.stringify(v);
  }
  if (Array.isArray(v.items)) return '[' + v.items.map(encode).join(',') + ']';
  if (typeof v.micros === 'bigint') return v.micros.toString();
  if (v.bytes instanceof Uint8Array) return JSON.stringify(Buffer.from(v.bytes).toString('base64'));
  if (typeof v.days === 'number') return String(v.days);
  return JSON.stringify(String(v));
}
