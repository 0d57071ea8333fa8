// Internal to the loader (loader.cc, yaml_*.cc, repo_config.cc,
// validator.cc, source_check.cc): the state one LoadRepo call shares between parsing and
// validation. Not part of the registry's interface.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "tessera/registry/definitions.h"
#include "tessera/registry/loader.h"

namespace tessera::registry::internal {

// Lines of values inside objects ("entities[1]" of feature view #3), so that
// a cross-object error points at the offending value, not only at the
// object. Objects are addressed by kind and index in RepoDefinitions.
class KeyLines {
 public:
  void Record(ObjectKind kind, size_t index, std::string key, SourceLocation location);
  // The recorded location, or `fallback` when none was recorded.
  const SourceLocation& Find(ObjectKind kind, size_t index, const std::string& key,
                             const SourceLocation& fallback) const;

 private:
  std::map<std::tuple<ObjectKind, size_t, std::string>, SourceLocation> lines_;
};

// What the parsing phase hands to validation.
struct ParsedRepo {
  RepoDefinitions definitions;
  KeyLines lines;
  // False when a definition file could not be parsed at all: its objects are
  // missing, so "unknown X" errors would be noise and are not reported.
  bool complete = true;
};

// Parses one definition file's `text` (reported as `rel_path`) and appends
// its objects to `repo`; every problem found is appended to `errors`.
void ReadDefinitionText(const std::string& rel_path, std::string_view text, ParsedRepo* repo,
                        std::vector<LoadError>* errors);

// Parses tessera.yaml's `text` into `config` (keeping defaults for absent
// keys).
void ReadRepoConfigText(const std::string& rel_path, std::string_view text, RepoConfig* config,
                        std::vector<LoadError>* errors);

// `s` as one line of valid UTF-8 (control characters and invalid bytes
// escaped as \n, \xFF): what every loader message holds of user text. Also
// used by the source and expression checks (source_check.cc).
std::string EscapeMessageText(std::string_view s);

// Cross-object checks over everything parsed: duplicates, references,
// cycles. Per-field checks (types, durations, names, required keys) were
// done while reading.
void ValidateRepo(const ParsedRepo& repo, std::vector<LoadError>* errors);

}  // namespace tessera::registry::internal
