#include "tessera/cli/online_table.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

#include "tessera/cli/output.h"

namespace tessera::cli {
namespace {

using rapidjson::Value;

constexpr char kEpoch[] = "1970-01-01T00:00:00.000000Z";

Status NotAResponse(const std::string& why) {
  return Status::Corruption("the online response is not Feast's shape: " + why);
}

// `v` in JSON (rapidjson writes doubles in a form that reads back exactly).
std::string Spell(const Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Text(const Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// One name's column: its values, statuses and event times, each an array
// of `rows` entries.
struct Column {
  const Value* values = nullptr;
  const Value* statuses = nullptr;
  const Value* times = nullptr;
};

const Value* ArrayMember(const Value& object, const char* name, size_t rows) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsArray() || it->value.Size() != rows) return nullptr;
  return &it->value;
}

}  // namespace

Status PrintOnlineTable(std::string_view response_json, std::ostream& out) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(response_json.data(), response_json.size());
  if (doc.HasParseError() || !doc.IsObject()) return NotAResponse("not a JSON object");
  auto metadata = doc.FindMember("metadata");
  auto results = doc.FindMember("results");
  if (metadata == doc.MemberEnd() || results == doc.MemberEnd() || !results->value.IsArray()) {
    return NotAResponse("no metadata or results");
  }
  const Value* names = ArrayMember(metadata->value, "feature_names", results->value.Size());
  if (names == nullptr) return NotAResponse("feature_names do not match results");
  size_t rows = 0;
  if (!results->value.Empty()) {
    auto first = results->value[0].FindMember("values");
    if (first != results->value[0].MemberEnd() && first->value.IsArray()) {
      rows = first->value.Size();
    }
  }
  std::vector<Column> columns;
  for (const Value& r : results->value.GetArray()) {
    Column c{ArrayMember(r, "values", rows), ArrayMember(r, "statuses", rows),
             ArrayMember(r, "event_timestamps", rows)};
    if (!c.values || !c.statuses || !c.times) return NotAResponse("a result of another length");
    columns.push_back(c);
  }
  std::vector<std::string> header = {"feature", "value", "status", "event_timestamp"};
  if (rows > 1) header.insert(header.begin(), "entity");
  Table table(header);
  for (size_t row = 0; row < rows; ++row) {
    for (size_t i = 0; i < columns.size(); ++i) {
      const Value& name = (*names)[static_cast<rapidjson::SizeType>(i)];
      const Value& status = (*columns[i].statuses)[static_cast<rapidjson::SizeType>(row)];
      const Value& time = (*columns[i].times)[static_cast<rapidjson::SizeType>(row)];
      if (!name.IsString() || !status.IsString() || !time.IsString()) {
        return NotAResponse("a name, status or event time is not a string");
      }
      std::string when = Text(time);
      std::vector<std::string> line = {
          Text(name), Spell((*columns[i].values)[static_cast<rapidjson::SizeType>(row)]),
          Text(status), when == kEpoch ? "-" : when};
      if (rows > 1) line.insert(line.begin(), std::to_string(row));
      table.AddRow(std::move(line));
    }
  }
  table.Print(out);
  return Status::OK();
}

}  // namespace tessera::cli
