#include "tessera/core/schema.h"

#include <unordered_set>

namespace tessera {

Result<std::shared_ptr<const Schema>> Schema::Make(std::vector<Field> fields) {
  std::unordered_set<std::string_view> seen;
  for (const auto& f : fields) {
    if (f.name.empty()) return Status::Invalid("schema field with an empty name");
    if (!seen.insert(f.name).second) {
      return Status::Invalid("duplicate field name '" + f.name + "' in schema");
    }
  }
  return std::shared_ptr<const Schema>(new Schema(std::move(fields)));
}

int Schema::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Schema::ToString() const {
  std::string out;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i) out += ", ";
    out += fields_[i].name + ": " + fields_[i].type.ToString();
  }
  return out;
}

}  // namespace tessera
