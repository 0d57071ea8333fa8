// The repo loader's fuzz input format and the properties checked on each
// input, shared by fuzz/repo_loader_fuzz.cc and the replay test
// tests/registry/loader_fuzz_corpus_test.cc (header-only so that the test
// needs neither clang nor libFuzzer).
//
// An input is one or several files separated by lines reading exactly
// "#@file" (a YAML comment, so a seed stays readable YAML). Without a
// separator the whole input is one definition file, "a.yaml", next to a
// fixed tessera.yaml. With separators, the first part is tessera.yaml and
// each later part a definition file: "f1.yaml", "f2.yaml", ...
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tessera/registry/canonical.h"
#include "tessera/registry/loader.h"

namespace tessera::fuzz {

inline constexpr std::string_view kFileSeparator = "#@file";

inline std::vector<registry::RepoFile> SplitRepoInput(std::string_view input) {
  std::vector<std::string> parts(1);
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('\n', start);
    std::string_view line = input.substr(start, end == input.npos ? input.npos : end - start);
    if (line == kFileSeparator) {
      parts.emplace_back();
    } else {
      parts.back().append(line);
      if (end != input.npos) parts.back() += '\n';
    }
    if (end == input.npos) break;
    start = end + 1;
  }
  std::vector<registry::RepoFile> files;
  if (parts.size() == 1) {
    files.push_back({"tessera.yaml", "project: fuzz\n"});
    files.push_back({"a.yaml", std::move(parts[0])});
    return files;
  }
  files.push_back({"tessera.yaml", std::move(parts[0])});
  for (size_t i = 1; i < parts.size(); ++i) {
    files.push_back({"f" + std::to_string(i) + ".yaml", std::move(parts[i])});
  }
  return files;
}

// True when `s` is valid UTF-8 without control characters (a message line).
inline bool IsPrintableUtf8Line(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) return false;
      ++i;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (len == 0 || c > 0xF4 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    auto next = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xE0 && next < 0xA0) || (c == 0xED && next > 0x9F) || (c == 0xF0 && next < 0x90) ||
        (c == 0xF4 && next > 0x8F)) {
      return false;
    }
    i += len;
  }
  return true;
}

// Loads `input` and checks what must hold for any input: every error is
// one printable UTF-8 line with a file name, and a repo that loads without
// error canonicalizes (every stored JSON text reads back). Returns an empty
// string when all holds, else what did not.
inline std::string CheckRepoInput(std::string_view input) {
  registry::LoadedRepo repo;
  std::vector<registry::LoadError> errors =
      registry::LoadRepoFromFiles(SplitRepoInput(input), &repo);
  for (const registry::LoadError& e : errors) {
    if (e.location.file.empty()) return "an error without a file: " + e.message;
    if (!IsPrintableUtf8Line(e.ToString())) return "an error that is not one UTF-8 line";
  }
  if (errors.empty()) {
    auto forms = registry::CanonicalizeAll(repo.definitions);
    if (!forms.ok()) return "a loaded repo did not canonicalize: " + forms.status().ToString();
  }
  return "";
}

}  // namespace tessera::fuzz
