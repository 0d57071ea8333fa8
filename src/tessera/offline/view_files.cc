#include "tessera/offline/view_files.h"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <filesystem>

#include "tessera/core/atomic_file.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/format/parquet/writer.h"
#include "tessera/offline/source_scan.h"

namespace tessera::offline {
namespace {

constexpr const char* kIndexFile = "view_files.json";
constexpr int64_t kFormatVersion = 1;

// What derived files were built from; equal fingerprints mean equal rows.
struct SourceFile {
  std::string path;  // as MatchSourceFiles gives it
  int64_t size = 0;
  int64_t mtime = 0;  // the file system's clock ticks; compared, never shown
  friend bool operator==(const SourceFile&, const SourceFile&) = default;
};

struct ViewFilesIndex {
  int64_t generation = 0;
  std::string data;  // file name inside the folder
  int64_t rows = 0;
  std::string source_path, timestamp_field, created_timestamp_field;
  std::vector<SourceFile> files;
  std::vector<std::string> log_parts;  // covered: the manifest's first parts
  std::vector<Field> keys;             // the source's join key columns
  std::vector<Field> columns;          // carried columns
};

// The source's files now, each with its size and modification time. The
// time comes from the file system directly: Env has no clock for files,
// and a fingerprint needs no fault injection (a failure is "stale").
Result<std::vector<SourceFile>> Fingerprint(const JoinInputSpec& spec) {
  std::vector<SourceFile> out;
  if (spec.source->path.empty()) return out;
  TS_ASSIGN_OR_RETURN(std::vector<std::string> files,
                      MatchSourceFiles(spec.repo_root, spec.source->path, spec.env));
  for (const std::string& f : files) {
    std::error_code ec;
    std::string full = ResolvePath(spec.repo_root, f);
    auto size = std::filesystem::file_size(full, ec);
    if (ec) return Status::IOError("cannot stat " + full + ": " + ec.message());
    auto mtime = std::filesystem::last_write_time(full, ec);
    if (ec) return Status::IOError("cannot stat " + full + ": " + ec.message());
    out.push_back(SourceFile{f, static_cast<int64_t>(size),
                             static_cast<int64_t>(mtime.time_since_epoch().count())});
  }
  return out;
}

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void String(Writer* w, const std::string& s) {
  w->String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void Fields(Writer* w, const char* key, const std::vector<Field>& fields) {
  w->Key(key);
  w->StartArray();
  for (const Field& f : fields) {
    w->StartObject();
    w->Key("name");
    String(w, f.name);
    w->Key("type");
    String(w, f.type.ToString());
    w->EndObject();
  }
  w->EndArray();
}

std::string ToJson(const ViewFilesIndex& index) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("format_version");
  w.Int64(kFormatVersion);
  w.Key("generation");
  w.Int64(index.generation);
  w.Key("data");
  String(&w, index.data);
  w.Key("rows");
  w.Int64(index.rows);
  w.Key("source_path");
  String(&w, index.source_path);
  w.Key("timestamp_field");
  String(&w, index.timestamp_field);
  w.Key("created_timestamp_field");
  String(&w, index.created_timestamp_field);
  w.Key("files");
  w.StartArray();
  for (const SourceFile& f : index.files) {
    w.StartObject();
    w.Key("path");
    String(&w, f.path);
    w.Key("size");
    w.Int64(f.size);
    w.Key("mtime");
    w.Int64(f.mtime);
    w.EndObject();
  }
  w.EndArray();
  w.Key("log_parts");
  w.StartArray();
  for (const std::string& p : index.log_parts) String(&w, p);
  w.EndArray();
  Fields(&w, "keys", index.keys);
  Fields(&w, "columns", index.columns);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

// Field `key` of `obj` as a string / int64; false when absent or mistyped.
bool GetString(const rapidjson::Value& obj, const char* key, std::string* out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return false;
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return true;
}

bool GetInt(const rapidjson::Value& obj, const char* key, int64_t* out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsInt64()) return false;
  *out = it->value.GetInt64();
  return true;
}

// Fields as (name, type text): the index compares types by their text.
bool GetFields(const rapidjson::Value& obj, const char* key,
               std::vector<std::pair<std::string, std::string>>* out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsArray()) return false;
  for (const rapidjson::Value& f : it->value.GetArray()) {
    std::pair<std::string, std::string> field;
    if (!f.IsObject() || !GetString(f, "name", &field.first) ||
        !GetString(f, "type", &field.second)) {
      return false;
    }
    out->push_back(std::move(field));
  }
  return true;
}

// The parts of an index a reader checks; std::nullopt when the text is not
// a valid index (a cache: an unreadable one is merely unusable).
struct ParsedIndex {
  ViewFilesIndex index;
  std::vector<std::pair<std::string, std::string>> keys, columns;
};

std::optional<ParsedIndex> ParseIndex(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  ParsedIndex out;
  ViewFilesIndex& index = out.index;
  int64_t version = 0;
  if (!GetInt(doc, "format_version", &version) || version != kFormatVersion ||
      !GetInt(doc, "generation", &index.generation) || !GetString(doc, "data", &index.data) ||
      !GetInt(doc, "rows", &index.rows) || !GetString(doc, "source_path", &index.source_path) ||
      !GetString(doc, "timestamp_field", &index.timestamp_field) ||
      !GetString(doc, "created_timestamp_field", &index.created_timestamp_field) ||
      !GetFields(doc, "keys", &out.keys) || !GetFields(doc, "columns", &out.columns)) {
    return std::nullopt;
  }
  auto files = doc.FindMember("files");
  auto parts = doc.FindMember("log_parts");
  if (files == doc.MemberEnd() || !files->value.IsArray() || parts == doc.MemberEnd() ||
      !parts->value.IsArray()) {
    return std::nullopt;
  }
  for (const rapidjson::Value& f : files->value.GetArray()) {
    SourceFile file;
    if (!f.IsObject() || !GetString(f, "path", &file.path) || !GetInt(f, "size", &file.size) ||
        !GetInt(f, "mtime", &file.mtime)) {
      return std::nullopt;
    }
    index.files.push_back(std::move(file));
  }
  for (const rapidjson::Value& p : parts->value.GetArray()) {
    if (!p.IsString()) return std::nullopt;
    index.log_parts.emplace_back(p.GetString(), p.GetStringLength());
  }
  // The data file is a plain name inside the folder, never a path.
  if (index.data.empty() || index.data.find('/') != std::string::npos) return std::nullopt;
  return out;
}

std::pair<std::string, std::string> Text(const Field& f) { return {f.name, f.type.ToString()}; }

// Whether the index was built from what `spec` reads now (`files`, and a
// manifest whose first parts are the covered ones) and has its columns.
bool Fresh(const ParsedIndex& parsed, const JoinInputSpec& spec,
           const std::vector<SourceFile>& files, const Manifest& manifest) {
  const ViewFilesIndex& index = parsed.index;
  const registry::Source& source = *spec.source;
  if (index.source_path != source.path || index.timestamp_field != source.timestamp_field ||
      index.created_timestamp_field != source.created_timestamp_field || index.files != files ||
      index.log_parts.size() > manifest.parts.size()) {
    return false;
  }
  for (size_t i = 0; i < index.log_parts.size(); ++i) {
    if (manifest.parts[i].file != index.log_parts[i]) return false;
  }
  if (parsed.keys.size() != spec.keys.size()) return false;
  for (size_t i = 0; i < spec.keys.size(); ++i) {
    if (parsed.keys[i] != Text(spec.keys[i])) return false;
  }
  for (const Field& f : spec.carried) {
    if (std::find(parsed.columns.begin(), parsed.columns.end(), Text(f)) == parsed.columns.end()) {
      return false;
    }
  }
  return true;
}

std::optional<ParsedIndex> ReadIndex(Env* env, const std::string& dir) {
  std::string path = dir + "/" + kIndexFile;
  if (!env->FileExists(path)) return std::nullopt;
  Result<std::string> text = ReadFileToString(env, path);
  if (!text.ok()) return std::nullopt;
  return ParseIndex(*text);
}

// Yields the derived file's batches, then the later log parts', all
// re-labelled with the join layout's schema.
class ConcatInput final : public RecordBatchReader {
 public:
  ConcatInput(std::unique_ptr<RecordBatchReader> first, std::unique_ptr<RecordBatchReader> rest)
      : first_(std::move(first)), rest_(std::move(rest)) {}

