// Output helpers shared by the CLI's commands: aligned text tables for
// people, shell quoting and counted nouns. (JSON documents are built below
// the CLI, in registry/json_documents.h.)
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::cli {

// A text table: a header row, then rows of the same width; columns are
// left-aligned and padded to their widest cell (in code points), separated
// by two spaces.
// A table with no rows prints "(none)" under the header.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  // REQUIRES: row.size() == header size.
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  size_t num_rows() const { return rows_.size(); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// `text` as one shell word: unchanged when it holds only [A-Za-z0-9_./+-],
// else in single quotes (a ' inside written as '\'').
std::string ShellQuote(const std::string& text);

// "1 row", "2 rows": `count` and `noun`, plural unless count is 1.
std::string CountOf(int64_t count, const std::string& noun);

// "k=v,k2=v2" in key order; empty for no tags.
std::string FormatTags(const std::map<std::string, std::string>& tags);
// Splits "k=v" into key and value. False when there is no '=' or the key is
// empty.
bool ParseTagFilter(const std::string& text, std::string* key, std::string* value);

}  // namespace tessera::cli
