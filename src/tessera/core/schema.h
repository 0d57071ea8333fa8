// Schema: an ordered list of named, typed fields. Names are unique within a
// schema (enforced by Make). Immutable once built; share it as
// std::shared_ptr<const Schema>.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/core/types.h"

namespace tessera {

struct Field {
  std::string name;
  DataType type;

  friend bool operator==(const Field& a, const Field& b) {
    return a.name == b.name && a.type == b.type;
  }
};

class Schema {
 public:
  // Fails when two fields share a name or a name is empty.
  static Result<std::shared_ptr<const Schema>> Make(std::vector<Field> fields);

  int num_fields() const { return static_cast<int>(fields_.size()); }
  const Field& field(int i) const { return fields_[static_cast<size_t>(i)]; }
  const std::vector<Field>& fields() const { return fields_; }
  // Index of the field named `name`, or -1.
  int IndexOf(std::string_view name) const;

  // "name: type, name: type".
  std::string ToString() const;

  friend bool operator==(const Schema& a, const Schema& b) { return a.fields_ == b.fields_; }

 private:
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}
  std::vector<Field> fields_;
};

using SchemaPtr = std::shared_ptr<const Schema>;

}  // namespace tessera