  const SchemaPtr& schema() const override { return rest_->schema(); }

  Result<RecordBatchPtr> Next() override {
    if (first_ != nullptr) {
      TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, first_->Next());
      if (batch != nullptr) {
        return RecordBatch::Make(schema(), {batch->columns().begin(), batch->columns().end()});
      }
      first_.reset();
    }
    return rest_->Next();
  }

 private:
  std::unique_ptr<RecordBatchReader> first_;
  std::unique_ptr<RecordBatchReader> rest_;
};

// The join input of `spec` limited to the log parts of `manifest` from
// `first_part` on (no source files).
Result<std::unique_ptr<RecordBatchReader>> LogRest(const JoinInputSpec& spec,
                                                   std::shared_ptr<const Manifest> manifest,
                                                   size_t first_part) {
  registry::Source log_only = *spec.source;
  log_only.path.clear();
  JoinInputSpec rest = spec;
  rest.source = &log_only;
  rest.view_files_dir.clear();
  rest.manifest = std::move(manifest);
  rest.first_log_part = first_part;
  // OpenSourceJoinInput copies what it needs from the source when opening.
  return OpenSourceJoinInput(rest);
}

// Removes the data files of builds before `keep_from` (the previous
// generation's stays for readers that read the previous index).
void RemoveOldData(Env* env, const std::string& dir, int64_t keep_from) {
  Result<std::vector<std::string>> children = env->GetChildren(dir);
  if (!children.ok()) return;
  for (const std::string& name : *children) {
    if (name.rfind("rows-", 0) != 0 || name.size() < 14 ||
        name.compare(name.size() - 8, 8, ".parquet") != 0) {
      continue;
    }
    int64_t gen = std::strtoll(name.c_str() + 5, nullptr, 10);
    if (gen < keep_from) (void)env->RemoveFile(dir + "/" + name);
  }
}

}  // namespace

