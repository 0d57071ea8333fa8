#include "tessera/offline/scan_plan.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <map>

#include "tessera/core/coding.h"
#include "tessera/core/file_glob.h"
#include "tessera/core/suggest.h"
#include "tessera/format/csv/csv.h"
#include "tessera/format/parquet/file_io.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/format/parquet/schema_mapping.h"
#include "tessera/offline/hive_partition.h"
#include "tessera/offline/source_log.h"
#include "tessera/registry/source_schema.h"

namespace tessera::offline {
namespace {

bool EndsWithNoCase(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  if (s.size() < n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (std::tolower(static_cast<unsigned char>(s[s.size() - n + i])) != suffix[i]) return false;
  }
  return true;
}

std::string FullPath(const SourceScanSpec& spec, const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  return spec.repo_root + "/" + path;
}

// The offline store's root of a source log folder
// ("<root>/<project>/sources/<source>", source_log.h), normalised, with a
// trailing '/'; "" when `log_dir` is not shaped so.
std::string OfflineRootOf(const std::string& log_dir) {
  std::filesystem::path dir = std::filesystem::path(log_dir).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();
  if (log_dir.empty() || dir.parent_path().filename() != "sources") return "";
  return dir.parent_path().parent_path().parent_path().string() + "/";
}

// True when `full` lies inside the offline store: a glob such as
// `data/**/*.parquet` must not read the log's parts (or any other source's
// log) as files of the source, which would count their rows twice.
bool InsideOfflineStore(const std::string& full, const std::string& offline_root) {
  if (offline_root.empty()) return false;
  return std::filesystem::path(full).lexically_normal().string().rfind(offline_root, 0) == 0;
}

// A file's readable columns and their types, in file order. A column the
// reader cannot map (a nested struct) keeps its status, reported only when
// the column is asked for.
struct FileColumn {
  std::string name;
  DataType type;
  Status status;
};

// The footer's columns with a status each, read without the reader (whose
// Open refuses a file when any projected column is nested).
Result<std::vector<FileColumn>> MapParquetFooter(Env* env, const std::string& path) {
  constexpr int64_t kTail = 8;
  TS_ASSIGN_OR_RETURN(std::unique_ptr<parquet::InputFile> file,
                      parquet::InputFile::Open(env, path));
  const auto size = static_cast<int64_t>(file->size());
  if (size < 4 + kTail) return Status::Corruption("not a Parquet file");
  uint8_t tail[kTail];
  TS_RETURN_NOT_OK(file->ReadAt(size - kTail, kTail, tail));
  const uint32_t footer_len = DecodeFixed32(tail);
  if (std::memcmp(tail + 4, "PAR1", 4) != 0 ||
      footer_len > static_cast<uint64_t>(size - 4 - kTail)) {
    return Status::Corruption("not a Parquet file");
  }
  TS_ASSIGN_OR_RETURN(BufferPtr footer, file->ReadBuffer(size - kTail - footer_len, footer_len));
  TS_ASSIGN_OR_RETURN(parquet::FileMetaData md,
                      parquet::DecodeFileMetaData(footer->data(), footer->size()));
  int64_t leaves =
      md.row_groups.empty() ? -1 : static_cast<int64_t>(md.row_groups[0].columns.size());
  TS_ASSIGN_OR_RETURN(std::vector<parquet::FieldMapping> fields,
                      parquet::MapSchema(md.schema, leaves));
  std::vector<FileColumn> out;
  for (const parquet::FieldMapping& f : fields) out.push_back({f.name, f.column.type, f.status});
  return out;
}

// The columns of a Parquet file. The reader's Open (all columns) is the
// common case and gives its error messages; a file it refuses is mapped
// field by field, so that a nested column not asked for is no error.
Result<std::vector<FileColumn>> ParquetColumns(Env* env, const std::string& path) {
  parquet::ReadOptions options;
  options.env = env;
  Result<std::unique_ptr<parquet::ParquetReader>> reader =
      parquet::ParquetReader::Open(path, options);
  if (!reader.ok()) {
    Result<std::vector<FileColumn>> mapped = MapParquetFooter(env, path);
    return mapped.ok() ? mapped : reader.status();
  }
  std::vector<FileColumn> out;
  for (const Field& f : (*reader)->schema()->fields())
    out.push_back({f.name, f.type, Status::OK()});
  return out;
}

Result<std::vector<FileColumn>> CsvColumns(Env* env, const std::string& path) {
  TS_ASSIGN_OR_RETURN(std::vector<std::string> header, csv::ReadCsvHeader(path, env));
  std::vector<FileColumn> out;
  for (std::string& name : header)
    out.push_back({std::move(name), DataType::String(), Status::OK()});
  return out;
}

class Planner {
 public:
  explicit Planner(const SourceScanSpec& spec) : spec_(spec) {}

