#include "tessera/offline/hive_partition.h"

#include <charconv>

#include "tessera/core/file_glob.h"
#include "tessera/core/time.h"

namespace tessera::offline {
namespace {

constexpr const char* kHiveNull = "__HIVE_DEFAULT_PARTITION__";

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    int hi = -1;
    int lo = -1;
    if (text[i] == '%' && i + 2 < text.size()) {
      hi = HexDigit(text[i + 1]);
      lo = HexDigit(text[i + 2]);
    }
    if (hi >= 0 && lo >= 0) {
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

Status NotA(const std::string& text, DataType type) {
  return Status::Invalid("'" + text + "' is not a" +
                         (type == DataType::Int32() || type == DataType::Int64() ? "n " : " ") +
                         type.ToString());
}

template <typename T>
Result<int64_t> ParseInteger(const std::string& text, DataType type) {
  T v{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end) return NotA(text, type);
  return static_cast<int64_t>(v);
}

Result<double> ParseReal(const std::string& text, DataType type) {
  double v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end) return NotA(text, type);
  return v;
}

}  // namespace

size_t FixedPrefixComponents(const std::string& pattern) {
  std::vector<std::string> comps = SplitPathComponents(pattern);
  size_t n = 0;
  while (n + 1 < comps.size() && !HasGlobChars(comps[n])) ++n;
  return n;
}

std::vector<PartitionValue> PartitionsOf(const std::string& file, size_t fixed_components) {
  std::vector<std::string> comps = SplitPathComponents(file);
  std::vector<PartitionValue> out;
  for (size_t i = fixed_components; i + 1 < comps.size(); ++i) {
    size_t eq = comps[i].find('=');
    if (eq == std::string::npos || eq == 0) continue;
    out.push_back({PercentDecode(comps[i].substr(0, eq)), PercentDecode(comps[i].substr(eq + 1))});
  }
  return out;
}

Result<Value> ParsePartitionValue(const std::string& text, DataType type) {
  if (text.empty() || text == kHiveNull) return Value::Null(type);
  switch (type.id()) {
    case TypeId::kBool:
      if (text == "true") return Value::Bool(true);
      if (text == "false") return Value::Bool(false);
      return NotA(text, type);
    case TypeId::kInt32: {
      TS_ASSIGN_OR_RETURN(int64_t v, ParseInteger<int32_t>(text, type));
      return Value::Int32(static_cast<int32_t>(v));
    }
    case TypeId::kInt64: {
      TS_ASSIGN_OR_RETURN(int64_t v, ParseInteger<int64_t>(text, type));
      return Value::Int64(v);
    }
    case TypeId::kFloat: {
      TS_ASSIGN_OR_RETURN(double v, ParseReal(text, type));
      return Value::Float(static_cast<float>(v));
    }
    case TypeId::kDouble: {
      TS_ASSIGN_OR_RETURN(double v, ParseReal(text, type));
      return Value::Double(v);
    }
    case TypeId::kString:
      return Value::String(text);
    case TypeId::kBytes:
      return Value::Bytes(text);
    case TypeId::kTimestamp: {
      Result<int64_t> micros = ParseTimestamp(text);
      if (!micros.ok()) return NotA(text, type);
      return Value::Timestamp(*micros);
    }
    case TypeId::kList:
      break;
  }
  return Status::Invalid("a partition folder cannot hold a " + type.ToString() + " column");
}

}  // namespace tessera::offline
