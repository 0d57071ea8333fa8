#include "tessera/cli/schema_describe.h"

#include <algorithm>

#include "tessera/format/parquet/schema_mapping.h"

namespace tessera::cli {

namespace {

using parquet::ConvertedType;
using parquet::SchemaElement;

std::string Annotation(const SchemaElement& e) {
  return e.logical_type ? parquet::LogicalTypeName(*e.logical_type) : "";
}

void AddUnique(std::vector<std::string>* list, const std::string& item) {
  if (std::find(list->begin(), list->end(), item) == list->end()) list->push_back(item);
}

ParquetColumnInfo DescribeColumn(const parquet::FileMetaData& md, const SchemaElement& top,
                                 const SchemaElement& leaf, size_t leaf_number,
                                 const Schema& tessera_schema) {
  ParquetColumnInfo info;
  info.name = top.name;
  info.physical_type = parquet::PhysicalTypeName(leaf);
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
  if (converted.converted_type) {
    info.converted_type = parquet::ConvertedTypeName(*converted.converted_type);
  }
  int field = tessera_schema.IndexOf(top.name);
  info.tessera_type = field < 0 ? "-" : tessera_schema.field(field).type.ToString();
  info.repetition = parquet::RepetitionName(top.repetition);
  for (const parquet::RowGroup& rg : md.row_groups) {
    if (leaf_number >= rg.columns.size() || !rg.columns[leaf_number].meta_data) continue;
    const parquet::ColumnMetaData& cm = *rg.columns[leaf_number].meta_data;
    AddUnique(&info.compression, parquet::CodecName(cm.codec));
    for (parquet::Encoding e : cm.encodings) AddUnique(&info.encodings, parquet::EncodingName(e));
  }
  return info;
}

}  // namespace

Result<ParquetDescription> DescribeParquetFooter(const parquet::FileMetaData& md,
                                                 const Schema& tessera_schema) {
  ParquetDescription d;
  d.num_rows = md.num_rows;
  d.num_row_groups = static_cast<int64_t>(md.row_groups.size());
  d.created_by = md.created_by.value_or("");
  TS_ASSIGN_OR_RETURN(std::vector<parquet::TopLevelField> fields,
                      parquet::WalkTopLevelFields(md.schema));
  for (const parquet::TopLevelField& f : fields) {
    d.columns.push_back(DescribeColumn(md, md.schema[f.element], md.schema[f.first_leaf],
                                       static_cast<size_t>(f.leaf_index), tessera_schema));
  }
  return d;
}

}  // namespace tessera::cli
