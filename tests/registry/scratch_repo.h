// A feature repo in a scratch folder for the source and expression check
// tests: definition files, CSV texts and Parquet files written by the
// format writer; Errors() runs what plan and apply run.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tessera/core/record_batch.h"
#include "tessera/core/value.h"
#include "tessera/format/parquet/writer.h"
#include "tessera/registry/source_check.h"

namespace tessera::registry::testing {

namespace fs = std::filesystem;

class ScratchRepo {
 public:
  ScratchRepo() {
    dir_ = fs::temp_directory_path() / ("tessera_source_check_" + std::to_string(::getpid()) + "_" +
                                        std::to_string(counter_++));
    fs::remove_all(dir_);
    Write("tessera.yaml", "project: p\n");
  }
  ~ScratchRepo() { fs::remove_all(dir_); }
  std::string dir() const { return dir_.string(); }

  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  // A Parquet file of one all-null row with these columns.
  void WriteParquet(const std::string& rel, std::vector<Field> fields) {
    fs::create_directories((dir_ / rel).parent_path());
    SchemaPtr schema = Schema::Make(fields).value();
    RecordBatchBuilder builder(schema);
    std::vector<Value> row;
    for (const Field& f : fields) row.push_back(Value::Null(f.type));
    ASSERT_TRUE(builder.AppendRow(row).ok());
    Status st =
        parquet::WriteParquetFile((dir_ / rel).string(), schema, {builder.Finish().value()});
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  // The loader's errors followed by the source check's (run only when the
  // loader found none, as plan and apply do).
  std::vector<std::string> Errors() const {
    LoadedRepo repo;
    std::vector<std::string> out;
    for (const LoadError& e : LoadRepoCollectErrors(dir_.string(), &repo)) {
      out.push_back("load: " + e.ToString());
    }
    if (!out.empty()) return out;
    for (const LoadError& e : CheckSourceFiles(repo)) out.push_back(e.ToString());
    return out;
  }

 private:
  static inline int counter_ = 0;
  fs::path dir_;
};

}  // namespace tessera::registry::testing
