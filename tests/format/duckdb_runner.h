// Runs SQL in DuckDB through tests/duckdb/duckdb_query.mjs (installed into
// TESSERA_DUCKDB_DIR by tests/duckdb/install.sh) and parses its JSON-lines
// output with RapidJSON. For the DuckDB interop tests; header-only.
// Thread-compatible (each call uses its own temporary files).
#pragma once

#include <rapidjson/document.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "duckdb_location.h"
#include "tessera/core/result.h"

namespace tessera::parquet::testing {

struct DuckDbResult {
  std::vector<std::string> columns;
  std::vector<std::string> types;         // DuckDB's spelling: "BIGINT", "VARCHAR[]", ...
  std::vector<rapidjson::Document> rows;  // each a JSON array, one value per column
};

using tessera::testing::DuckDbDir;
using tessera::testing::NodeBinary;

// Why DuckDB cannot be used here, or nullopt when it can.
inline std::optional<std::string> DuckDbUnavailable() {
  return tessera::testing::DuckDbUnavailable("duckdb_query.mjs");
}

// Runs `statements` in one in-memory DuckDB; the result is that of the last.
inline Result<DuckDbResult> RunDuckDb(const std::vector<std::string>& statements,
                                      const std::string& work_dir) {
  static int counter = 0;
  const std::string base =
      work_dir + "/duckdb_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  {
    std::ofstream sql(base + ".sql");
    for (const std::string& s : statements) sql << s << ";\n";
  }
  const std::string cmd = "'" + NodeBinary() + "' '" + DuckDbDir() + "/duckdb_query.mjs' < '" +
                          base + ".sql' > '" + base + ".out' 2> '" + base + ".err'";
  const int rc = std::system(cmd.c_str());
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  if (rc != 0) return Status::IOError("duckdb failed: " + slurp(base + ".err"));
  std::istringstream out(slurp(base + ".out"));
  DuckDbResult result;
  std::string line;
  bool header = true;
  while (std::getline(out, line)) {
    rapidjson::Document doc;
    // Full precision: the default fast path may be one ulp off.
    doc.Parse<rapidjson::kParseFullPrecisionFlag>(line.data(), line.size());
    if (doc.HasParseError()) return Status::Corruption("bad JSON from duckdb: " + line);
    if (header) {
      for (const auto& c : doc["columns"].GetArray()) result.columns.push_back(c.GetString());
      for (const auto& t : doc["types"].GetArray()) result.types.push_back(t.GetString());
      header = false;
    } else {
      result.rows.push_back(std::move(doc));
    }
  }
  return result;
}

}  // namespace tessera::parquet::testing