std::string ViewFilesDir(const std::string& offline_root, const std::string& project,
                         const std::string& view, int64_t version) {
  return offline_root + "/" + project + "/views/" + view + "/v" + std::to_string(version);
}

Result<ViewFilesBuild> BuildViewFiles(const JoinInputSpec& spec, const std::string& dir) {
  Env* env = spec.env;
  std::vector<std::string> created;
  TS_RETURN_NOT_OK(CreateMissingDirs(env, dir, &created));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock, env->LockFile(dir + "/LOCK"));
  // The fingerprint is taken before the scan: a file changed during the
  // scan then no longer matches it, so the result is stale, never wrong.
  TS_ASSIGN_OR_RETURN(std::vector<SourceFile> files, Fingerprint(spec));
  std::string log_dir = SourceLogDir(spec.offline_root, spec.project, spec.source->name);
  TS_ASSIGN_OR_RETURN(Manifest read, ReadManifest(env, log_dir));
  auto manifest = std::make_shared<const Manifest>(std::move(read));
  std::optional<ParsedIndex> old = ReadIndex(env, dir);
  ViewFilesBuild result;
  if (old && old->index.log_parts.size() == manifest->parts.size() &&
      Fresh(*old, spec, files, *manifest)) {
    result.rows = old->index.rows;
    result.log_parts_covered = static_cast<int64_t>(old->index.log_parts.size());
    return result;
  }

  ViewFilesIndex index;
  index.generation = old ? old->index.generation + 1 : 1;
  index.data = "rows-" + std::to_string(index.generation) + ".parquet";
  index.source_path = spec.source->path;
  index.timestamp_field = spec.source->timestamp_field;
  index.created_timestamp_field = spec.source->created_timestamp_field;
  index.files = files;
  for (const LogPart& p : manifest->parts) index.log_parts.push_back(p.file);
  index.keys = spec.keys;
  index.columns = spec.carried;

  JoinInputSpec whole = spec;
  whole.view_files_dir.clear();
  whole.min_event_ts = INT64_MIN;
  whole.max_event_ts = INT64_MAX;
  whole.manifest = manifest;
  whole.first_log_part = 0;
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> input, OpenSourceJoinInput(whole));
  parquet::WriteOptions options;
  options.row_group_size = 1 << 18;  // finer time pruning than the default
  std::string data_path = dir + "/" + index.data;
  TS_ASSIGN_OR_RETURN(auto writer,
                      parquet::ParquetWriter::Open(data_path, input->schema(), options));
  while (true) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, input->Next());
    if (batch == nullptr) break;
    index.rows += batch->num_rows();
    TS_RETURN_NOT_OK(writer->Write(*batch));
  }
  TS_RETURN_NOT_OK(writer->Close());
  TS_ASSIGN_OR_RETURN(auto out, AtomicFileWriter::Create(env, dir + "/" + kIndexFile));
  TS_RETURN_NOT_OK(out->Append(ToJson(index)));
  TS_RETURN_NOT_OK(out->Commit());
  RemoveOldData(env, dir, index.generation - 1);
  result.rows = index.rows;
  result.log_parts_covered = static_cast<int64_t>(index.log_parts.size());
  result.rebuilt = true;
  return result;
}

