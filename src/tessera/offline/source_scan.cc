#include "tessera/offline/source_scan.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <thread>

#include "tessera/core/file_glob.h"
#include "tessera/core/suggest.h"
#include "tessera/format/csv/csv.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/format/parquet/row_group_filter.h"
#include "tessera/format/parquet/schema_mapping.h"
#include "tessera/offline/scan_arrays.h"
#include "tessera/offline/scan_plan.h"

namespace tessera::offline {
namespace {

// `status` with the opened path replaced by the one messages show.
Status Shown(const Status& status, const ScanUnit& unit) {
  if (status.ok() || unit.full == unit.shown) return status;
  std::string message = status.message();
  for (size_t at = message.find(unit.full); at != std::string::npos;
       at = message.find(unit.full, at + unit.shown.size())) {
    message.replace(at, unit.full.size(), unit.shown);
  }
  return Status(status.code(), message);
}

// The row groups of an open Parquet file still to read.
struct ParquetCursor {
  std::shared_ptr<parquet::ParquetReader> reader;
  std::vector<int> groups;  // kept by the filters, file order
  size_t next = 0;
  bool done() const { return next >= groups.size(); }
};

// One row group to decode; `unit` indexes the plan.
struct Task {
  size_t unit = 0;
  std::shared_ptr<parquet::ParquetReader> reader;
  int group = 0;
};

// The row groups of `reader` whose statistics may satisfy every filter.
std::vector<int> SelectGroups(const parquet::ParquetReader& reader,
                              const std::vector<ScanFilter>& filters) {
  const parquet::FileMetaData& md = reader.metadata();
  std::vector<const parquet::ColumnDesc*> descs(filters.size(), nullptr);
  int64_t leaves =
      md.row_groups.empty() ? -1 : static_cast<int64_t>(md.row_groups[0].columns.size());
  Result<std::vector<parquet::FieldMapping>> fields = parquet::MapSchema(md.schema, leaves);
  std::vector<int> groups;
  for (int g = 0; g < reader.num_row_groups(); ++g) {
    bool keep = true;
    for (const ScanFilter& f : filters) {
      if (!keep || !fields.ok()) break;
      for (const parquet::FieldMapping& m : *fields) {
        if (m.name != f.column || !m.status.ok() || !parquet::CheckFilterColumn(m.column).ok()) {
          continue;
        }
        const parquet::ColumnChunk& chunk =
            md.row_groups[static_cast<size_t>(g)].columns[static_cast<size_t>(m.column.leaf_index)];
        keep = parquet::ChunkMayMatch(m.column, chunk, {f.column, f.min, f.max});
      }
    }
    if (keep) groups.push_back(g);
  }
  return groups;
}

class SourceScan : public RecordBatchReader {
 public:
  SourceScan(const SourceScanSpec& spec, ScanPlan plan)
      : plan_(std::move(plan)),
        filters_(spec.filters),
        env_(spec.env),
        num_threads_(std::max(1, spec.num_threads)),
        cache_value_(plan_.schema->fields().size()),
        cache_array_(plan_.schema->fields().size()) {}

  const SchemaPtr& schema() const override { return plan_.schema; }

  Result<RecordBatchPtr> Next() override {
    while (ready_.empty() && error_.ok() && unit_ < plan_.units.size()) {
      error_ = Step();
    }
    if (!ready_.empty()) {
      RecordBatchPtr batch = std::move(ready_.front());
      ready_.pop_front();
      return batch;
    }
    if (!error_.ok()) return error_;
    return RecordBatchPtr(nullptr);
  }

 private:
  // Reads some batches of the unit at `unit_` (and, for Parquet, of the
  // units after it, up to num_threads row groups) into `ready_`.
  Status Step() {
    const ScanUnit& unit = plan_.units[unit_];
    if (!unit.deferred.ok()) return Shown(unit.deferred, unit);
    if (unit.format == FileFormat::kCsv) return StepCsv(unit);
    return StepParquet();
  }

