#include "tessera/registry/source_schema.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "tessera/core/file_glob.h"
#include "tessera/core/suggest.h"
#include "tessera/format/csv/csv.h"
#include "tessera/format/parquet/reader.h"

namespace tessera::registry {
namespace {

// The regular files matching `pattern` (a path or a glob, core/file_glob.h),
// sorted; the offline scan (offline/source_scan.h) reads the same list.
std::vector<std::string> MatchFiles(const std::string& pattern) {
  Result<std::vector<std::string>> files = GlobFiles(Env::Default(), "", pattern);
  return files.ok() ? std::move(files).MoveValueUnsafe() : std::vector<std::string>{};
}

std::string Extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// `file` relative to the repo root when it lies inside it.
std::string Shown(const std::string& root, const std::string& file) {
  std::string shown = std::filesystem::path(file).lexically_relative(root).string();
  return shown.empty() || shown.rfind("..", 0) == 0 ? file : shown;
}

// Column name -> type the views reading a source declare for it, keyed by
// the source whose files hold the columns (a push source without schema
// declares for its batch source). The first declaration wins: each view
// parses a CSV field by its own declared type anyway.
using DeclaredTypes = std::map<std::string, std::map<std::string, DataType>>;

class Resolver {
 public:
  Resolver(const LoadedRepo& repo, std::vector<LoadError>* errors)
      : repo_(repo), defs_(repo.definitions), errors_(errors) {}

  std::map<std::string, SourceSchema> Run() {
    for (const Source& s : defs_.sources) sources_.emplace(s.name, &s);
    CollectDeclaredTypes();
    std::map<std::string, SourceSchema> out;
    for (const Source& s : defs_.sources) {
      if (s.kind == SourceKind::kBatch) out[s.name] = ResolveBatch(s);
    }
    for (const Source& s : defs_.sources) {
      if (s.kind != SourceKind::kPush) continue;
      if (!s.schema.empty()) {
        out[s.name] = Declared(s);
      } else if (auto it = out.find(s.batch_source); it != out.end()) {
        out[s.name] = it->second;
      } else {
        out[s.name] = SourceSchema{};  // unknown batch source: the loader said so
      }
    }
    return out;
  }

 private:
  // The source whose files a view over `source_name` reads.
  const Source* FileSource(const std::string& source_name) const {
    auto it = sources_.find(source_name);
    if (it == sources_.end()) return nullptr;
    const Source* s = it->second;
    if (s->kind != SourceKind::kPush || !s->schema.empty()) return s;
    auto b = sources_.find(s->batch_source);
    return b == sources_.end() ? nullptr : b->second;
  }

  void CollectDeclaredTypes() {
    std::map<std::string, const Entity*> entities;
    for (const Entity& e : defs_.entities) entities.emplace(e.name, &e);
    for (const FeatureView& v : defs_.feature_views) {
      const Source* s = FileSource(v.source);
      if (s == nullptr) continue;
      std::map<std::string, DataType>& types = declared_[s->name];
      for (const FeatureDef& f : v.features) {
        if (f.expr.empty()) types.emplace(f.name, f.type);
      }
      for (const std::string& entity : v.entities) {
        auto e = entities.find(entity);
        if (e == entities.end()) continue;
        for (const JoinKey& k : e->second->join_keys) types.emplace(k.name, k.type);
      }
    }
    for (const Source& s : defs_.sources) {
      if (s.kind != SourceKind::kBatch) continue;
      for (const std::string* f : {&s.timestamp_field, &s.created_timestamp_field}) {
        if (!f->empty()) declared_[s.name].emplace(*f, DataType::Timestamp());
      }
    }
  }

  static SourceSchema Declared(const Source& s) {
    SourceSchema schema;
    schema.declared = true;
    ColumnSet set;
    set.origin = "the schema of source " + Quoted(s.name);
    for (const Field& f : s.schema) set.columns.push_back({f.name, f.type});
    schema.sets.push_back(std::move(set));
    return schema;
  }

