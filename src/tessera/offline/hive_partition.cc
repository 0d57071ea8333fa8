#include "tessera/offline/hive_partition.h"

#include <charconv>

#include "tessera/core/time.h"

namespace tessera::offline {
namespace {

constexpr const char* kHiveNull = "__HIVE_DEFAULT_PARTITION__";

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
    case TypeId::kString: return Value::String(text);
    case TypeId::kBytes: return Value::Bytes(text);
    case TypeId::kTimestamp: {
      Result<int64_t> micros = ParseTimestamp(text);
      if (!micros.ok()) return NotA(text, type);
      return Value::Timestamp(*micros);
    }
    case TypeId::kList: break;
  }
  return Status::Invalid("a partition folder cannot hold a " + type.ToString() + " column");
}

}  // namespace tessera::offline
