#include "tessera/core/value.h"

#include <cmath>
#include <cstdio>

#include "tessera/core/time.h"

namespace tessera {

std::string Value::ToString() const {
  if (is_null()) return "null";
  switch (type_.id()) {
    case TypeId::kBool: return bool_value() ? "true" : "false";
    case TypeId::kInt32:
    case TypeId::kInt64: return std::to_string(int_value());
    case TypeId::kFloat:
    case TypeId::kDouble: {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.17g", double_value());
      return buf;
    }
    case TypeId::kString:
    case TypeId::kBytes: return "\"" + string_value() + "\"";
    case TypeId::kTimestamp: return FormatTimestamp(int_value());
    case TypeId::kList: {
      std::string out = "[";
      const auto& elems = list_value();
      for (size_t i = 0; i < elems.size(); ++i) {
        if (i) out += ", ";
        out += elems[i].ToString();
      }
      return out + "]";
    }
  }
  return "?";
}

bool operator==(const Value& a, const Value& b) {
  if (a.type_ != b.type_) return false;
  if (a.is_null() || b.is_null()) return a.is_null() == b.is_null();
  if (std::holds_alternative<double>(a.data_)) {
    double x = a.double_value(), y = b.double_value();
    return x == y || (std::isnan(x) && std::isnan(y));
  }
  return a.data_ == b.data_;
}

}  // namespace tessera
