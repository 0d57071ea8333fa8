// `tessera schema`: describes a file's columns. For Parquet the footer is
// the source of truth: each top-level schema element is one Tessera column
// (a LIST group has a single leaf below it), and its leaf's column chunks
// give the compression and encodings.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <iostream>
#include <optional>

#include "tessera/cli/command.h"
#include "tessera/cli/format_commands.h"
#include "tessera/cli/schema_describe.h"
#include "tessera/core/env.h"
#include "tessera/format/csv/csv.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/registry/json_documents.h"

namespace tessera::cli {

namespace {

constexpr int64_t kCsvSampleRows = 1000;

// Prints rows as left-aligned columns separated by two spaces.
void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    std::cout << line << "\n";
  }
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Column names come from the file: made valid UTF-8 so the JSON is valid.
void Key(JsonWriter* w, const char* key, const std::string& value) {
  w->Key(key);
  std::string safe = registry::ToValidUtf8(value);
  w->String(safe.c_str(), static_cast<rapidjson::SizeType>(safe.size()));
}

void KeyOrNull(JsonWriter* w, const char* key, const std::string& value) {
  if (value.empty()) {
    w->Key(key);
    w->Null();
  } else {
    Key(w, key, value);
  }
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

void PrintParquetText(const std::string& path, const ParquetDescription& d) {
  std::cout << path << ": parquet, " << d.num_rows << (d.num_rows == 1 ? " row, " : " rows, ")
            << d.num_row_groups << (d.num_row_groups == 1 ? " row group" : " row groups")
            << (d.created_by.empty() ? "" : ", created by " + d.created_by) << "\n";
  std::vector<std::vector<std::string>> rows = {{"column", "physical", "logical", "converted",
                                                 "tessera", "repetition", "compression",
                                                 "encodings"}};
  for (const ParquetColumnInfo& c : d.columns) {
    rows.push_back({c.name, c.physical_type, OrDash(c.logical_type), OrDash(c.converted_type),
                    c.tessera_type, c.repetition, OrDash(Join(c.compression)),
                    OrDash(Join(c.encodings))});
  }
  PrintTable(rows);
}

void PrintParquetJson(const std::string& path, const ParquetDescription& d) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Key(&w, "file", path);
  Key(&w, "format", "parquet");
  w.Key("num_rows");
  w.Int64(d.num_rows);
  w.Key("num_row_groups");
  w.Int64(d.num_row_groups);
  KeyOrNull(&w, "created_by", d.created_by);
  w.Key("columns");
  w.StartArray();
  for (const ParquetColumnInfo& c : d.columns) {
    w.StartObject();
    Key(&w, "name", c.name);
    Key(&w, "type", c.tessera_type);
    Key(&w, "physical_type", c.physical_type);
    KeyOrNull(&w, "logical_type", c.logical_type);
    KeyOrNull(&w, "converted_type", c.converted_type);
    Key(&w, "repetition", c.repetition);
    KeyOrNull(&w, "compression", Join(c.compression));
    w.Key("encodings");
    w.StartArray();
    for (const std::string& e : c.encodings) w.String(e.c_str());
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::cout << buffer.GetString() << "\n";
}

CommandStatus DescribeParquet(const std::string& path, bool json) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<parquet::ParquetReader> reader,
                      parquet::ParquetReader::Open(path));
  Result<ParquetDescription> d = DescribeParquetFooter(reader->metadata(), *reader->schema());
  if (!d.ok()) return d.status().WithContext(path);
  if (json) {
    PrintParquetJson(path, *d);
  } else {
    PrintParquetText(path, *d);
  }
  return Status::OK();
}

CommandStatus DescribeCsv(const std::string& path, bool json) {
  Result<SchemaPtr> schema = csv::InferCsvSchema(path, kCsvSampleRows);
  if (!schema.ok()) return schema.status();
  if (!json) {
    std::cout << path << ": csv, types inferred from the first " << kCsvSampleRows << " rows\n";
    std::vector<std::vector<std::string>> rows = {{"column", "tessera"}};
    for (const Field& f : (*schema)->fields()) rows.push_back({f.name, f.type.ToString()});
    PrintTable(rows);
    return Status::OK();
  }
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Key(&w, "file", path);
  Key(&w, "format", "csv");
  w.Key("sample_rows");
  w.Int64(kCsvSampleRows);
  w.Key("columns");
  w.StartArray();
  for (const Field& f : (*schema)->fields()) {
    w.StartObject();
    Key(&w, "name", f.name);
    Key(&w, "type", f.type.ToString());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::cout << buffer.GetString() << "\n";
  return Status::OK();
}

}  // namespace

CommandStatus RunSchema(const std::string& path, bool json) {
  Result<FileFormat> format = FormatOfPath(path);
  if (!format.ok()) return CommandStatus::Usage(format.status().message());
  if (!Env::Default()->FileExists(path)) {
    return Status::NotFound("file '" + path + "' does not exist");
  }
  return *format == FileFormat::kParquet ? DescribeParquet(path, json) : DescribeCsv(path, json);
}

}  // namespace tessera::cli
