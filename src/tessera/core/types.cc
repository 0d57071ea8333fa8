#include "tessera/core/types.h"

#include <array>
#include <cctype>

namespace tessera {

namespace {

struct NamedType {
  std::string_view name;
  TypeId id;
};

constexpr std::array<NamedType, 8> kScalarNames = {{
    {"bool", TypeId::kBool},
    {"int32", TypeId::kInt32},
    {"int64", TypeId::kInt64},
    {"float", TypeId::kFloat},
    {"double", TypeId::kDouble},
    {"string", TypeId::kString},
    {"bytes", TypeId::kBytes},
    {"timestamp", TypeId::kTimestamp},
}};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

const NamedType* FindScalar(std::string_view name) {
  for (const auto& t : kScalarNames) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace

const char* TypeIdName(TypeId id) {
  switch (id) {
    case TypeId::kBool: return "bool";
    case TypeId::kInt32: return "int32";
    case TypeId::kInt64: return "int64";
    case TypeId::kFloat: return "float";
    case TypeId::kDouble: return "double";
    case TypeId::kString: return "string";
    case TypeId::kBytes: return "bytes";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kList: return "list";
  }
  return "unknown";
}

int DataType::fixed_width() const {
  switch (id_) {
    case TypeId::kBool: return 1;
    case TypeId::kInt32:
    case TypeId::kFloat: return 4;
    case TypeId::kInt64:
    case TypeId::kDouble:
    case TypeId::kTimestamp: return 8;
    default: return 0;
  }
}

std::string DataType::ToString() const {
  if (id_ == TypeId::kList) return std::string("list<") + TypeIdName(element_) + ">";
  return TypeIdName(id_);
}

Result<DataType> DataType::Parse(std::string_view text) {
  std::string_view t = Trim(text);
  if (const NamedType* scalar = FindScalar(t)) return DataType(scalar->id);
  if (t.size() > 6 && t.substr(0, 4) == "list" && t.back() == '>') {
    std::string_view rest = Trim(t.substr(4));
    if (!rest.empty() && rest.front() == '<') {
      std::string_view inner = Trim(rest.substr(1, rest.size() - 2));
      const NamedType* elem = FindScalar(inner);
      if (elem && IsValidListElement(elem->id)) return List(elem->id);
      return Status::Invalid("unknown type '" + std::string(text) +
                             "': list elements must be float, double, int64 or string");
    }
  }
  return Status::Invalid("unknown type '" + std::string(text) +
                         "' (expected bool, int32, int64, float, double, string, bytes, "
                         "timestamp or list<float|double|int64|string>)");
}

}  // namespace tessera