  Result<ScanPlan> Run() {
    std::vector<Field> fields;
    for (const ScanColumn& c : spec_.columns) fields.push_back({c.name, c.type});
    if (fields.empty()) return Status::Invalid("a source scan needs at least one column");
    TS_ASSIGN_OR_RETURN(plan_.schema, Schema::Make(std::move(fields)));
    if (!spec_.path.empty()) TS_RETURN_NOT_OK(AddFiles());
    if (!spec_.log_dir.empty()) TS_RETURN_NOT_OK(AddLogParts());
    for (ScanUnit& unit : plan_.units) TS_RETURN_NOT_OK(PlanColumns(&unit));
    return std::move(plan_);
  }

 private:
  Status AddFiles() {
    TS_ASSIGN_OR_RETURN(std::vector<std::string> files,
                        MatchSourceFiles(spec_.repo_root, spec_.path, spec_.env));
    const size_t fixed = FixedPrefixComponents(spec_.path);
    const std::string offline_root = OfflineRootOf(spec_.log_dir);
    for (const std::string& file : files) {
      ScanUnit unit;
      unit.shown = file;
      unit.full = FullPath(spec_, file);
      if (InsideOfflineStore(unit.full, offline_root)) continue;
      if (EndsWithNoCase(file, ".parquet")) {
        unit.format = FileFormat::kParquet;
      } else if (EndsWithNoCase(file, ".csv")) {
        unit.format = FileFormat::kCsv;
      } else {
        return Status::Invalid("file " + Quoted(file) +
                               " is neither Parquet nor CSV (its name must end in .parquet or "
                               ".csv)");
      }
      TS_RETURN_NOT_OK(ParsePartitions(file, fixed, &unit));
      if (!PartitionsMayMatch(unit)) continue;
      plan_.units.push_back(std::move(unit));
    }
    return Status::OK();
  }

  Status ParsePartitions(const std::string& file, size_t fixed, ScanUnit* unit) const {
    for (const PartitionFolder& p : PartitionFoldersOf(file, fixed)) {
      int index = plan_.schema->IndexOf(p.name);
      if (index < 0) continue;
      bool seen = std::any_of(unit->partitions.begin(), unit->partitions.end(),
                              [&](const auto& q) { return q.first == index; });
      if (seen) continue;  // the outermost folder of a name decides
      Result<Value> v = ParsePartitionValue(p.text, plan_.schema->field(index).type);
      if (!v.ok()) {
        return Status::Invalid("file " + Quoted(file) + ": partition folder " +
                               Quoted(p.name + "=" + p.text) + ": " + v.status().message());
      }
      unit->partitions.emplace_back(index, std::move(v).MoveValueUnsafe());
    }
    return Status::OK();
  }

  // False when a partition value lies outside a filter's range (a null
  // value is kept: pruning is coarse).
  bool PartitionsMayMatch(const ScanUnit& unit) const {
    for (const ScanFilter& f : spec_.filters) {
      for (const auto& [index, value] : unit.partitions) {
        TypeId t = value.type().id();
        if (plan_.schema->field(index).name != f.column || value.is_null()) continue;
        if (t != TypeId::kInt32 && t != TypeId::kInt64 && t != TypeId::kTimestamp) continue;
        if (value.int_value() < f.min || value.int_value() > f.max) return false;
      }
    }
    return true;
  }

