// Helpers of the registry CLI tests: scratch folders, files as bytes, and
// JSON parsing of command output. Header-only; tests/cli/run_cli.h runs the
// binary.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "run_cli.h"

namespace tessera::cli_test {

// A fresh folder under $TMPDIR, removed with everything in it on
// destruction.
class ScratchDir {
 public:
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/tessera-cli-test-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) != nullptr) path_ = buf.data();
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Replaces the first `from` in the file with `to`; fails the test if absent.
inline void EditFile(const std::string& path, const std::string& from, const std::string& to) {
  std::string text = ReadBytes(path);
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << path;
  text.replace(at, from.size(), to);
  WriteBytes(path, text);
}

inline void CopyTree(const std::string& from, const std::string& to) {
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

inline std::string SourceDir() { return TESSERA_SOURCE_DIR; }

// Copies examples/quickstart to `to` and generates a small version of its
// source files there (plan and apply check definitions against them).
inline void CopyQuickstartWithData(const std::string& to) {
  CopyTree(SourceDir() + "/examples/quickstart", to);
  CliResult gen = RunBinary(TESSERA_QUICKSTART_GEN,
                            {to, "--users", "20", "--merchants", "5", "--weeks", "2"}, "");
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
}

// Parses `text` as JSON; an empty document and a test failure if invalid.
inline rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  EXPECT_FALSE(doc.HasParseError()) << "not JSON: " << text;
  return doc;
}

// The "name" members of a JSON array of objects, in order.
inline std::vector<std::string> Names(const rapidjson::Value& array) {
  std::vector<std::string> names;
  if (!array.IsArray()) return names;
  for (const auto& item : array.GetArray()) {
    if (item.IsObject() && item.HasMember("name") && item["name"].IsString()) {
      names.push_back(item["name"].GetString());
    }
  }
  return names;
}

// The lines of `text` without their newlines.
inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace tessera::cli_test
