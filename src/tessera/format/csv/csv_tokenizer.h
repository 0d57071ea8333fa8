// CsvTokenizer: splits an RFC 4180 file into records and fields, reading the
// file in large chunks so memory stays bounded whatever the file size.
//
//   - fields are separated by the delimiter, records by LF, CRLF or CR;
//   - a field that starts with a quote runs to the matching closing quote
//     and may hold delimiters, line breaks and doubled quotes ("" = ");
//   - a UTF-8 byte order mark at the start of the file is skipped;
//   - a final record without a line break is still a record.
//
// Fields are views into the tokenizer's buffer, unescaped in place, so no
// per-field allocation happens; they stay valid until the next call to
// Next(). Record numbers count physical records (1 = the header), which is
// what error messages report.
//
// Errors (unterminated quote, text after a closing quote, a quote inside an
// unquoted field, I/O) read "file:row:column: reason"; the column is named by
// the header once set_column_names() was called, else "column N".
//
// Thread-safety: none; one tokenizer per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/result.h"

namespace tessera::csv::internal {

struct CsvField {
  std::string_view text;  // the content, quotes removed and "" unescaped
  bool quoted = false;    // the field was written in quotes
};

class CsvTokenizer {
 public:
  // Opens `path` through `env` (not owned) for reading. Fails with
  // NotFound/IOError naming the path.
  static Result<std::unique_ptr<CsvTokenizer>> Open(const std::string& path, char delimiter,
                                                    Env* env);
  ~CsvTokenizer();
  CsvTokenizer(const CsvTokenizer&) = delete;
  CsvTokenizer& operator=(const CsvTokenizer&) = delete;

  // Reads the next record into `*fields` (cleared first). Returns false, with
  // `*fields` empty, at the end of the file.
  Result<bool> Next(std::vector<CsvField>* fields);

  // The bytes read but not yet tokenized; right after Open, the start of
  // the file (after a byte order mark), which the header check judges.
  std::string_view Unconsumed() const {
    return std::string_view(begin_, static_cast<size_t>(end_ - begin_));
  }

  // Number of the record last returned by Next() (1 = the first record).
  int64_t record_number() const { return record_number_; }
  const std::string& path() const { return path_; }

  // Names of the fields by position, used to label errors (the header).
  void set_column_names(std::vector<std::string> names) { names_ = std::move(names); }
  // "path:row:column" for the field at 0-based position `field` of record `row`.
  std::string Where(int64_t row, size_t field) const;

 private:
  enum class Scan { kComplete, kIncomplete, kError };
  CsvTokenizer(std::string path, std::unique_ptr<SequentialFile> file, char delimiter);

  // Tokenizes one record starting at begin_. kIncomplete means the buffer
  // ended inside the record before the end of the file.
  Scan ScanRecord(std::vector<CsvField>* fields, const char** record_end, Status* error);
  // Scans the field starting at *p; advances *p past it (not its terminator).
  Scan ScanQuoted(const char** p, std::vector<CsvField>* fields, Status* error);
  Scan ScanUnquoted(const char** p, std::vector<CsvField>* fields, Status* error);
  // Moves the unconsumed bytes to the front, grows the buffer if they fill
  // it, and reads more of the file.
  Status Refill();
  void UnescapeQuotes(CsvField* field);
  Status SyntaxError(size_t field, const std::string& reason) const;

  std::string path_;
  std::unique_ptr<SequentialFile> file_;
  char delimiter_;
  bool special_[256] = {};  // bytes that end an unquoted field's fast scan
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  const char* begin_ = nullptr;  // first unconsumed byte
  const char* end_ = nullptr;    // end of the bytes read so far
  bool eof_ = false;
  int64_t record_number_ = 0;
  std::vector<uint8_t> escaped_;  // per field of the record being scanned
  std::vector<std::string> names_;
};

// Reads the first record as the header and makes its names label errors.
// Fails on an empty file.
Result<std::vector<std::string>> ReadHeaderRow(CsvTokenizer* tokenizer);

// True for a record that is an empty line. Such lines are skipped when the
// header has several columns; with one column they are a null value, which
// is how a writer spells a row holding just a null.
inline bool IsBlankLine(const std::vector<CsvField>& fields) {
  return fields.size() == 1 && !fields[0].quoted && fields[0].text.empty();
}

// Fails, naming the first missing or extra field, unless the record last
// read has `expected` fields.
Status CheckFieldCount(const CsvTokenizer& tokenizer, const std::vector<CsvField>& fields,
                       size_t expected);

// "'text'" for messages, cut to a readable length.
std::string QuoteForMessage(std::string_view text);

}  // namespace tessera::csv::internal