  // A push source names this batch source as its history.
  bool FeedsPush(const Source& batch) const {
    return std::any_of(defs_.sources.begin(), defs_.sources.end(), [&](const Source& s) {
      return s.kind == SourceKind::kPush && s.batch_source == batch.name;
    });
  }

  SourceSchema ResolveBatch(const Source& s) {
    std::string what = "source " + Quoted(s.name) + ": ";
    std::filesystem::path pattern(s.path);
    std::string full = pattern.is_absolute() ? s.path : repo_.root + "/" + s.path;
    std::vector<std::string> files = s.path.empty() ? std::vector<std::string>{} : MatchFiles(full);
    if (files.empty() && !s.path.empty() && !(FeedsPush(s) && !s.schema.empty())) {
      std::string hint = FeedsPush(s) ? " (a push source's history may start empty when its "
                                        "batch source declares schema:)"
                                      : "";
      Error(s, what + "path " + Quoted(s.path) + " matches no file" + hint);
      return {};
    }
    if (!s.schema.empty()) return Declared(s);
    SourceSchema schema;
    const size_t fixed = FixedPrefixComponents(full);
    for (const std::string& file : files) {
      Result<ColumnSet> set = ReadFile(s, file, fixed);
      if (!set.ok()) {
        Error(s, what + set.status().message());
        return {};
      }
      schema.sets.push_back(std::move(*set));
    }
    return schema;
  }

  // The columns of one matched file; its Hive partition folders below the
  // pattern's `fixed` components are columns too (offline/source_scan.h),
  // of the type a view declares (their values are text), else string.
  Result<ColumnSet> ReadFile(const Source& s, const std::string& file, size_t fixed) {
    ColumnSet set;
    set.origin = Shown(repo_.root, file);
    std::string ext = Extension(file);
    SchemaPtr schema;
    if (ext == ".parquet") {
      auto reader = parquet::ParquetReader::Open(file);
      if (!reader.ok()) return Cannot(set.origin, reader.status());
      schema = (*reader)->schema();
    } else if (ext == ".csv") {
      auto inferred = csv::InferCsvSchema(file);
      if (!inferred.ok()) return Cannot(set.origin, inferred.status());
      schema = *inferred;
      set.text = true;
    } else {
      return Status::Invalid("file " + Quoted(set.origin) +
                             " is neither Parquet nor CSV (its name "
                             "must end in .parquet or .csv)");
    }
    const std::map<std::string, DataType>& declared = declared_[s.name];
    for (const Field& f : schema->fields()) {
      auto d = declared.find(f.name);
      set.columns.push_back({f.name, set.text && d != declared.end() ? d->second : f.type});
    }
    for (const PartitionFolder& p : PartitionFoldersOf(file, fixed)) {
      if (set.Find(p.name) != nullptr) continue;  // the file's own column wins
      auto d = declared.find(p.name);
      set.columns.push_back({p.name, d != declared.end() ? d->second : DataType::String()});
    }
    return set;
  }

  static Status Cannot(const std::string& shown, const Status& st) {
    return Status::Invalid("cannot read " + Quoted(shown) + ": " + st.message());
  }

  void Error(const Source& s, std::string message) {
    errors_->push_back({s.location, std::move(message)});
  }

  const LoadedRepo& repo_;
  const RepoDefinitions& defs_;
  std::vector<LoadError>* errors_;
  std::map<std::string, const Source*> sources_;
  DeclaredTypes declared_;
};

}  // namespace

const SourceColumn* ColumnSet::Find(const std::string& name) const {
  for (const SourceColumn& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string ColumnSet::ClosestName(const std::string& name) const {
  std::vector<std::string> names;
  for (const SourceColumn& c : columns) names.push_back(c.name);
  return SuggestName(name, names);
}

std::map<std::string, SourceSchema> ResolveSourceSchemas(const LoadedRepo& repo,
                                                         std::vector<LoadError>* errors) {
  return Resolver(repo, errors).Run();
}

bool IsLosslessWidening(DataType column, DataType declared) {
  if (column == declared) return true;
  if (column == DataType::Int32()) {
    return declared == DataType::Int64() || declared == DataType::Double();
  }
  return column == DataType::Float() && declared == DataType::Double();
}

}  // namespace tessera::registry
