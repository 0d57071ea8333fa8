// RecordBatch: a Schema plus one Array per field, all of num_rows() length.
// The unit in which rows move between modules (readers, joins, writers).
// Immutable once made; shared as std::shared_ptr<const RecordBatch>.
//
// RecordBatchReader: a stream of batches with one schema, so a file larger
// than memory is processed batch by batch. Not thread-safe.
//
// RecordBatchBuilder: one ArrayBuilder per field, for row-at-a-time producers
// (CSV, JSON, generators).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/builder.h"
#include "tessera/core/schema.h"

namespace tessera {

class RecordBatch;
using RecordBatchPtr = std::shared_ptr<const RecordBatch>;

class RecordBatch {
 public:
  // Fails unless there is one column per field, of the field's type, and all
  // columns have the same length.
  static Result<RecordBatchPtr> Make(SchemaPtr schema, std::vector<ArrayPtr> columns);

  const SchemaPtr& schema() const { return schema_; }
  int64_t num_rows() const { return num_rows_; }
  int num_columns() const { return static_cast<int>(columns_.size()); }
  const ArrayPtr& column(int i) const { return columns_[static_cast<size_t>(i)]; }
  const std::vector<ArrayPtr>& columns() const { return columns_; }
  // The column of the field named `name`, or null.
  ArrayPtr GetColumnByName(std::string_view name) const;

  // Equal schemas and equal values (see Array::Equals).
  bool Equals(const RecordBatch& other) const;
  // One line per row, "a=1, b=\"x\"", at most `max_rows` rows: for messages.
  std::string ToString(int64_t max_rows = 20) const;

 private:
  RecordBatch(SchemaPtr schema, std::vector<ArrayPtr> columns, int64_t num_rows)
      : schema_(std::move(schema)), columns_(std::move(columns)), num_rows_(num_rows) {}
  SchemaPtr schema_;
  std::vector<ArrayPtr> columns_;
  int64_t num_rows_;
};

class RecordBatchReader {
 public:
  virtual ~RecordBatchReader() = default;
  virtual const SchemaPtr& schema() const = 0;
  // The next batch, or nullptr at the end of the stream.
  virtual Result<RecordBatchPtr> Next() = 0;
};

// A reader over batches already in memory (all of `schema`), in order.
class VectorBatchReader final : public RecordBatchReader {
 public:
  VectorBatchReader(SchemaPtr schema, std::vector<RecordBatchPtr> batches)
      : schema_(std::move(schema)), batches_(std::move(batches)) {}
  const SchemaPtr& schema() const override { return schema_; }
  Result<RecordBatchPtr> Next() override {
    return next_ < batches_.size() ? batches_[next_++] : RecordBatchPtr();
  }

 private:
  SchemaPtr schema_;
  std::vector<RecordBatchPtr> batches_;
  size_t next_ = 0;
};

// Reads every batch of `reader`; for tests and small inputs.
Result<std::vector<RecordBatchPtr>> ReadAll(RecordBatchReader* reader);

class RecordBatchBuilder {
 public:
  explicit RecordBatchBuilder(SchemaPtr schema);

  const SchemaPtr& schema() const { return schema_; }
  ArrayBuilder* column(int i) { return builders_[static_cast<size_t>(i)].get(); }
  // Rows appended so far (the length of column 0).
  int64_t num_rows() const { return builders_.empty() ? 0 : builders_[0]->length(); }
  // Appends one row of Values, one per field. On failure the builder may
  // hold a partial row: discard it.
  Status AppendRow(const std::vector<Value>& row);
  // Produces the batch and resets the builders.
  Result<RecordBatchPtr> Finish();

 private:
  SchemaPtr schema_;
  std::vector<std::unique_ptr<ArrayBuilder>> builders_;
};

}  // namespace tessera
