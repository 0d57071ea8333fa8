// TEMPORARY test-only stand-in for EntryConverter (entry_rows.cc is written
// on branch wt-entry): just enough for the consumer tests (int64, double,
// string, timestamp columns; unknown field, bad value, missing required
// column rejected). Delete this file when wt-entry is merged.
#include <charconv>

#include "tessera/core/time.h"
#include "tessera/core/value.h"
#include "tessera/stream/entry_rows.h"

namespace tessera::stream {

namespace {

bool ParseValue(DataType type, const std::string& text, Value* out) {
  if (text.empty()) {
    *out = Value::Null(type);
    return true;
  }
  const char* end = text.data() + text.size();
  switch (type.id()) {
    case TypeId::kInt64: {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(text.data(), end, v);
      *out = Value::Int64(v);
      return ec == std::errc() && p == end;
    }
    case TypeId::kDouble: {
      double v = 0;
      auto [p, ec] = std::from_chars(text.data(), end, v);
      *out = Value::Double(v);
      return ec == std::errc() && p == end;
    }
    case TypeId::kString: *out = Value::String(text); return true;
    case TypeId::kTimestamp: {
      Result<int64_t> micros = ParseTimestamp(text);
      if (!micros.ok()) return false;
      *out = Value::Timestamp(*micros);
      return true;
    }
    default: return false;
  }
}

}  // namespace

Result<EntryConverter> EntryConverter::Make(std::shared_ptr<const Schema> schema,
                                            std::vector<std::string> required,
                                            std::string timestamp_column) {
  EntryConverter c;
  c.schema_ = std::move(schema);
  c.required_.assign(static_cast<size_t>(c.schema_->num_fields()), 0);
  for (const std::string& r : required) {
    const int i = c.schema_->IndexOf(r);
    if (i < 0) return Status::Invalid("no column " + r);
    c.required_[static_cast<size_t>(i)] = 1;
  }
  c.timestamp_index_ = c.schema_->IndexOf(timestamp_column);
  if (c.timestamp_index_ < 0) return Status::Invalid("no column " + timestamp_column);
  c.event_id_index_ = c.schema_->IndexOf("event_id");
  return c;
}

Result<EntryRows> EntryConverter::Convert(std::span<const StreamEntry> entries) const {
  EntryRows out;
  RecordBatchBuilder builder(schema_);
  for (const StreamEntry& e : entries) {
    std::vector<Value> row;
    for (const Field& f : schema_->fields()) row.push_back(Value::Null(f.type));
    std::string reason;
    for (const auto& [name, text] : e.fields) {
      const int i = schema_->IndexOf(name);
      if (i < 0) {
        reason = "field '" + name + "': unknown";
        break;
      }
      if (!ParseValue(schema_->field(i).type, text, &row[static_cast<size_t>(i)])) {
        reason =
            "field '" + name + "': '" + text + "' is not a " + schema_->field(i).type.ToString();
        break;
      }
    }
    if (reason.empty() && event_id_index_ >= 0 &&
        row[static_cast<size_t>(event_id_index_)].is_null()) {
      row[static_cast<size_t>(event_id_index_)] = Value::String(e.id);
    }
    for (size_t i = 0; reason.empty() && i < row.size(); ++i) {
      if (required_[i] && row[i].is_null())
        reason = "field '" + schema_->field(static_cast<int>(i)).name + "': missing";
    }
    if (!reason.empty()) {
      out.rejected.push_back({e, reason});
      continue;
    }
    out.ids.push_back(e.id);
    out.event_micros.push_back(row[static_cast<size_t>(timestamp_index_)].int_value());
    TS_RETURN_NOT_OK(builder.AppendRow(row));
  }
  if (!out.ids.empty()) {
    TS_ASSIGN_OR_RETURN(out.rows, builder.Finish());
  }
  return out;
}

}  // namespace tessera::stream