  Status StepCsv(const ScanUnit& unit) {
    if (csv_ == nullptr) {
      std::vector<Field> fields = unit.read_columns;
      if (fields.empty()) {  // nothing asked is in the file: count its rows by its first column
        TS_ASSIGN_OR_RETURN(std::vector<std::string> header, csv::ReadCsvHeader(unit.full, env_));
        if (!header.empty()) fields.push_back({header[0], DataType::String()});
      }
      TS_ASSIGN_OR_RETURN(SchemaPtr schema, Schema::Make(std::move(fields)));
      csv::CsvReadOptions options;
      options.env = env_;
      Result<std::unique_ptr<csv::CsvReader>> reader =
          csv::CsvReader::Open(unit.full, schema, options);
      if (!reader.ok()) return Shown(reader.status(), unit);
      csv_ = std::move(reader).MoveValueUnsafe();
    }
    Result<RecordBatchPtr> batch = csv_->Next();
    if (!batch.ok()) return Shown(batch.status(), unit);
    if (*batch == nullptr) {
      csv_.reset();
      ++unit_;
      return Status::OK();
    }
    return Emit(unit, unit.read_columns.empty() ? std::vector<ArrayPtr>{} : (*batch)->columns(),
                (*batch)->num_rows());
  }

  // Opens the reader of Parquet unit `u` and picks its row groups.
  Status OpenCursor(size_t u) {
    ScanUnit& unit = plan_.units[u];
    parquet::ReadOptions options;
    for (const Field& f : unit.read_columns) options.columns.push_back(f.name);
    options.env = env_;
    options.num_threads = 1;
    // Nothing asked is in the file: only its row counts are needed, from
    // the footer; the probe column is projected but never decoded.
    if (options.columns.empty() && !unit.probe_column.empty()) {
      options.columns.push_back(unit.probe_column);
    }
    ParquetCursor cursor;
    Result<std::unique_ptr<parquet::ParquetReader>> reader =
        parquet::ParquetReader::Open(unit.full, options);
    if (!reader.ok()) return Shown(reader.status(), unit);
    cursor.reader = std::move(reader).MoveValueUnsafe();
    cursor.groups = SelectGroups(*cursor.reader, filters_);
    cursors_[u] = std::move(cursor);
    return Status::OK();
  }

  // Up to num_threads row groups of the Parquet units from `unit_` on, in
  // scan order; `*end` is the first unit not finished by them. A unit that
  // cannot be opened keeps its error and ends the gathering.
  std::vector<Task> GatherTasks(size_t* end) {
    std::vector<Task> tasks;
    size_t u = unit_;
    while (tasks.size() < static_cast<size_t>(num_threads_) && u < plan_.units.size()) {
      const ScanUnit& unit = plan_.units[u];
      if (unit.format != FileFormat::kParquet || !unit.deferred.ok()) break;
      if (cursors_.find(u) == cursors_.end()) {
        Status st = OpenCursor(u);
        if (!st.ok()) {
          plan_.units[u].deferred = st;
          break;
        }
      }
      ParquetCursor& cursor = cursors_[u];
      while (!cursor.done() && tasks.size() < static_cast<size_t>(num_threads_)) {
        tasks.push_back({u, cursor.reader, cursor.groups[cursor.next++]});
      }
      if (cursor.done()) ++u;
    }
    *end = u;
    return tasks;
  }

  // Decodes the gathered row groups at once and emits them in order.
  Status StepParquet() {
    size_t u = unit_;
    std::vector<Task> tasks = GatherTasks(&u);
    std::vector<Result<std::vector<ArrayPtr>>> decoded(tasks.size(),
                                                       Status::Internal("not decoded"));
    std::vector<std::thread> threads;
    for (size_t t = 1; t < tasks.size(); ++t) {
      threads.emplace_back([&, t] { decoded[t] = Decode(tasks[t]); });
    }
    if (!tasks.empty()) decoded[0] = Decode(tasks[0]);
    for (std::thread& th : threads) th.join();
    for (size_t t = 0; t < tasks.size(); ++t) {
      const ScanUnit& unit = plan_.units[tasks[t].unit];
      if (!decoded[t].ok()) return Shown(decoded[t].status(), unit);
      const int64_t rows =
          tasks[t].reader->metadata().row_groups[static_cast<size_t>(tasks[t].group)].num_rows;
      TS_RETURN_NOT_OK(Emit(unit, *decoded[t], rows));
    }
    // Release finished files (their descriptors) and move past them.
    while (unit_ < u) cursors_.erase(unit_++);
    return Status::OK();
  }

