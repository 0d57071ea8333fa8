// `tessera convert`: checks the arguments, then format::ConvertFile streams
// the input into the output batch by batch.
#include <iostream>

#include "tessera/cli/command.h"
#include "tessera/cli/format_commands.h"
#include "tessera/cli/output.h"
#include "tessera/format/convert.h"

namespace tessera::cli {

CommandStatus RunConvert(const ConvertOptions& o) {
  Result<FileFormat> in_format = FormatOfPath(o.input);
  if (!in_format.ok()) return CommandStatus::Usage(in_format.status().message());
  Result<FileFormat> out_format = FormatOfPath(o.output);
  if (!out_format.ok()) return CommandStatus::Usage(out_format.status().message());
  if (*out_format == FileFormat::kCsv && (!o.compression.empty() || o.row_group_size > 0)) {
    return CommandStatus::Usage("--compression and --row-group-size apply to Parquet output only");
  }
  format::ConvertRequest request;
  request.input = o.input;
  request.output = o.output;
  request.input_format = *in_format;
  request.output_format = *out_format;
  request.columns = SplitColumnList(o.columns_list);
  if (o.compression == "snappy") request.parquet.codec = parquet::Codec::kSnappy;
  if (o.compression == "none") request.parquet.codec = parquet::Codec::kUncompressed;
  if (o.row_group_size > 0) request.parquet.row_group_size = o.row_group_size;
  Result<int64_t> rows = format::ConvertFile(request);
  if (!rows.ok()) return rows.status();
  std::cout << "wrote " << CountOf(*rows, "row") << " to " << o.output << "\n";
  return Status::OK();
}

}  // namespace tessera::cli