Result<std::unique_ptr<RecordBatchReader>> OpenViewFilesInput(const JoinInputSpec& spec,
                                                              const std::string& dir) {
  std::unique_ptr<RecordBatchReader> none;
  std::optional<ParsedIndex> parsed = ReadIndex(spec.env, dir);
  if (!parsed) return none;
  Result<std::vector<SourceFile>> files = Fingerprint(spec);
  if (!files.ok()) return none;
  std::string log_dir = SourceLogDir(spec.offline_root, spec.project, spec.source->name);
  Result<Manifest> read = ReadManifest(spec.env, log_dir);
  if (!read.ok()) return none;
  auto manifest = std::make_shared<const Manifest>(std::move(*read));
  if (!Fresh(*parsed, spec, *files, *manifest)) return none;

  parquet::ReadOptions options;
  for (size_t k = 0; k < spec.keys.size(); ++k)
    options.columns.push_back("__key" + std::to_string(k));
  options.columns.push_back("__event_ts");
  options.columns.push_back("__created_ts");
  for (const Field& f : spec.carried) options.columns.push_back(f.name);
  if (spec.min_event_ts != INT64_MIN || spec.max_event_ts != INT64_MAX) {
    options.filter = parquet::RangeFilter{"__event_ts", spec.min_event_ts, spec.max_event_ts};
  }
  options.num_threads = spec.num_threads;
  options.env = spec.env;
  // A data file removed by a newer build since the index was read: scan
  // the source instead.
  auto data = parquet::ParquetReader::Open(dir + "/" + parsed->index.data, options);
  if (!data.ok()) return none;
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> rest,
                      LogRest(spec, manifest, parsed->index.log_parts.size()));
  if (!(*(*data)->schema() == *rest->schema())) return none;
  return std::unique_ptr<RecordBatchReader>(
      new ConcatInput(std::unique_ptr<RecordBatchReader>(std::move(*data)), std::move(rest)));
}

}  // namespace tessera::offline
