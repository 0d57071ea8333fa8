#include "tessera/format/csv/csv_text.h"

#include <cstdint>

#include "tessera/core/utf8.h"

namespace tessera::csv::internal {

namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;

bool IsControl(uint8_t c) { return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F; }

}  // namespace

Status CheckTextHeader(const std::string& path, std::string_view start) {
  std::string_view head = start.substr(0, kMaxHeaderBytes);
  const size_t eol = head.find('\n');
  std::string_view line = head.substr(0, eol);
  size_t bad = std::string_view::npos;
  for (size_t i = 0; i < line.size() && bad == std::string_view::npos; ++i) {
    if (IsControl(static_cast<uint8_t>(line[i]))) bad = i;
  }
  // A line cut at the 64 KiB limit, or by the end of the bytes read so far,
  // may end inside a sequence: judge the bytes before the cut only.
  size_t invalid = FindInvalidUtf8(line.substr(0, bad));
  if (invalid != std::string_view::npos && eol == std::string_view::npos &&
      line.size() - invalid < 4) {
    invalid = std::string_view::npos;
  }
  if (invalid != std::string_view::npos) bad = invalid;
  if (bad == std::string_view::npos) return Status::OK();
  return Status::Invalid("file '" + path + "': not a text CSV file (byte " +
                         ByteHex(static_cast<uint8_t>(line[bad])) + " at line 1)");
}

Status CheckUtf8Field(std::string_view text) {
  const size_t bad = FindInvalidUtf8(text);
  if (bad == std::string_view::npos) return Status::OK();
  return Status::Invalid("invalid UTF-8 (byte " + ByteHex(static_cast<uint8_t>(text[bad])) +
                         " at byte " + std::to_string(bad + 1) + " of the field)");
}

}  // namespace tessera::csv::internal
