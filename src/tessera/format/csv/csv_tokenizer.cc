#include "tessera/format/csv/csv_tokenizer.h"

#include <cstring>
#include <new>

#include "tessera/core/utf8.h"
#include "tessera/format/csv/csv_text.h"

namespace tessera::csv::internal {

namespace {

constexpr size_t kInitialBufferSize = 1 << 20;  // 1 MiB reads amortise syscalls
// A single record larger than this is almost surely a runaway quote; stop
// before it exhausts memory.
constexpr size_t kMaxRecordSize = size_t{1} << 30;
constexpr char kQuote = '"';

}  // namespace

std::string QuoteForMessage(std::string_view text) {
  constexpr size_t kMax = 60;
  if (text.size() <= kMax) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kMax)) + "...'";
}

Result<std::vector<std::string>> ReadHeaderRow(CsvTokenizer* tokenizer) {
  // Judged on the bytes already read, before they could become column names.
  TS_RETURN_NOT_OK(CheckTextHeader(tokenizer->path(), tokenizer->Unconsumed()));
  std::vector<CsvField> fields;
  TS_ASSIGN_OR_RETURN(bool found, tokenizer->Next(&fields));
  if (!found) return Status::Invalid(tokenizer->path() + ": empty file (expected a header row)");
  std::vector<std::string> names;
  names.reserve(fields.size());
  for (const CsvField& f : fields) names.emplace_back(f.text);
  // The whole header is known now: a name that is not UTF-8 (say, cut by
  // the end of the file where the raw check above could not tell) makes
  // this no text file either.
  for (const std::string& name : names) {
    const size_t bad = FindInvalidUtf8(name);
    if (bad != std::string::npos) {
      return Status::Invalid("file '" + tokenizer->path() + "': not a text CSV file (byte " +
                             ByteHex(static_cast<uint8_t>(name[bad])) + " at line 1)");
    }
  }
  tokenizer->set_column_names(names);
  return names;
}

Status CheckFieldCount(const CsvTokenizer& tokenizer, const std::vector<CsvField>& fields,
                       size_t expected) {
  if (fields.size() == expected) return Status::OK();
  std::string counts = "(the row has " + std::to_string(fields.size()) +
                       " fields, the header has " + std::to_string(expected) + ")";
  int64_t row = tokenizer.record_number();
  if (fields.size() < expected) {
    return Status::Invalid(tokenizer.Where(row, fields.size()) + ": missing field " + counts);
  }
  return Status::Invalid(tokenizer.Where(row, expected) + ": extra field " + counts);
}

Result<std::unique_ptr<CsvTokenizer>> CsvTokenizer::Open(const std::string& path, char delimiter,
                                                         Env* env) {
  if (delimiter == kQuote || delimiter == '\n' || delimiter == '\r') {
    return Status::Invalid("CSV delimiter cannot be a quote or a line break");
  }
  TS_ASSIGN_OR_RETURN(std::unique_ptr<SequentialFile> file, env->NewSequentialFile(path));
  std::unique_ptr<CsvTokenizer> tok(new CsvTokenizer(path, std::move(file), delimiter));
  TS_RETURN_NOT_OK(tok->Refill());
  if (tok->end_ - tok->begin_ >= 3 && std::memcmp(tok->begin_, "\xEF\xBB\xBF", 3) == 0) {
    tok->begin_ += 3;  // UTF-8 byte order mark
  }
  return tok;
}

CsvTokenizer::CsvTokenizer(std::string path, std::unique_ptr<SequentialFile> file, char delimiter)
    : path_(std::move(path)), file_(std::move(file)), delimiter_(delimiter) {
  for (unsigned char c : {static_cast<unsigned char>(delimiter), static_cast<unsigned char>('\n'),
                          static_cast<unsigned char>('\r'), static_cast<unsigned char>(kQuote)}) {
    special_[c] = true;
  }
}

CsvTokenizer::~CsvTokenizer() = default;

std::string CsvTokenizer::Where(int64_t row, size_t field) const {
  // Positions past the header, or unnamed in it, are named by number.
  std::string column = field < names_.size() && !names_[field].empty()
                           ? names_[field]
                           : "column " + std::to_string(field + 1);
  return path_ + ":" + std::to_string(row) + ":" + column;
}

Status CsvTokenizer::SyntaxError(size_t field, const std::string& reason) const {
  return Status::Invalid(Where(record_number_ + 1, field) + ": " + reason);
}

