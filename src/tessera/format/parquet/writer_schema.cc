// Tessera schema -> Parquet schema (see writer_schema.h).
#include "tessera/format/parquet/writer_schema.h"

namespace tessera::parquet {
namespace {

Type PhysicalTypeOf(TypeId id) {
  switch (id) {
    case TypeId::kBool: return Type::kBoolean;
    case TypeId::kInt32: return Type::kInt32;
    case TypeId::kFloat: return Type::kFloat;
    case TypeId::kDouble: return Type::kDouble;
    case TypeId::kString:
    case TypeId::kBytes: return Type::kByteArray;
    default: return Type::kInt64;  // int64, timestamp
  }
}

// The primitive element of a value of type `id` named `name`.
SchemaElement PrimitiveElement(TypeId id, std::string name) {
  SchemaElement e;
  e.type = PhysicalTypeOf(id);
  e.repetition = Repetition::kOptional;
  e.name = std::move(name);
  if (id == TypeId::kString) {
    e.converted_type = ConvertedType::kUtf8;
    LogicalType lt;
    lt.kind = LogicalType::kString;
    e.logical_type = lt;
  } else if (id == TypeId::kTimestamp) {
    e.converted_type = ConvertedType::kTimestampMicros;
    LogicalType lt;
    lt.kind = LogicalType::kTimestamp;
    lt.is_adjusted_to_utc = true;
    lt.unit = TimeUnit::kMicros;
    e.logical_type = lt;
  }
  return e;
}

void AppendList(const Field& field, std::vector<SchemaElement>* elements) {
  SchemaElement outer;
  outer.repetition = Repetition::kOptional;
  outer.name = field.name;
  outer.num_children = 1;
  outer.converted_type = ConvertedType::kList;
  LogicalType lt;
  lt.kind = LogicalType::kList;
  outer.logical_type = lt;
  elements->push_back(std::move(outer));

  SchemaElement middle;
  middle.repetition = Repetition::kRepeated;
  middle.name = "list";
  middle.num_children = 1;
  elements->push_back(std::move(middle));

  elements->push_back(PrimitiveElement(field.type.element(), "element"));
}

}  // namespace

Status BuildParquetSchema(const Schema& schema, std::vector<SchemaElement>* elements,
                          std::vector<LeafColumn>* leaves) {
  if (schema.num_fields() == 0) return Status::Invalid("Parquet needs at least one column");
  elements->clear();
  leaves->clear();
  SchemaElement root;
  root.name = "schema";
  root.num_children = schema.num_fields();
  elements->push_back(std::move(root));
  for (const Field& field : schema.fields()) {
    LeafColumn leaf;
    leaf.type = field.type;
    if (field.type.is_list()) {
      if (!DataType::IsValidListElement(field.type.element())) {
        return Status::Invalid("column '" + field.name + "': unsupported list element type " +
                               std::string(TypeIdName(field.type.element())));
      }
      AppendList(field, elements);
      leaf.value_type = field.type.element();
      leaf.max_def = 3;
      leaf.max_rep = 1;
      leaf.path = {field.name, "list", "element"};
    } else {
      elements->push_back(PrimitiveElement(field.type.id(), field.name));
      leaf.value_type = field.type.id();
      leaf.path = {field.name};
    }
    leaf.physical = PhysicalTypeOf(leaf.value_type);
    leaves->push_back(std::move(leaf));
  }
  return Status::OK();
}

}  // namespace tessera::parquet
