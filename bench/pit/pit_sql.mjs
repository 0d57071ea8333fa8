// DuckDB SQL helpers of the training-set benchmark (bench/pit), used by
// pit_duckdb.mjs: the checksums that compare two training sets. (The join
// query itself comes from pit_datagen, which writes duckdb_join.sql with the
// builder the join's differential test uses: tests/common/pit_asof_sql.h,
// bench/pit/pit_duckdb_sql.h.)

export function ident(name) {
  return '"' + String(name).replace(/"/g, '""') + '"';
}

export function literal(text) {
  return "'" + String(text).replace(/'/g, "''") + "'";
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
