// EntryConverter: a batch of entries becomes one RecordBatch through one
// CSV ColumnParser per column (the same text rules as a CSV file), row by
// row. A rejected entry leaves no trace in the result:
//  - entries whose fields do not fit the schema (unknown, repeated, a
//    required column missing or empty, no usable event id) are judged from
//    their texts alone and rejected before any builder sees them;
//  - an entry with a value that does not parse has had its earlier columns
//    appended already: its row is completed with nulls, marked as not kept,
//    and the finished batch is filtered to the kept rows.
#include "tessera/stream/entry_rows.h"

#include <string_view>
#include <unordered_map>
#include <utility>

#include "tessera/core/message_text.h"
#include "tessera/core/suggest.h"
#include "tessera/format/csv/csv_field_parser.h"
#include "tessera/format/csv/csv_tokenizer.h"
#include "tessera/offline/row_take.h"
#include "tessera/online/event_id_filter.h"

namespace tessera::stream {
namespace {

using csv::internal::ColumnParser;
using csv::internal::CsvField;
using csv::internal::QuoteForMessage;

// At most this many column names are listed after an unknown field that
// resembles none of them.
constexpr size_t kListedColumns = 20;

// The value text of each column of one entry; nullptr: no field.
using EntryValues = std::vector<const std::string*>;

// Column name -> index, built once per Convert call.
using ColumnIndex = std::unordered_map<std::string_view, int>;

std::string FieldName(std::string_view name) { return QuoteForMessage(name); }

std::string UnknownField(const std::string& name, const Schema& schema) {
  std::vector<std::string> names;
  for (const Field& f : schema.fields()) names.push_back(f.name);
  std::string hint = DidYouMean(name, names);
  if (!hint.empty()) return "unknown field " + FieldName(name) + hint;
  std::string list;
  for (size_t i = 0; i < names.size() && i < kListedColumns; ++i) {
    list += (i == 0 ? "" : ", ") + names[i];
  }
  if (names.size() > kListedColumns) list += ", ...";
  return "unknown field " + FieldName(name) + " (the source's columns: " + list + ")";
}

// Maps each field to its column; the reason when a field is unknown or
// given twice (the first such field, in entry order), else "".
std::string MatchFields(const StreamEntry& entry, const Schema& schema, const ColumnIndex& index,
                        EntryValues* values) {
  values->assign(static_cast<size_t>(schema.num_fields()), nullptr);
  for (const auto& [name, value] : entry.fields) {
    auto it = index.find(name);
    if (it == index.end()) return UnknownField(name, schema);
    const std::string*& slot = (*values)[static_cast<size_t>(it->second)];
    if (slot != nullptr) return "field " + FieldName(name) + " given twice";
    slot = &value;
  }
  return "";
}

// True when the column has a value that is not null (an empty text is null).
bool Present(const EntryValues& values, int column) {
  const std::string* v = values[static_cast<size_t>(column)];
  return v != nullptr && !v->empty();
}

// The reason when a required column has no field or an empty one (the
// first in schema order), else "".
std::string CheckRequired(const EntryValues& values, const std::vector<uint8_t>& required,
                          const Schema& schema) {
  for (size_t c = 0; c < required.size(); ++c) {
    if (!required[c] || Present(values, static_cast<int>(c))) continue;
    const std::string name = FieldName(schema.field(static_cast<int>(c)).name);
    return values[c] == nullptr ? "missing required field " + name
                                : "required field " + name + " is empty (null)";
  }
  return "";
}

// Without an event_id value (no field, or an empty one), the entry id fills
// a string event_id column, so a redelivered entry is recognised; another
// type cannot hold it and the entry is rejected. "" when fine.
std::string FillEventId(const StreamEntry& entry, int event_id_index, const Schema& schema,
                        EntryValues* values) {
  if (event_id_index < 0 || Present(*values, event_id_index)) return "";
  const DataType type = schema.field(event_id_index).type;
  if (type != DataType::String()) {
    return "no event_id field, and the entry id cannot fill the " + type.ToString() +
           " column event_id";
  }
  (*values)[static_cast<size_t>(event_id_index)] = &entry.id;
  return "";
}

}  // namespace

Result<EntryConverter> EntryConverter::Make(std::shared_ptr<const Schema> schema,
                                            std::vector<std::string> required,
                                            std::string timestamp_column) {
  if (schema == nullptr) return Status::Invalid("EntryConverter: no schema");
  EntryConverter c;
  c.required_.assign(static_cast<size_t>(schema->num_fields()), 0);
  for (const std::string& name : required) {
    int i = schema->IndexOf(name);
    if (i < 0) {
      return Status::Invalid("required column " + Quoted(name) + " is not a column of (" +
                             schema->ToString() + ")");
    }
    c.required_[static_cast<size_t>(i)] = 1;
  }
  c.timestamp_index_ = schema->IndexOf(timestamp_column);
  if (c.timestamp_index_ < 0) {
    return Status::Invalid("timestamp column " + Quoted(timestamp_column) +
                           " is not a column of (" + schema->ToString() + ")");
  }
  if (schema->field(c.timestamp_index_).type != DataType::Timestamp()) {
    return Status::Invalid("timestamp column " + Quoted(timestamp_column) + " is " +
                           schema->field(c.timestamp_index_).type.ToString() + ", not timestamp");
  }
  c.required_[static_cast<size_t>(c.timestamp_index_)] = 1;
  c.event_id_index_ = schema->IndexOf(online::kEventIdColumn);
  c.schema_ = std::move(schema);
  return c;
}

namespace {

// The per-call state of Convert: one parser per column and the keep flag
// of each row appended so far.
class RowsBuilder {
 public:
  explicit RowsBuilder(const SchemaPtr& schema) : schema_(schema) {
    for (const Field& f : schema->fields()) parsers_.emplace_back(f.type);
  }

