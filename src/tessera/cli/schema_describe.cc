#include "tessera/cli/schema_describe.h"

#include <algorithm>

namespace tessera::cli {

namespace {

using parquet::ConvertedType;
using parquet::LogicalType;
using parquet::SchemaElement;

const char* UnitName(parquet::TimeUnit u) {
  switch (u) {
    case parquet::TimeUnit::kMillis: return "MILLIS";
    case parquet::TimeUnit::kMicros: return "MICROS";
    case parquet::TimeUnit::kNanos: return "NANOS";
  }
  return "UNKNOWN";
}

std::string TimeName(const char* kind, const LogicalType& t) {
  return std::string(kind) + "(" + (t.unit_known ? UnitName(t.unit) : "UNKNOWN") +
         (t.is_adjusted_to_utc ? ",utc" : ",local") + ")";
}

std::string RepetitionName(const std::optional<parquet::Repetition>& r) {
  if (!r) return "required";  // the spec's default for an absent repetition
  switch (*r) {
    case parquet::Repetition::kRequired: return "required";
    case parquet::Repetition::kOptional: return "optional";
    case parquet::Repetition::kRepeated: return "repeated";
  }
  return "unknown";
}

std::string PhysicalName(const SchemaElement& leaf) {
  if (!leaf.type) return "GROUP";
  std::string name = parquet::TypeName(*leaf.type);
  if (*leaf.type == parquet::Type::kFixedLenByteArray && leaf.type_length) {
    name += "(" + std::to_string(*leaf.type_length) + ")";
  }
  return name;
}

std::string Annotation(const SchemaElement& e) {
  return e.logical_type ? LogicalTypeName(*e.logical_type) : "";
}

void AddUnique(std::vector<std::string>* list, const std::string& item) {
  if (std::find(list->begin(), list->end(), item) == list->end()) list->push_back(item);
}

// The subtree of schema element `index`: where it ends and its leaves.
struct Subtree {
  size_t end = 0;              // index one past the subtree
  std::vector<size_t> leaves;  // element indexes of its leaves, in order
};

Result<Subtree> WalkSubtree(const std::vector<SchemaElement>& schema, size_t index, int depth) {
  if (index >= schema.size() || depth > 64) {
    return Status::Corruption("malformed Parquet schema tree");
  }
  Subtree out;
  const SchemaElement& e = schema[index];
  if (!e.num_children || *e.num_children <= 0) {
    out.end = index + 1;
    out.leaves.push_back(index);
    return out;
  }
  size_t next = index + 1;
  for (int32_t c = 0; c < *e.num_children; ++c) {
    TS_ASSIGN_OR_RETURN(Subtree child, WalkSubtree(schema, next, depth + 1));
    next = child.end;
    out.leaves.insert(out.leaves.end(), child.leaves.begin(), child.leaves.end());
  }
  out.end = next;
  return out;
}

ParquetColumnInfo DescribeColumn(const parquet::FileMetaData& md, const SchemaElement& top,
                                 const SchemaElement& leaf, size_t leaf_number,
                                 const Schema& tessera_schema) {
  ParquetColumnInfo info;
  info.name = top.name;
  info.physical_type = PhysicalName(leaf);
  if (&top == &leaf) {
    info.logical_type = Annotation(leaf);
  } else {
    // A group column (LIST): name the outer annotation and the element.
    std::string outer = Annotation(top);
    if (outer.empty()) outer = top.converted_type == ConvertedType::kList ? "LIST" : "GROUP";
    std::string inner = Annotation(leaf).empty() ? info.physical_type : Annotation(leaf);
    info.logical_type = outer + "<" + inner + ">";
  }
  const SchemaElement& converted = top.converted_type ? top : leaf;
  if (converted.converted_type) info.converted_type = ConvertedTypeName(*converted.converted_type);
  int field = tessera_schema.IndexOf(top.name);
  info.tessera_type = field < 0 ? "-" : tessera_schema.field(field).type.ToString();
  info.repetition = RepetitionName(top.repetition);
  for (const parquet::RowGroup& rg : md.row_groups) {
    if (leaf_number >= rg.columns.size() || !rg.columns[leaf_number].meta_data) continue;
    const parquet::ColumnMetaData& cm = *rg.columns[leaf_number].meta_data;
    AddUnique(&info.compression, parquet::CodecName(cm.codec));
    for (parquet::Encoding e : cm.encodings) AddUnique(&info.encodings, parquet::EncodingName(e));
  }
  return info;
}

}  // namespace

std::string LogicalTypeName(const LogicalType& t) {
  switch (t.kind) {
    case LogicalType::kString: return "STRING";
    case LogicalType::kMap: return "MAP";
    case LogicalType::kList: return "LIST";
    case LogicalType::kEnum: return "ENUM";
    case LogicalType::kDecimal:
      return "DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case LogicalType::kDate: return "DATE";
    case LogicalType::kTime: return TimeName("TIME", t);
    case LogicalType::kTimestamp: return TimeName("TIMESTAMP", t);
    case LogicalType::kInteger:
      return "INTEGER(" + std::to_string(t.bit_width) + (t.is_signed ? ",signed)" : ",unsigned)");
    case LogicalType::kUnknown: return "UNKNOWN";
    case LogicalType::kJson: return "JSON";
    case LogicalType::kBson: return "BSON";
    case LogicalType::kUuid: return "UUID";
    case LogicalType::kFloat16: return "FLOAT16";
  }
  return "LOGICAL(" + std::to_string(t.kind) + ")";
}

std::string ConvertedTypeName(ConvertedType t) {
  static constexpr const char* kNames[] = {"UTF8",
                                           "MAP",
                                           "MAP_KEY_VALUE",
                                           "LIST",
                                           "ENUM",
                                           "DECIMAL",
                                           "DATE",
                                           "TIME_MILLIS",
                                           "TIME_MICROS",
                                           "TIMESTAMP_MILLIS",
                                           "TIMESTAMP_MICROS",
                                           "UINT_8",
                                           "UINT_16",
                                           "UINT_32",
                                           "UINT_64",
                                           "INT_8",
                                           "INT_16",
                                           "INT_32",
                                           "INT_64",
                                           "JSON",
                                           "BSON",
                                           "INTERVAL"};
  auto i = static_cast<size_t>(t);
  if (i < std::size(kNames)) return kNames[i];
  return "CONVERTED(" + std::to_string(static_cast<int32_t>(t)) + ")";
}

Result<ParquetDescription> DescribeParquetFooter(const parquet::FileMetaData& md,
                                                 const Schema& tessera_schema) {
  ParquetDescription d;
  d.num_rows = md.num_rows;
  d.num_row_groups = static_cast<int64_t>(md.row_groups.size());
  d.created_by = md.created_by.value_or("");
  if (md.schema.empty()) return Status::Corruption("Parquet footer has an empty schema");
  const SchemaElement& root = md.schema[0];
  size_t next = 1;
  size_t leaf_number = 0;
  for (int32_t c = 0; c < root.num_children.value_or(0); ++c) {
    TS_ASSIGN_OR_RETURN(Subtree sub, WalkSubtree(md.schema, next, 1));
    const SchemaElement& top = md.schema[next];
    d.columns.push_back(
        DescribeColumn(md, top, md.schema[sub.leaves.front()], leaf_number, tessera_schema));
    leaf_number += sub.leaves.size();
    next = sub.end;
  }
  return d;
}

}  // namespace tessera::cli
