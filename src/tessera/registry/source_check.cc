#include "tessera/registry/source_check.h"

#include <glob.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>

#include "tessera/format/csv/csv.h"
#include "tessera/format/parquet/reader.h"

namespace tessera::registry {
namespace {

std::string Q(const std::string& s) { return "'" + s + "'"; }

// The files matching `pattern` (a path or a glob), sorted.
std::vector<std::string> MatchFiles(const std::string& pattern) {
  std::vector<std::string> files;
  glob_t g{};
  if (glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(g.gl_pathv[i], ec)) files.emplace_back(g.gl_pathv[i]);
    }
  }
  globfree(&g);
  std::sort(files.begin(), files.end());
  return files;
}

std::string Extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// The column names of a Parquet or CSV file; nullopt-like empty result with
// ok() == false status when unreadable; an empty vector for other formats
// (not inspected) flagged by `inspected`.
Result<std::vector<std::string>> ColumnsOf(const std::string& file, bool* inspected) {
  std::string ext = Extension(file);
  *inspected = true;
  if (ext == ".csv") return csv::ReadCsvHeader(file);
  if (ext == ".parquet") {
    TS_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::Open(file));
    std::vector<std::string> names;
    for (const Field& f : reader->schema()->fields()) names.push_back(f.name);
    return names;
  }
  *inspected = false;
  return std::vector<std::string>{};
}

void CheckSource(const LoadedRepo& repo, const Source& source, std::vector<LoadError>* out) {
  std::filesystem::path pattern(source.path);
  std::string full = pattern.is_absolute() ? source.path : repo.root + "/" + source.path;
  std::string what = "source " + Q(source.name) + ": ";
  std::vector<std::string> files = MatchFiles(full);
  if (files.empty()) {
    out->push_back({source.location, what + "path " + Q(source.path) + " matches no file"});
    return;
  }
  std::vector<std::pair<const char*, const std::string*>> fields = {
      {"timestamp_field", &source.timestamp_field},
      {"created_timestamp_field", &source.created_timestamp_field}};
  std::vector<bool> reported(fields.size(), false);
  for (const std::string& file : files) {
    std::string shown = std::filesystem::path(file).lexically_relative(repo.root).string();
    if (shown.empty() || shown.rfind("..", 0) == 0) shown = file;
    bool inspected = false;
    Result<std::vector<std::string>> columns = ColumnsOf(file, &inspected);
    if (!columns.ok()) {
      out->push_back({source.location, what + "cannot read " + Q(shown) + ": " +
                                           columns.status().message()});
      return;
    }
    if (!inspected) continue;
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string& name = *fields[i].second;
      if (name.empty() || reported[i]) continue;
      if (std::find(columns->begin(), columns->end(), name) != columns->end()) continue;
      reported[i] = true;
      out->push_back({source.location, what + fields[i].first + " " + Q(name) +
                                           " is not a column of " + Q(shown)});
    }
  }
}

}  // namespace

std::vector<LoadError> CheckSourceFiles(const LoadedRepo& repo) {
  std::vector<LoadError> warnings;
  for (const Source& source : repo.definitions.sources) {
    if (source.kind != SourceKind::kBatch || source.path.empty()) continue;
    CheckSource(repo, source, &warnings);
  }
  return warnings;
}

}  // namespace tessera::registry