  // Row group of one task, its columns widened to the asked types. Runs on
  // worker threads: touches only the task and the immutable plan.
  Result<std::vector<ArrayPtr>> Decode(const Task& task) const {
    const ScanUnit& unit = plan_.units[task.unit];
    if (unit.read_columns.empty()) return std::vector<ArrayPtr>{};
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, task.reader->ReadRowGroup(task.group));
    std::vector<ArrayPtr> columns;
    columns.reserve(unit.read_columns.size());
    for (size_t i = 0; i < unit.read_columns.size(); ++i) {
      const int asked = AskedIndex(unit, static_cast<int>(i));
      TS_ASSIGN_OR_RETURN(ArrayPtr a, WidenArray(batch->column(static_cast<int>(i)),
                                                 plan_.schema->field(asked).type));
      columns.push_back(std::move(a));
    }
    return columns;
  }

  static int AskedIndex(const ScanUnit& unit, int read_index) {
    for (size_t j = 0; j < unit.fills.size(); ++j) {
      if (unit.fills[j].read_index == read_index) return static_cast<int>(j);
    }
    return -1;
  }

  // One output batch from the columns read and the unit's constants.
  Status Emit(const ScanUnit& unit, const std::vector<ArrayPtr>& read, int64_t rows) {
    if (rows == 0) return Status::OK();
    std::vector<ArrayPtr> columns;
    columns.reserve(unit.fills.size());
    for (size_t j = 0; j < unit.fills.size(); ++j) {
      const ColumnFill& fill = unit.fills[j];
      if (fill.read_index >= 0) {
        columns.push_back(read[static_cast<size_t>(fill.read_index)]);
        continue;
      }
      TS_ASSIGN_OR_RETURN(ArrayPtr constant, Constant(j, fill.constant, rows));
      columns.push_back(std::move(constant));
    }
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, RecordBatch::Make(plan_.schema, std::move(columns)));
    ready_.push_back(std::move(batch));
    return Status::OK();
  }

  // The constant column j of `rows` rows; reuses the last one made when
  // value and length repeat (row groups of one size, nulls of every file).
  Result<ArrayPtr> Constant(size_t j, const Value& value, int64_t rows) {
    ArrayPtr& cached = cache_array_[j];
    if (cached == nullptr || cached->length() != rows || !(*cache_value_[j] == value)) {
      TS_ASSIGN_OR_RETURN(
          cached, MakeConstantArray(value, plan_.schema->field(static_cast<int>(j)).type, rows));
      cache_value_[j] = value;
    }
    return cached;
  }

  ScanPlan plan_;
  std::vector<ScanFilter> filters_;
  Env* env_;
  int num_threads_;
  size_t unit_ = 0;  // the unit being read
  std::map<size_t, ParquetCursor> cursors_;
  std::unique_ptr<csv::CsvReader> csv_;
  std::deque<RecordBatchPtr> ready_;
  Status error_;  // sticky, returned after `ready_`
  std::vector<std::optional<Value>> cache_value_;
  std::vector<ArrayPtr> cache_array_;
};

}  // namespace

Result<std::vector<std::string>> MatchSourceFiles(const std::string& repo_root,
                                                  const std::string& path, Env* env) {
  if (path.empty()) return std::vector<std::string>{};
  std::vector<std::string> comps = SplitPathComponents(path);
  bool glob = false;
  for (const std::string& c : comps) glob = glob || HasGlobChars(c);
  if (glob) return GlobFiles(env, repo_root, path);
  const std::string full = path[0] == '/' ? path : repo_root + "/" + path;
  Result<uint64_t> size = env->GetFileSize(full);
  if (!size.ok() && size.status().IsNotFound()) {
    return Status::NotFound("file " + Quoted(path) + " does not exist");
  }
  TS_RETURN_NOT_OK(size.status());
  if (env->GetChildren(full).ok()) {
    return Status::Invalid(Quoted(path) + " is a folder; a glob such as '" + path +
                           "/*.parquet' reads its files");
  }
  return std::vector<std::string>{path};
}

Result<std::unique_ptr<RecordBatchReader>> OpenSourceScan(const SourceScanSpec& spec) {
  TS_ASSIGN_OR_RETURN(ScanPlan plan, BuildScanPlan(spec));
  return std::unique_ptr<RecordBatchReader>(new SourceScan(spec, std::move(plan)));
}

}  // namespace tessera::offline
