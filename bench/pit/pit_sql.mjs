// The DuckDB SQL of the training-set benchmark (bench/pit): the point-in-time
// join of DESIGN.md section 3 written with DuckDB's ASOF JOIN, and the
// checksums that compare two training sets. Used by pit_duckdb.mjs.
//
// The join, per view v with key k, timestamp t = spine.event_timestamp:
//   - ties: DuckDB's ASOF JOIN picks any one of several rows with the same
//     (k, event_ts), so each view is first reduced to one row per
//     (k, event_ts): the largest created_ts (null is the smallest), then the
//     last in file order (file path, then row in file: how Tessera orders a
//     source's files, DESIGN.md section 3b);
//   - ASOF LEFT JOIN ... ON s.k = v.k AND s.t >= v.event_ts picks the row
//     with the largest event_ts <= t;
//   - ttl: only event_ts > t - ttl qualifies. ASOF takes one inequality
//     only, so the bound is applied after the join: when the row ASOF picked
//     (the latest <= t) is too old, every earlier row is too, so the features
//     are null (CASE on the picked event_ts, in integer micros so no time zone
//     is involved);
//   - output in spine order (the spine's file_row_number), spine columns
//     first, then each view's features.
//
// `spec` is bench.json (pit_datagen, bench/pit/pit_repo.h); `dir` the folder
// its relative paths start from.

export function ident(name) {
  return '"' + String(name).replace(/"/g, '""') + '"';
}

export function literal(text) {
  return "'" + String(text).replace(/'/g, "''") + "'";
}

function path(dir, relative) {
  return relative.startsWith('/') ? relative : dir + '/' + relative;
}

// One row per (key, event_ts) of a view: the tie-break winner.
function viewSql(dir, view) {
  const cols = [view.key, view.event_ts, ...view.features].map(ident).join(', ');
  const created = view.created_ts ? `${ident(view.created_ts)} DESC NULLS LAST, ` : '';
  return `SELECT ${cols} FROM read_parquet(${literal(path(dir, view.glob))}, ` +
    `filename = true, file_row_number = true) ` +
    `WHERE ${ident(view.key)} IS NOT NULL AND ${ident(view.event_ts)} IS NOT NULL ` +
    `QUALIFY row_number() OVER (PARTITION BY ${ident(view.key)}, ${ident(view.event_ts)} ` +
    `ORDER BY ${created}filename DESC, file_row_number DESC) = 1`;
}

// The query that builds the training set (a SELECT, in spine order).
export function pitJoinSelect(spec, dir) {
  const ts = ident(spec.timestamp_column);
  const ctes = [`spine AS (SELECT * FROM read_parquet(${literal(path(dir, spec.spine))}, ` +
    `file_row_number = true))`];
  const select = spec.spine_columns.map((c) => `s.${ident(c)}`);
  const joins = [];
  spec.views.forEach((view, i) => {
    const v = `v${i}`;
    ctes.push(`${v} AS (${viewSql(dir, view)})`);
    joins.push(`ASOF LEFT JOIN ${v} ON s.${ident(view.key)} = ${v}.${ident(view.key)} ` +
      `AND s.${ts} >= ${v}.${ident(view.event_ts)}`);
    const fresh = view.ttl_us > 0
      ? `epoch_us(${v}.${ident(view.event_ts)}) > epoch_us(s.${ts}) - ${view.ttl_us}`
      : null;
    for (const f of view.features) {
      select.push(fresh ? `CASE WHEN ${fresh} THEN ${v}.${ident(f)} END AS ${ident(f)}`
        : `${v}.${ident(f)} AS ${ident(f)}`);
    }
  });
  return `WITH ${ctes.join(',\n')}\nSELECT ${select.join(', ')}\nFROM spine s\n` +
    `${joins.join('\n')}\nORDER BY s.file_row_number`;
}

// COPY of the training set to a Parquet file (ZSTD, as Tessera writes).
export function pitJoinCopy(spec, dir, out) {
  return `COPY (${pitJoinSelect(spec, dir)}) TO ${literal(out)} (FORMAT parquet, COMPRESSION zstd)`;
}

// A column's values in a form equal for equal values whatever the physical
// type each writer chose: integers as BIGINT, floating point as DOUBLE (-0.0
// as 0.0), timestamps as integer micros, booleans as 0/1.
export function normalized(expr, type) {
  const t = type.toUpperCase();
  if (t.startsWith('TIMESTAMP') || t === 'DATE') return `epoch_us(${expr})`;
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(t)) {
    return `CAST(${expr} AS BIGINT)`;
  }
  if (t === 'FLOAT' || t === 'DOUBLE' || t.startsWith('DECIMAL')) return `(CAST(${expr} AS DOUBLE) + 0.0)`;
  if (t === 'BOOLEAN') return `CAST(${expr} AS INTEGER)`;
  return expr;
}

// Row count, and per column an order-sensitive checksum (the sum of
// hash(row number, value)) and its non-null count, of a Parquet file whose
// columns are `columns` ([{name, type}]).
export function checksumSql(file, columns) {
  const parts = ['count(*)::VARCHAR AS "rows"'];
  columns.forEach((c, i) => {
    const v = normalized(ident(c.name), c.type);
    parts.push(`sum(hash(file_row_number, ${v}))::VARCHAR AS h${i}`);
    parts.push(`count(${ident(c.name)})::VARCHAR AS n${i}`);
  });
  return `SELECT ${parts.join(', ')} FROM read_parquet(${literal(file)}, file_row_number = true)`;
}

// Up to `limit` rows where column `name` differs between files a and b.
export function firstDifferencesSql(a, b, name, typeA, typeB, limit = 3) {
  const va = normalized(`a.${ident(name)}`, typeA);
  const vb = normalized(`b.${ident(name)}`, typeB);
  return `SELECT file_row_number AS "row", ${va}::VARCHAR AS a, ${vb}::VARCHAR AS b ` +
    `FROM read_parquet(${literal(a)}, file_row_number = true) a ` +
    `JOIN read_parquet(${literal(b)}, file_row_number = true) b USING (file_row_number) ` +
    `WHERE ${va} IS DISTINCT FROM ${vb} ORDER BY 1 LIMIT ${limit}`;
}
