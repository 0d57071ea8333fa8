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

}  // namespace tessera::pitbench