  Status AddLogParts() {
    std::shared_ptr<const Manifest> manifest = spec_.manifest;
    if (manifest == nullptr) {
      TS_ASSIGN_OR_RETURN(Manifest read, ReadManifest(spec_.env, spec_.log_dir));
      manifest = std::make_shared<const Manifest>(std::move(read));
    }
    for (size_t i = spec_.first_log_part; i < manifest->parts.size(); ++i) {
      const LogPart& part = manifest->parts[i];
      if (part.num_rows <= 0 || !PartMayMatch(part)) continue;
      ScanUnit unit;
      unit.full = spec_.log_dir + "/" + part.file;
      unit.shown = unit.full;
      plan_.units.push_back(std::move(unit));
    }
    return Status::OK();
  }

  bool PartMayMatch(const LogPart& part) const {
    for (const ScanFilter& f : spec_.filters) {
      if (spec_.timestamp_column.empty() || f.column != spec_.timestamp_column) continue;
      if (part.max_event_ts < f.min || part.min_event_ts > f.max) return false;
    }
    return true;
  }

  // Decides how each asked column is filled for `unit`; a file that
  // cannot be opened keeps the error for when the scan reaches it.
  Status PlanColumns(ScanUnit* unit) {
    const bool parquet = unit->format == FileFormat::kParquet;
    Result<std::vector<FileColumn>> columns =
        parquet ? ParquetColumns(spec_.env, unit->full) : CsvColumns(spec_.env, unit->full);
    if (!columns.ok()) {  // the readers' errors name the file
      unit->deferred = columns.status();
      return Status::OK();
    }
    std::map<std::string, const FileColumn*> by_name;
    for (const FileColumn& c : *columns) {
      by_name.emplace(c.name, &c);
      if (unit->probe_column.empty() && c.status.ok()) unit->probe_column = c.name;
    }
    for (int j = 0; j < plan_.schema->num_fields(); ++j) {
      const ScanColumn& asked = spec_.columns[static_cast<size_t>(j)];
      ColumnFill fill;
      auto it = by_name.find(asked.name);
      if (it != by_name.end()) {
        TS_RETURN_NOT_OK(CheckType(*unit, asked, *it->second));
        fill.read_index = static_cast<int>(unit->read_columns.size());
        unit->read_columns.push_back({asked.name, parquet ? it->second->type : asked.type});
      } else if (const Value* v = PartitionOf(*unit, j)) {
        fill.constant = *v;
      } else if (asked.optional) {
        fill.constant = Value::Null(asked.type);
      } else {
        return Status::Invalid("file " + Quoted(unit->shown) + " has no column " +
                               Quoted(asked.name) + " (the scan requires it)");
      }
      unit->fills.push_back(std::move(fill));
    }
    return Status::OK();
  }

  static const Value* PartitionOf(const ScanUnit& unit, int index) {
    for (const auto& [i, v] : unit.partitions) {
      if (i == index) return &v;
    }
    return nullptr;
  }

  Status CheckType(const ScanUnit& unit, const ScanColumn& asked, const FileColumn& column) {
    if (unit.format == FileFormat::kCsv) return Status::OK();  // text, parsed as asked
    if (!column.status.ok()) {
      return column.status.WithContext("file " + Quoted(unit.shown) + ": column " +
                                       Quoted(asked.name));
    }
    if (registry::IsLosslessWidening(column.type, asked.type)) {
      first_readable_.emplace(asked.name, std::make_pair(unit.shown, column.type));
      return Status::OK();
    }
    std::string message = "file " + Quoted(unit.shown) + ": column " + Quoted(asked.name) + " is " +
                          column.type.ToString() + " where " + asked.type.ToString() +
                          " is asked for";
    if (auto it = first_readable_.find(asked.name); it != first_readable_.end()) {
      message +=
          " (file " + Quoted(it->second.first) + " has it as " + it->second.second.ToString() + ")";
    }
    return Status::Invalid(message);
  }

  const SourceScanSpec& spec_;
  ScanPlan plan_;
  // Column -> the first file (and its type there) that had it readable.
  std::map<std::string, std::pair<std::string, DataType>> first_readable_;
};

}  // namespace

Result<ScanPlan> BuildScanPlan(const SourceScanSpec& spec) { return Planner(spec).Run(); }

}  // namespace tessera::offline
