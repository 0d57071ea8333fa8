#include "tessera/offline/join_input.h"

#include "tessera/offline/source_log.h"
#include "tessera/offline/source_scan.h"
#include "tessera/offline/view_features.h"
#include "tessera/offline/view_files.h"

namespace tessera::offline {
namespace {

// Maps the scan's batches (columns by unique name) to the join's layout.
class JoinInputReader final : public RecordBatchReader {
 public:
  JoinInputReader(std::unique_ptr<RecordBatchReader> scan, SchemaPtr schema,
                  std::vector<int> columns)
      : scan_(std::move(scan)), schema_(std::move(schema)), columns_(std::move(columns)) {}

  const SchemaPtr& schema() const override { return schema_; }

  Result<RecordBatchPtr> Next() override {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, scan_->Next());
    if (batch == nullptr) return batch;
    std::vector<ArrayPtr> out;
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i] >= 0) {
        out.push_back(batch->column(columns_[i]));
      } else {
        TS_ASSIGN_OR_RETURN(ArrayPtr nulls, NullArray(DataType::Timestamp(), batch->num_rows()));
        out.push_back(std::move(nulls));
      }
    }
    return RecordBatch::Make(schema_, std::move(out));
  }

 private:
  std::unique_ptr<RecordBatchReader> scan_;
  SchemaPtr schema_;
  std::vector<int> columns_;  // per output column: scan column, or -1 (null created_ts)
};

// Index of `name` in `columns`, adding it when absent.
int AddColumn(std::vector<ScanColumn>* columns, const std::string& name, DataType type,
              bool optional) {
  for (size_t i = 0; i < columns->size(); ++i) {
    if ((*columns)[i].name == name) {
      if (!optional) (*columns)[i].optional = false;
      return static_cast<int>(i);
    }
  }
  columns->push_back(ScanColumn{name, type, optional});
  return static_cast<int>(columns->size()) - 1;
}

}  // namespace

Result<std::unique_ptr<RecordBatchReader>> OpenJoinInput(const JoinInputSpec& spec) {
  if (!spec.view_files_dir.empty()) {
    TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> derived,
                        OpenViewFilesInput(spec, spec.view_files_dir));
    if (derived != nullptr) return derived;
  }
  return OpenSourceJoinInput(spec);
}

Result<std::unique_ptr<RecordBatchReader>> OpenSourceJoinInput(const JoinInputSpec& spec) {
  const registry::Source& source = *spec.source;
  SourceScanSpec scan;
  scan.repo_root = spec.repo_root;
  scan.path = source.path;
  scan.log_dir = SourceLogDir(spec.offline_root, spec.project, source.name);
  scan.timestamp_column = source.timestamp_field;
  scan.num_threads = spec.num_threads;
  scan.env = spec.env;
  scan.manifest = spec.manifest;
  scan.first_log_part = spec.first_log_part;
  std::vector<Field> out_fields;
  std::vector<int> mapping;
  for (size_t k = 0; k < spec.keys.size(); ++k) {
    mapping.push_back(AddColumn(&scan.columns, spec.keys[k].name, spec.keys[k].type, false));
    out_fields.push_back(Field{"__key" + std::to_string(k), spec.keys[k].type});
  }
  mapping.push_back(AddColumn(&scan.columns, source.timestamp_field, DataType::Timestamp(), false));
  out_fields.push_back(Field{"__event_ts", DataType::Timestamp()});
  mapping.push_back(
      source.created_timestamp_field.empty()
          ? -1
          : AddColumn(&scan.columns, source.created_timestamp_field, DataType::Timestamp(), true));
  out_fields.push_back(Field{"__created_ts", DataType::Timestamp()});
  for (const Field& f : spec.carried) {
    mapping.push_back(AddColumn(&scan.columns, f.name, f.type, true));
    out_fields.push_back(f);
  }
  if (spec.min_event_ts != INT64_MIN || spec.max_event_ts != INT64_MAX) {
    scan.filters.push_back(
        ScanFilter{source.timestamp_field, spec.min_event_ts, spec.max_event_ts});
  }
  TS_ASSIGN_OR_RETURN(SchemaPtr schema, Schema::Make(std::move(out_fields)));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> reader, OpenSourceScan(scan));
  return std::unique_ptr<RecordBatchReader>(
      new JoinInputReader(std::move(reader), std::move(schema), std::move(mapping)));
}

}  // namespace tessera::offline
