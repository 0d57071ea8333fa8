#include "tessera/core/record_batch.h"

namespace tessera {

Result<RecordBatchPtr> RecordBatch::Make(SchemaPtr schema, std::vector<ArrayPtr> columns) {
  if (!schema) return Status::Invalid("record batch: null schema");
  if (static_cast<int>(columns.size()) != schema->num_fields()) {
    return Status::Invalid("record batch: " + std::to_string(columns.size()) +
                           " columns for a schema of " + std::to_string(schema->num_fields()) +
                           " fields");
  }
  int64_t rows = columns.empty() ? 0 : columns[0]->length();
  for (size_t i = 0; i < columns.size(); ++i) {
    const Field& f = schema->field(static_cast<int>(i));
    if (!columns[i]) return Status::Invalid("record batch: column '" + f.name + "' is null");
    if (columns[i]->type() != f.type) {
      return Status::Invalid("record batch: column '" + f.name + "' is " +
                             columns[i]->type().ToString() + ", schema says " + f.type.ToString());
    }
    if (columns[i]->length() != rows) {
      return Status::Invalid("record batch: column '" + f.name + "' has " +
                             std::to_string(columns[i]->length()) + " rows, expected " +
                             std::to_string(rows));
    }
  }
  return RecordBatchPtr(new RecordBatch(std::move(schema), std::move(columns), rows));
}

ArrayPtr RecordBatch::GetColumnByName(std::string_view name) const {
  int i = schema_->IndexOf(name);
  return i < 0 ? nullptr : columns_[static_cast<size_t>(i)];
}

bool RecordBatch::Equals(const RecordBatch& other) const {
  if (!(*schema_ == *other.schema_) || num_rows_ != other.num_rows_) return false;
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!columns_[i]->Equals(*other.columns_[i])) return false;
  }
  return true;
}

std::string RecordBatch::ToString(int64_t max_rows) const {
  std::string out;
  for (int64_t r = 0; r < num_rows_ && r < max_rows; ++r) {
    for (int c = 0; c < num_columns(); ++c) {
      if (c) out += ", ";
      out +=
          schema_->field(c).name + "=" + columns_[static_cast<size_t>(c)]->GetValue(r).ToString();
    }
    out += "\n";
  }
  if (num_rows_ > max_rows) out += "... (" + std::to_string(num_rows_) + " rows)\n";
  return out;
}

Result<std::vector<RecordBatchPtr>> ReadAll(RecordBatchReader* reader) {
  std::vector<RecordBatchPtr> out;
  while (true) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, reader->Next());
    if (!batch) break;
    out.push_back(std::move(batch));
  }
  return out;
}

RecordBatchBuilder::RecordBatchBuilder(SchemaPtr schema) : schema_(std::move(schema)) {
  for (const Field& f : schema_->fields()) builders_.push_back(ArrayBuilder::Make(f.type));
}

Status RecordBatchBuilder::AppendRow(const std::vector<Value>& row) {
  if (row.size() != builders_.size()) {
    return Status::Invalid("row has " + std::to_string(row.size()) + " values, schema has " +
                           std::to_string(builders_.size()) + " fields");
  }
  for (size_t i = 0; i < row.size(); ++i) {
    Status st = builders_[i]->AppendValue(row[i]);
    if (!st.ok()) return st.WithContext("field '" + schema_->field(static_cast<int>(i)).name + "'");
  }
  return Status::OK();
}

Result<RecordBatchPtr> RecordBatchBuilder::Finish() {
  std::vector<ArrayPtr> columns;
  for (auto& b : builders_) {
    TS_ASSIGN_OR_RETURN(ArrayPtr a, b->Finish());
    columns.push_back(std::move(a));
  }
  return RecordBatch::Make(schema_, std::move(columns));
}

}  // namespace tessera
