// InferCsvSchema: each column starts as a candidate for every type and loses
// the candidates its sampled fields fail to parse as; the narrowest survivor
// wins.
#include <string>
#include <vector>

#include "tessera/core/time.h"
#include "tessera/format/csv/csv.h"
#include "tessera/format/csv/csv_field_parser.h"
#include "tessera/format/csv/csv_text.h"
#include "tessera/format/csv/csv_tokenizer.h"

namespace tessera::csv {

namespace {

using internal::CsvField;

// What the sampled fields of one column still parse as.
struct Candidates {
  bool any_value = false;
  bool is_bool = true;
  bool is_int64 = true;
  bool is_double = true;
  bool is_timestamp = true;

  void Observe(const CsvField& field) {
    if (field.text.empty()) return;  // null under every type but string
    any_value = true;
    std::string_view s = internal::TrimBlanks(field.text);
    // Only the words true/false count: a column of 0s and 1s is far more
    // often a count or a flag kept as a number than a bool.
    if (is_bool) {
      bool b;
      is_bool = s != "0" && s != "1" && internal::ParseBoolText(s, &b);
    }
    if (is_int64) {
      int64_t i;
      bool overflow;
      is_int64 = internal::ParseInt64Text(s, &i, &overflow);
    }
    if (is_double) {
      double d;
      is_double = internal::ParseDoubleText(s, &d);
    }
    if (is_timestamp) is_timestamp = ParseTimestamp(s).ok();
  }

  DataType Type() const {
    if (!any_value) return DataType::String();
    if (is_bool) return DataType::Bool();
    if (is_int64) return DataType::Int64();
    if (is_double) return DataType::Double();
    if (is_timestamp) return DataType::Timestamp();
    return DataType::String();
  }
};

Status CheckHeaderNames(const internal::CsvTokenizer& tokenizer,
                        const std::vector<std::string>& names) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) return Status::Invalid(tokenizer.Where(1, i) + ": empty column name");
    for (size_t j = 0; j < i; ++j) {
      if (names[j] == names[i]) {
        return Status::Invalid(tokenizer.Where(1, i) + ": duplicate column name in the header");
      }
    }
  }
  return Status::OK();
}

}  // namespace

Result<SchemaPtr> InferCsvSchema(const std::string& path, int64_t sample_rows, Env* env) {
  TS_ASSIGN_OR_RETURN(auto tokenizer, internal::CsvTokenizer::Open(path, ',', env));
  TS_ASSIGN_OR_RETURN(std::vector<std::string> names, internal::ReadHeaderRow(tokenizer.get()));
  TS_RETURN_NOT_OK(CheckHeaderNames(*tokenizer, names));
  std::vector<Candidates> columns(names.size());
  std::vector<CsvField> fields;
  for (int64_t rows = 0; rows < sample_rows;) {
    TS_ASSIGN_OR_RETURN(bool more, tokenizer->Next(&fields));
    if (!more) break;
    if (names.size() > 1 && internal::IsBlankLine(fields)) continue;
    TS_RETURN_NOT_OK(internal::CheckFieldCount(*tokenizer, fields, names.size()));
    for (size_t i = 0; i < fields.size(); ++i) columns[i].Observe(fields[i]);
    ++rows;
  }
  std::vector<Field> schema_fields;
  for (size_t i = 0; i < names.size(); ++i) schema_fields.push_back({names[i], columns[i].Type()});
  return Schema::Make(std::move(schema_fields));
}

}  // namespace tessera::csv
