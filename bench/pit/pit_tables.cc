#include "pit_tables.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "tessera/core/builder.h"

namespace tessera::pitbench {
namespace {

SchemaPtr MakeSchema(std::vector<Field> fields) {
  auto schema = Schema::Make(std::move(fields));
  if (!schema.ok()) {  // the names are ours; a failure is a bug here
    std::fprintf(stderr, "pit_datagen: %s\n", schema.status().ToString().c_str());
    std::abort();
  }
  return *schema;
}

template <typename T>
Result<ArrayPtr> FixedArray(DataType type, const std::vector<T>& values,
                            const std::vector<uint8_t>* valid = nullptr) {
  NumericBuilder<T> b(type);
  TS_RETURN_NOT_OK(b.AppendValues(values.data(), static_cast<int64_t>(values.size()),
                                  valid != nullptr ? valid->data() : nullptr));
  return b.Finish();
}

Result<ArrayPtr> FeatureArray(const DataType& type, const std::vector<int64_t>& values,
                              const std::vector<uint8_t>* valid) {
  if (type.id() == TypeId::kInt64) return FixedArray<int64_t>(type, values, valid);
  if (type.id() == TypeId::kDouble) {
    std::vector<double> d(values.size());
    for (size_t i = 0; i < values.size(); ++i) d[i] = static_cast<double>(values[i]) / 100.0;
    return FixedArray<double>(type, d, valid);
  }
  BinaryBuilder b(type);
  TS_RETURN_NOT_OK(b.Reserve(static_cast<int64_t>(values.size())));
  for (size_t i = 0; i < values.size(); ++i) {
    if (valid != nullptr && !(*valid)[i]) {
      TS_RETURN_NOT_OK(b.AppendNull());
    } else {
      TS_RETURN_NOT_OK(b.Append(CategoryName(values[i])));
    }
  }
  return b.Finish();
}

void AppendInt(int64_t v, std::string& out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

void AppendTwoDigits(int64_t v, std::string& out) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

// "YYYY-MM-DD HH:MM:SS" of whole-second UTC micros (Howard Hinnant's
// civil_from_days; years 1970..9999 here).
void AppendTimestamp(int64_t micros, std::string& out) {
  const int64_t secs = micros / kMicrosPerSecond;
  const int64_t days = secs / 86'400;
  const int64_t sod = secs % 86'400;
  const int64_t z = days + 719'468;
  const int64_t era = z / 146'097;
  const int64_t doe = z - era * 146'097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  AppendInt(y, out);
  out.push_back('-');
  AppendTwoDigits(m, out);
  out.push_back('-');
  AppendTwoDigits(d, out);
  out.push_back(' ');
  AppendTwoDigits(sod / 3600, out);
  out.push_back(':');
  AppendTwoDigits(sod / 60 % 60, out);
  out.push_back(':');
  AppendTwoDigits(sod % 60, out);
}

void AppendFeatureValue(const DataType& type, int64_t v, std::string& out) {
  if (type.id() == TypeId::kDouble) {
    AppendInt(v / 100, out);
    out.push_back('.');
    AppendTwoDigits(v % 100, out);
  } else if (type.id() == TypeId::kString) {
    out += CategoryName(v);
  } else {
    AppendInt(v, out);
  }
}

// The aggregation shape's amount of a drawn value (exact: a multiple of
// 1/64 below 2^14).
double AmountOf(int64_t v) { return static_cast<double>(v) / kAmountDenominator; }

// Its exact decimal: 1/64 = 0.015625, so six digits are enough.
void AppendAmount(int64_t v, std::string& out) {
  static_assert(kAmountDenominator == 64);
  AppendInt(v / 64, out);
  out.push_back('.');
  const int64_t millionths = v % 64 * 15'625;
  char digits[24];
  std::snprintf(digits, sizeof(digits), "%06lld", static_cast<long long>(millionths));
  out += digits;
}

}  // namespace

SchemaPtr FeatureSchema(const ViewSpec& view) {
  std::vector<Field> fields = {{view.key_column, DataType::Int64()},
                               {"event_ts", DataType::Timestamp()},
                               {"created_ts", DataType::Timestamp()}};
  if (view.aggregated) {
    fields.push_back({kAggColumn, DataType::Double()});
    return MakeSchema(std::move(fields));
  }
  for (const auto& f : FeatureColumns()) fields.push_back({view.prefix + "_" + f.suffix, f.type});
  return MakeSchema(std::move(fields));
}

SchemaPtr SpineSchema(const PitSpec& spec) {
  std::vector<Field> fields;
  for (const auto& v : spec.views) fields.push_back({v.key_column, DataType::Int64()});
  fields.push_back({"event_timestamp", DataType::Timestamp()});
  fields.push_back({"label", DataType::Int32()});
  return MakeSchema(std::move(fields));
}

Result<RecordBatchPtr> FeatureBatch(const SchemaPtr& schema, const FeatureChunk& chunk) {
  std::vector<ArrayPtr> columns;
  TS_ASSIGN_OR_RETURN(auto key, FixedArray<int64_t>(DataType::Int64(), chunk.key));
  TS_ASSIGN_OR_RETURN(auto event, FixedArray<int64_t>(DataType::Timestamp(), chunk.event_ts));
  TS_ASSIGN_OR_RETURN(auto created, FixedArray<int64_t>(DataType::Timestamp(), chunk.created_ts,
                                                        &chunk.created_valid));
  columns = {key, event, created};
  if (chunk.aggregated) {
    std::vector<double> amount(chunk.values[0].size());
    for (size_t i = 0; i < amount.size(); ++i) amount[i] = AmountOf(chunk.values[0][i]);
    TS_ASSIGN_OR_RETURN(auto a, FixedArray<double>(DataType::Double(), amount, &chunk.f0_valid));
    columns.push_back(std::move(a));
    return RecordBatch::Make(schema, std::move(columns));
  }
  const auto& features = FeatureColumns();
  for (size_t f = 0; f < features.size(); ++f) {
    TS_ASSIGN_OR_RETURN(auto a, FeatureArray(features[f].type, chunk.values[f],
                                             f == 0 ? &chunk.f0_valid : nullptr));
    columns.push_back(std::move(a));
  }
  return RecordBatch::Make(schema, std::move(columns));
}

Result<RecordBatchPtr> SpineBatch(const SchemaPtr& schema, const SpineChunk& chunk) {
  std::vector<ArrayPtr> columns;
  for (const auto& keys : chunk.keys) {
    TS_ASSIGN_OR_RETURN(auto a, FixedArray<int64_t>(DataType::Int64(), keys));
    columns.push_back(std::move(a));
  }
  TS_ASSIGN_OR_RETURN(auto ts, FixedArray<int64_t>(DataType::Timestamp(), chunk.event_ts));
  TS_ASSIGN_OR_RETURN(auto label, FixedArray<int32_t>(DataType::Int32(), chunk.label));
  columns.push_back(std::move(ts));
  columns.push_back(std::move(label));
  return RecordBatch::Make(schema, std::move(columns));
}

std::string CsvHeader(const Schema& schema) {
  std::string out;
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (i > 0) out.push_back(',');
    out += schema.field(i).name;
  }
  out.push_back('\n');
  return out;
}

void AppendFeatureCsv(const FeatureChunk& chunk, std::string& out) {
  const auto& features = FeatureColumns();
  for (size_t i = 0; i < chunk.key.size(); ++i) {
    AppendInt(chunk.key[i], out);
    out.push_back(',');
    AppendTimestamp(chunk.event_ts[i], out);
    out.push_back(',');
    if (chunk.created_valid[i]) AppendTimestamp(chunk.created_ts[i], out);
    if (chunk.aggregated) {
      out.push_back(',');
      if (chunk.f0_valid[i]) AppendAmount(chunk.values[0][i], out);
      out.push_back('\n');
      continue;
    }
    for (size_t f = 0; f < features.size(); ++f) {
      out.push_back(',');
      if (f == 0 && !chunk.f0_valid[i]) continue;
      AppendFeatureValue(features[f].type, chunk.values[f][i], out);
    }
    out.push_back('\n');
  }
}

void AppendSpineCsv(const SpineChunk& chunk, std::string& out) {
  for (size_t i = 0; i < chunk.event_ts.size(); ++i) {
    for (const auto& keys : chunk.keys) {
      AppendInt(keys[i], out);
      out.push_back(',');
    }
    AppendTimestamp(chunk.event_ts[i], out);
    out.push_back(',');
    AppendInt(chunk.label[i], out);
    out.push_back('\n');
  }
}

}  // namespace tessera::pitbench
