#include "pit_duckdb_sql.h"

#include <vector>

#include "pit_asof_sql.h"
#include "pit_repo.h"
#include "pit_tables.h"

namespace tessera::pitbench {

std::string DuckDbJoinQuery(const PitSpec& spec) {
  using testing::PitAsofQuote;
  testing::PitAsofSpine spine{
      std::string("read_parquet('") + kSpineParquet + "', file_row_number = true)",
      "event_timestamp", "s.*", ""};
  std::vector<testing::PitAsofView> views;
  std::string select;
  const SchemaPtr spine_schema = SpineSchema(spec);
  for (const Field& f : spine_schema->fields()) {
    select += (select.empty() ? "" : ", ") + PitAsofQuote(f.name);
  }
  for (size_t i = 0; i < spec.views.size(); ++i) {
    const ViewSpec& v = spec.views[i];
    testing::PitAsofView pv;
    // The input position as one BIGINT: DuckDB numbers a glob's files in
    // path order (file_index), and a part holds far fewer than 2^32 rows.
    pv.table =
        "(SELECT *, file_index::BIGINT * 4294967296 + file_row_number AS _ord FROM "
        "read_parquet('sources/" +
        v.name + "/*.parquet', file_row_number = true))";
    pv.key_columns = {v.key_column};
    pv.spine_keys = {v.key_column};
    pv.ttl_micros = v.ttl_seconds * kMicrosPerSecond;
    pv.prefix = "_v" + std::to_string(i) + "_";
    const SchemaPtr schema = FeatureSchema(v);
    for (int c = 3; c < schema->num_fields(); ++c) {
      const std::string& name = schema->field(c).name;
      pv.values.push_back(name);
      select += ", " + PitAsofQuote(pv.prefix + name) + " AS " + PitAsofQuote(name);
    }
    views.push_back(std::move(pv));
  }
  return "SELECT " + select + " FROM (" + testing::PitAsofSql(spine, views) +
         ") ORDER BY file_row_number";
}

namespace {

std::string Micros(int64_t seconds) { return std::to_string(seconds * kMicrosPerSecond); }

// The spine's columns as the output's first columns, from table alias `s`.
std::string SpineSelect(const PitSpec& spec, const std::string& alias) {
  const SchemaPtr spine_schema = SpineSchema(spec);
  std::string select;
  for (const Field& f : spine_schema->fields()) {
    select += (select.empty() ? "" : ", ") + alias + testing::PitAsofQuote(f.name);
  }
  return select;
}

std::string EventsTable(const ViewSpec& v) {
  return "read_parquet('sources/" + v.name + "/*.parquet')";
}

std::string WindowForm(const PitSpec& spec) {
  using testing::PitAsofQuote;
  const ViewSpec& v = spec.views[0];
  const std::string key = PitAsofQuote(v.key_column);
  const SchemaPtr spine_schema = SpineSchema(spec);  // held: the loops borrow its fields
  // One table: events (_row null; the spine's other columns null) and spine
  // rows (_row = their row number, amount null).
  std::string spine_out, spine_rest, null_rest;
  for (const Field& f : spine_schema->fields()) {
    spine_out += (spine_out.empty() ? "" : ", ") + PitAsofQuote(f.name);
    if (f.name == v.key_column) continue;
    spine_rest += ", " + PitAsofQuote(f.name);
    null_rest += ", NULL AS " + PitAsofQuote(f.name);  // typed by the union
  }
  const std::string events = "SELECT " + key + null_rest + ", epoch_us(" +
                             PitAsofQuote("event_ts") + ") AS _t, " + PitAsofQuote(kAggColumn) +
                             " AS _a, NULL::BIGINT AS _row FROM " + EventsTable(v);
  const std::string spine = "SELECT " + key + spine_rest +
                            ", epoch_us(event_timestamp) AS _t, NULL::DOUBLE AS _a, "
                            "file_row_number AS _row FROM read_parquet('" +
                            std::string(kSpineParquet) + "', file_row_number = true)";
  // (t - W, t] in integer micros: RANGE W - 1 PRECEDING; CURRENT ROW
  // reaches the last peer (events at exactly t).
  std::string windows;
  for (size_t w = 0; w < std::size(kAggWindows); ++w) {
    windows += std::string(w ? ", " : "") + "_w" + std::to_string(w) + " AS (PARTITION BY " + key +
               " ORDER BY _t RANGE BETWEEN " +
               std::to_string(kAggWindows[w].seconds * kMicrosPerSecond - 1) +
               " PRECEDING AND CURRENT ROW)";
  }
  const std::vector<std::string> names = AggFeatureNames();
  std::string aggs, out_names;
  size_t n = 0;
  for (const char* f : kAggFunctions) {
    for (size_t w = 0; w < std::size(kAggWindows); ++w, ++n) {
      aggs += ", " + std::string(f) + "(_a) OVER _w" + std::to_string(w) + " AS " +
              PitAsofQuote(names[n]);
      out_names += ", " + PitAsofQuote(names[n]);
    }
  }
  const std::string windowed = "SELECT " + key + spine_rest + ", _row" + aggs + " FROM (" + events +
                               " UNION ALL " + spine + ") WINDOW " + windows +
                               " QUALIFY _row IS NOT NULL";
  return "SELECT " + spine_out + out_names + " FROM (" + windowed + ") ORDER BY _row";
}

std::string JoinForm(const PitSpec& spec) {
  using testing::PitAsofQuote;
  const ViewSpec& v = spec.views[0];
  const std::string key = PitAsofQuote(v.key_column);
  const int64_t largest = kAggWindows[std::size(kAggWindows) - 1].seconds;
  const std::vector<std::string> names = AggFeatureNames();
  std::string aggs;
  size_t n = 0;
  for (const char* f : kAggFunctions) {
    for (const AggWindow& w : kAggWindows) {
      aggs += ", " + std::string(f) + "(e._a)";
      if (w.seconds != largest) aggs += " FILTER (WHERE e._t > s._t - " + Micros(w.seconds) + ")";
      aggs += " AS " + PitAsofQuote(names[n++]);
    }
  }
  const std::string spine_cols = SpineSelect(spec, "s.");
  const std::string spine = "SELECT *, epoch_us(event_timestamp) AS _t FROM read_parquet('" +
                            std::string(kSpineParquet) + "', file_row_number = true)";
  const std::string events = "SELECT " + key + ", epoch_us(" + PitAsofQuote("event_ts") +
                             ") AS _t, " + PitAsofQuote(kAggColumn) + " AS _a FROM " +
                             EventsTable(v);
  return "SELECT " + spine_cols + aggs + " FROM (" + spine + ") s LEFT JOIN (" + events +
         ") e ON e." + key + " = s." + key + " AND e._t > s._t - " + Micros(largest) +
         " AND e._t <= s._t GROUP BY s.file_row_number, " + spine_cols +
         " ORDER BY s.file_row_number";
}

}  // namespace

std::string DuckDbAggQuery(const PitSpec& spec, AggSqlForm form) {
  return form == AggSqlForm::kWindow ? WindowForm(spec) : JoinForm(spec);
}

}  // namespace tessera::pitbench
