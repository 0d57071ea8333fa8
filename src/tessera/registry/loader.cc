#include "tessera/registry/loader.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <string_view>
#include <system_error>

#include "tessera/core/message_text.h"
#include "tessera/registry/loader_internal.h"

namespace tessera::registry {

namespace fs = std::filesystem;

namespace internal {

void KeyLines::Record(ObjectKind kind, size_t index, std::string key, SourceLocation location) {
  lines_[{kind, index, std::move(key)}] = std::move(location);
}

const SourceLocation& KeyLines::Find(ObjectKind kind, size_t index, const std::string& key,
                                     const SourceLocation& fallback) const {
  auto it = lines_.find({kind, index, key});
  return it == lines_.end() ? fallback : it->second;
}

}  // namespace internal

namespace {

constexpr const char* kConfigFile = "tessera.yaml";

// Folders that hold data, builds or tools, never definitions. data/ and
// build*/ only at the root: a nested "features/building/" is definitions.
bool IsSkippedDir(const fs::path& rel) {
  std::string name = rel.filename().string();
  if (name.starts_with(".") || name == "node_modules") return true;
  bool at_root = rel.parent_path().empty();
  return at_root && (name == "data" || name.starts_with("build"));
}

bool IsDefinitionFile(const fs::path& rel) {
  std::string ext = rel.extension().string();
  if (ext != ".yaml" && ext != ".yml") return false;
  if (rel.filename().string().starts_with(".")) return false;
  return rel != fs::path(kConfigFile);
}

// Relative paths (generic '/' form) of the definition files, sorted so that
// loading is deterministic whatever the directory order.
std::vector<std::string> FindDefinitionFiles(const fs::path& root, std::vector<LoadError>* errors) {
  std::vector<std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    fs::path rel = it->path().lexically_relative(root);
    if (it->is_directory(ec)) {
      if (IsSkippedDir(rel)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && IsDefinitionFile(rel)) files.push_back(rel.generic_string());
  }
  if (ec) errors->push_back(LoadError{{root.string(), 0}, "cannot list files: " + ec.message()});
  std::sort(files.begin(), files.end());
  return files;
}

void SortErrors(std::vector<LoadError>* errors) {
  std::stable_sort(errors->begin(), errors->end(), [](const LoadError& a, const LoadError& b) {
    if (a.location.file != b.location.file) return a.location.file < b.location.file;
    return a.location.line < b.location.line;
  });
  // The same problem found twice (e.g. by two paths) is reported once.
  errors->erase(std::unique(errors->begin(), errors->end(),
                            [](const LoadError& a, const LoadError& b) {
                              return a.ToString() == b.ToString();
                            }),
                errors->end());
}

}  // namespace

namespace internal {
std::string EscapeMessageText(std::string_view s) { return EscapeForMessage(s); }
}  // namespace internal

namespace {

// Reads a file's bytes through `env`; false when it cannot be read.
bool ReadWholeFile(Env* env, const fs::path& path, std::string* text) {
  Result<std::string> bytes = ReadFileToString(env, path.string());
  if (!bytes.ok()) return false;
  *text = std::move(*bytes);
  return true;
}

// Where the parse reads each file's text: `read` returns false when the
// file cannot be read.
using TextReader = std::function<bool(const std::string& rel, std::string* text)>;

// Reads tessera.yaml into out->config (when `has_config`).
void ReadConfigWith(bool has_config, const TextReader& read, LoadedRepo* out,
                    std::vector<LoadError>* errors) {
  std::string text;
  if (!has_config) {
    errors->push_back(
        LoadError{{kConfigFile, 0}, "missing: not a feature repo (create one with tessera init)"});
  } else if (!read(kConfigFile, &text)) {
    errors->push_back(LoadError{{kConfigFile, 0}, "cannot read the file"});
  } else {
    internal::ReadRepoConfigText(kConfigFile, text, &out->config, errors);
  }
}

// Each service reference's line, for the registry's pinned-version checks.
void RecordReferenceLines(const internal::KeyLines& lines, RepoDefinitions* defs) {
  for (size_t i = 0; i < defs->feature_services.size(); ++i) {
    FeatureService& s = defs->feature_services[i];
    s.feature_locations.clear();
    for (size_t k = 0; k < s.features.size(); ++k) {
      s.feature_locations.push_back(lines.Find(ObjectKind::kFeatureService, i,
                                               "features[" + std::to_string(k) + "]", s.location));
    }
  }
}

// Messages are one line of valid UTF-8 whatever the user wrote; sorted.
void FinishErrors(std::vector<LoadError>* errors) {
  for (LoadError& e : *errors) {
    e.location.file = EscapeForMessage(e.location.file);
    e.message = EscapeForMessage(e.message);
  }
  SortErrors(errors);
}

// The part shared by the folder and the in-memory loaders.
void ParseAndValidate(bool has_config, const std::vector<std::string>& definition_files,
                      const TextReader& read, LoadedRepo* out, std::vector<LoadError>* errors) {
  ReadConfigWith(has_config, read, out, errors);
  std::string text;
  internal::ParsedRepo parsed;
  for (const std::string& rel : definition_files) {
    if (!read(rel, &text)) {
      errors->push_back(LoadError{{rel, 0}, "cannot read the file"});
      parsed.complete = false;
      continue;
    }
    internal::ReadDefinitionText(rel, text, &parsed, errors);
  }
  internal::ValidateRepo(parsed, errors);
  RecordReferenceLines(parsed.lines, &parsed.definitions);
  out->definitions = std::move(parsed.definitions);
  FinishErrors(errors);
}

// Sets out->root; false (with an error) when `repo_dir` is no folder.
bool FindRoot(const std::string& repo_dir, LoadedRepo* out, std::vector<LoadError>* errors) {
  std::error_code ec;
  fs::path root = fs::weakly_canonical(fs::absolute(repo_dir, ec), ec);
  if (ec) root = fs::absolute(repo_dir);
  out->root = root.string();
  if (fs::is_directory(root, ec)) return true;
  errors->push_back(LoadError{{EscapeForMessage(repo_dir), 0}, "no such directory"});
  return false;
}

TextReader FolderReader(Env* env, const fs::path& root) {
  return [env, root](const std::string& rel, std::string* text) {
    return ReadWholeFile(env, root / rel, text);
  };
}

}  // namespace

std::vector<LoadError> LoadRepoConfig(const std::string& repo_dir, LoadedRepo* out, Env* env) {
  std::vector<LoadError> errors;
  if (!FindRoot(repo_dir, out, &errors)) return errors;
  fs::path root(out->root);
  std::error_code ec;
  ReadConfigWith(fs::is_regular_file(root / kConfigFile, ec), FolderReader(env, root), out,
                 &errors);
  FinishErrors(&errors);
  return errors;
}

std::vector<LoadError> LoadRepoCollectErrors(const std::string& repo_dir, LoadedRepo* out,
                                             Env* env) {
  std::vector<LoadError> errors;
  if (!FindRoot(repo_dir, out, &errors)) return errors;
  fs::path root(out->root);
  std::error_code ec;
  bool has_config = fs::is_regular_file(root / kConfigFile, ec);
  std::vector<std::string> files = FindDefinitionFiles(root, &errors);
  ParseAndValidate(has_config, files, FolderReader(env, root), out, &errors);
  return errors;
}

std::vector<LoadError> LoadRepoFromFiles(const std::vector<RepoFile>& files, LoadedRepo* out) {
  std::map<std::string, const std::string*> texts;
  for (const RepoFile& f : files) texts.emplace(f.path, &f.text);
  std::vector<std::string> definition_files;
  for (const auto& [path, text] : texts) {
    if (path != kConfigFile) definition_files.push_back(path);
  }
  std::vector<LoadError> errors;
  ParseAndValidate(
      texts.count(kConfigFile) != 0, definition_files,
      [&](const std::string& rel, std::string* text) {
        *text = *texts.at(rel);
        return true;
      },
      out, &errors);
  return errors;
}

Result<LoadedRepo> LoadRepo(const std::string& repo_dir, Env* env) {
  LoadedRepo repo;
  std::vector<LoadError> errors = LoadRepoCollectErrors(repo_dir, &repo, env);
  if (errors.empty()) return repo;
  std::string message;
  for (const LoadError& e : errors) {
    if (!message.empty()) message += "\n";
    message += e.ToString();
  }
  return Status::Invalid(std::move(message));
}

bool IsValidName(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

}  // namespace tessera::registry
