// A long-lived in-memory DuckDB (@duckdb/node-api) serving SQL requests, so a
// test binary pays DuckDB's start-up once instead of once per query (the
// expression differential test sends thousands). One process, one
// connection; statements run in order, so tables created by one request are
// seen by the next.
//
//   node duckdb_session.mjs          (requests on stdin, answers on stdout)
//
// Request: one JSON line {"sql": "<one statement>"}.
// Answer: one JSON line per request, in order:
//   {"ok":true,"columns":[...],"types":[...],"rows":[[...],...]}
//   {"ok":false,"error":"<DuckDB's message, one line>"}
// Values are encoded as by duckdb_query.mjs, exactly: null; booleans;
// integers with all digits (BIGINT, HUGEINT); floating point as the shortest
// JSON number that reads back to the same double ("-0.0" kept; NaN and
// infinities as the strings "NaN", "Infinity", "-Infinity"); VARCHAR as
// strings; BLOB as base64; TIMESTAMP[TZ] as integer microseconds since the
// epoch; DATE as days; LIST as arrays. The process exits when stdin closes.
import { DuckDBInstance } from '@duckdb/node-api';
import { createInterface } from 'node:readline';
import { encode } from './duckdb_encode.mjs';

function oneLine(e) {
  return String(e && e.message ? e.message : e).replace(/\s*\n\s*/g, ' ');
}

async function main() {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let answer;
    try {
      const request = JSON.parse(line);
      const reader = await connection.runAndReadAll(request.sql);
      const rows = reader.getRows().map((row) => '[' + row.map(encode).join(',') + ']');
      answer = '{"ok":true,"columns":' + JSON.stringify(reader.columnNames()) +
        ',"types":' + JSON.stringify(reader.columnTypes().map((t) => t.toString())) +
        ',"rows":[' + rows.join(',') + ']}';
    } catch (e) {
      answer = JSON.stringify({ ok: false, error: oneLine(e) });
    }
    // Wait for the pipe to take the answer before reading on, so a large
    // answer is never cut by the process exiting.
    if (!process.stdout.write(answer + '\n')) {
      await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  }
}

main().catch((e) => {
  process.stderr.write(oneLine(e) + '\n');
  process.exit(1);
});