Status CsvTokenizer::Refill() {
  size_t pending = static_cast<size_t>(end_ - begin_);
  if (buffer_ == nullptr) {
    capacity_ = kInitialBufferSize;
    buffer_.reset(new char[capacity_]);
  } else if (pending == capacity_) {
    if (capacity_ >= kMaxRecordSize) {
      return Status::Invalid(path_ + ":" + std::to_string(record_number_ + 1) +
                             ": record larger than 1 GiB (an unbalanced quote?)");
    }
    std::unique_ptr<char[]> bigger(new (std::nothrow) char[capacity_ * 2]);
    if (bigger == nullptr) {
      return Status::OutOfRange(path_ + ": out of memory for a record of " +
                                std::to_string(capacity_) + "+ bytes");
    }
    std::memcpy(bigger.get(), begin_, pending);
    buffer_ = std::move(bigger);
    capacity_ *= 2;
  } else if (pending > 0 && begin_ != buffer_.get()) {
    std::memmove(buffer_.get(), begin_, pending);
  }
  char* fill = buffer_.get() + pending;
  TS_ASSIGN_OR_RETURN(size_t n, file_->Read(capacity_ - pending, fill));
  if (n == 0) eof_ = true;
  begin_ = buffer_.get();
  end_ = fill + n;
  return Status::OK();
}

Result<bool> CsvTokenizer::Next(std::vector<CsvField>* fields) {
  while (true) {
    fields->clear();
    escaped_.clear();
    if (begin_ == end_) {
      if (eof_) return false;
      TS_RETURN_NOT_OK(Refill());
      continue;
    }
    const char* record_end = nullptr;
    Status error;
    switch (ScanRecord(fields, &record_end, &error)) {
      case Scan::kError: return error;
      case Scan::kIncomplete: TS_RETURN_NOT_OK(Refill()); continue;
      case Scan::kComplete: break;
    }
    for (size_t i = 0; i < fields->size(); ++i) {
      if (escaped_[i]) UnescapeQuotes(&(*fields)[i]);
    }
    begin_ = record_end;
    ++record_number_;
    return true;
  }
}

CsvTokenizer::Scan CsvTokenizer::ScanRecord(std::vector<CsvField>* fields, const char** record_end,
                                            Status* error) {
  const char* p = begin_;
  while (true) {
    Scan s = (p < end_ && *p == kQuote) ? ScanQuoted(&p, fields, error)
                                        : ScanUnquoted(&p, fields, error);
    if (s != Scan::kComplete) return s;
    if (p == end_) {
      if (!eof_) return Scan::kIncomplete;
      *record_end = p;
      return Scan::kComplete;
    }
    char c = *p;
    if (c == delimiter_) {
      ++p;
      continue;
    }
    if (c == '\n') {
      *record_end = p + 1;
      return Scan::kComplete;
    }
    if (c == '\r') {
      // Need the next byte to tell CRLF from a lone CR.
      if (p + 1 == end_ && !eof_) return Scan::kIncomplete;
      *record_end = (p + 1 < end_ && p[1] == '\n') ? p + 2 : p + 1;
      return Scan::kComplete;
    }
    *error = SyntaxError(fields->size() - 1, std::string("unexpected character '") + c +
                                                 "' after the closing quote of a quoted field");
    return Scan::kError;
  }
}

CsvTokenizer::Scan CsvTokenizer::ScanQuoted(const char** p, std::vector<CsvField>* fields,
                                            Status* error) {
  const char* content = *p + 1;
  const char* q = content;
  bool escaped = false;
  while (true) {
    q = static_cast<const char*>(std::memchr(q, kQuote, static_cast<size_t>(end_ - q)));
    if (q == nullptr) {
      if (!eof_) return Scan::kIncomplete;
      *error =
          SyntaxError(fields->size(), "unterminated quoted field (the closing quote is missing)");
      return Scan::kError;
    }
    if (q + 1 == end_ && !eof_) return Scan::kIncomplete;  // "" may straddle the chunk end
    if (q + 1 < end_ && q[1] == kQuote) {
      escaped = true;
      q += 2;
      continue;
    }
    break;
  }
  fields->push_back({std::string_view(content, static_cast<size_t>(q - content)), true});
  escaped_.push_back(escaped);
  *p = q + 1;
  return Scan::kComplete;
}

CsvTokenizer::Scan CsvTokenizer::ScanUnquoted(const char** p, std::vector<CsvField>* fields,
                                              Status* error) {
  const char* start = *p;
  const char* q = start;
  while (q < end_ && !special_[static_cast<unsigned char>(*q)]) ++q;
  if (q == end_ && !eof_) return Scan::kIncomplete;
  if (q < end_ && *q == kQuote) {
    *error = SyntaxError(fields->size(),
                         "quote inside an unquoted field (quote the whole field and double "
                         "the quotes inside it)");
    return Scan::kError;
  }
  fields->push_back({std::string_view(start, static_cast<size_t>(q - start)), false});
  escaped_.push_back(false);
  *p = q;
  return Scan::kComplete;
}

void CsvTokenizer::UnescapeQuotes(CsvField* field) {
  // The content lives in our own buffer, so collapsing "" to " in place is
  // safe and avoids a copy; the record has been fully scanned already.
  char* out = const_cast<char*>(field->text.data());
  const char* in = field->text.data();
  const char* end = in + field->text.size();
  char* start = out;
  while (in < end) {
    char c = *in++;
    *out++ = c;
    if (c == kQuote) ++in;  // skip the second quote of the pair
  }
  field->text = std::string_view(start, static_cast<size_t>(out - start));
}

}  // namespace tessera::csv::internal
