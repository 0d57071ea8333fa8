#include "tessera/cli/output.h"

#include <algorithm>

namespace tessera::cli {

namespace {

// Columns a cell takes on a terminal: one per code point (UTF-8 lead
// bytes), so "Zürich" lines up with "Paris" and a padded column stays
// aligned. (East Asian wide characters still take two: not handled.)
size_t CellWidth(const std::string& text) {
  size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

}  // namespace

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], CellWidth(row[i]));
    }
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      line += row[i];
      // No padding after the last column: no trailing blanks in output.
      if (i + 1 < row.size()) line += std::string(widths[i] - CellWidth(row[i]) + 2, ' ');
    }
    out << line << "\n";
  };
  print_row(header_);
  if (rows_.empty()) out << "(none)\n";
  for (const auto& row : rows_) print_row(row);
}

std::string ShellQuote(const std::string& text) {
  bool plain = !text.empty();
  for (char c : text) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("_./+-").find(c) != std::string_view::npos;
    plain = plain && ok;
  }
  if (plain && text[0] != '-') return text;
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string CountOf(int64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string FormatTags(const std::map<std::string, std::string>& tags) {
  std::string out;
  for (const auto& [k, v] : tags) {
    if (!out.empty()) out += ",";
    out += k + "=" + v;
  }
  return out;
}

bool ParseTagFilter(const std::string& text, std::string* key, std::string* value) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  *key = text.substr(0, eq);
  *value = text.substr(eq + 1);
  return true;
}

}  // namespace tessera::cli