  // Appends the row of `values`. A value that does not parse rejects the
  // row: its reason is returned (the row is kept as nulls, marked dropped);
  // "" when the row is good. An error only when the machine fails.
  Result<std::string> Append(const EntryValues& values) {
    const int n = schema_->num_fields();
    for (int c = 0; c < n; ++c) {
      const std::string* v = values[static_cast<size_t>(c)];
      // Stream values are raw text, never CSV-quoted: an empty value is a
      // null, as an unquoted empty CSV field is.
      Status st = parsers_[static_cast<size_t>(c)].Append(
          CsvField{v == nullptr ? std::string_view() : std::string_view(*v), false});
      if (st.ok()) continue;
      if (!st.IsInvalid()) return st;
      for (int rest = c; rest < n; ++rest) {
        TS_RETURN_NOT_OK(parsers_[static_cast<size_t>(rest)].Append(CsvField{}));
      }
      keep_.push_back(0);
      any_dropped_ = true;
      return "field " + FieldName(schema_->field(c).name) + ": " + st.message();
    }
    keep_.push_back(1);
    return std::string();
  }

  // The kept rows, or null when there are none.
  Result<RecordBatchPtr> Finish() {
    std::vector<ArrayPtr> columns;
    for (ColumnParser& p : parsers_) {
      TS_ASSIGN_OR_RETURN(ArrayPtr column, p.Finish());
      columns.push_back(std::move(column));
    }
    TS_ASSIGN_OR_RETURN(RecordBatchPtr all, RecordBatch::Make(schema_, std::move(columns)));
    if (!any_dropped_) return all->num_rows() == 0 ? RecordBatchPtr() : all;
    std::vector<offline::RowRef> refs;
    for (size_t r = 0; r < keep_.size(); ++r) {
      if (keep_[r]) refs.push_back({0, static_cast<uint32_t>(r)});
    }
    if (refs.empty()) return RecordBatchPtr();
    return offline::TakeRows(schema_, {all}, refs, /*num_threads=*/1);
  }

 private:
  const SchemaPtr& schema_;
  std::vector<ColumnParser> parsers_;
  std::vector<uint8_t> keep_;  // per appended row
  bool any_dropped_ = false;
};

}  // namespace

Result<EntryRows> EntryConverter::Convert(std::span<const StreamEntry> entries) const {
  ColumnIndex index;
  for (int c = 0; c < schema_->num_fields(); ++c) index.emplace(schema_->field(c).name, c);
  RowsBuilder builder(schema_);
  EntryRows out;
  EntryValues values;
  for (const StreamEntry& entry : entries) {
    std::string reason = MatchFields(entry, *schema_, index, &values);
    if (reason.empty()) reason = FillEventId(entry, event_id_index_, *schema_, &values);
    if (reason.empty()) reason = CheckRequired(values, required_, *schema_);
    if (reason.empty()) {
      TS_ASSIGN_OR_RETURN(reason, builder.Append(values));
    }
    if (!reason.empty()) {
      out.rejected.push_back({entry, EscapeForMessage(reason)});
      continue;
    }
    out.ids.push_back(entry.id);
  }
  TS_ASSIGN_OR_RETURN(out.rows, builder.Finish());
  if (out.rows != nullptr) {
    const Array& ts = *out.rows->column(timestamp_index_);
    out.event_micros.assign(ts.values<int64_t>(), ts.values<int64_t>() + ts.length());
  }
  return out;
}

}  // namespace tessera::stream
