// Wires `convert` and `schema` into the CLI11 app; the work is in
// convert_command.cc and schema_command.cc.
#include "tessera/cli/format_commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>

#include "tessera/cli/command.h"

namespace tessera::cli {

Result<FileFormat> FormatOfPath(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::string lower = ext;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == ".csv") return FileFormat::kCsv;
  if (lower == ".parquet") return FileFormat::kParquet;
  std::string shown = ext.empty() ? "no extension" : "extension '" + ext + "'";
  return Status::Invalid("'" + path + "' has " + shown + " (expected .parquet or .csv)");
}

std::vector<std::string> SplitColumnList(const std::string& list) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = std::min(list.find(',', start), list.size());
    std::string name = list.substr(start, comma - start);
    size_t b = name.find_first_not_of(" \t"), e = name.find_last_not_of(" \t");
    if (b != std::string::npos) names.push_back(name.substr(b, e - b + 1));
    start = comma + 1;
  }
  return names;
}

namespace {

void AddConvert(CLI::App* app, CommandContext* ctx) {
  auto options = std::make_shared<ConvertOptions>();
  CLI::App* cmd =
      app->add_subcommand("convert",
                          "Convert a file between Parquet and CSV (either way, or to the same "
                          "format), choosing "
                          "formats by extension (.parquet, .csv). CSV input types are inferred "
                          "from its first 1000 "
                          "rows. Rows stream batch by batch, so files larger than memory convert.");
  cmd->add_option("input", options->input, "File to read (.parquet or .csv)")->required();
  cmd->add_option("output", options->output, "File to write (.parquet or .csv); replaced whole")
      ->required();
  cmd->add_option("--columns", options->columns_list,
                  "Columns to keep, in this order, comma-separated (default: all)");
  cmd->add_option("--compression", options->compression,
                  "Parquet output codec: zstd (default), snappy or none")
      ->check(CLI::IsMember({"zstd", "snappy", "none"}));
  cmd->add_option("--row-group-size", options->row_group_size,
                  "Parquet output: rows per row group (default 1048576)")
      ->check(CLI::PositiveNumber);
  cmd->callback([ctx, options] { ctx->run = [options] { return RunConvert(*options); }; });
}

void AddSchema(CLI::App* app, CommandContext* ctx) {
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app->add_subcommand("schema",
                                      "Show a file's columns. Parquet: physical, logical and "
                                      "converted types, the Tessera type, "
                                      "repetition, compression and encodings per column, plus row "
                                      "and row-group counts (from "
                                      "the footer). CSV: the column types Tessera infers from the "
                                      "first 1000 rows.");
  cmd->add_option("file", *path, "File to describe (.parquet or .csv)")->required();
  cmd->add_flag("--json", *json, "Print one JSON object instead of a table");
  cmd->callback([ctx, path, json] { ctx->run = [path, json] { return RunSchema(*path, *json); }; });
}

}  // namespace

void RegisterFormatCommands(CLI::App* app, CommandContext* ctx) {
  AddConvert(app, ctx);
  AddSchema(app, ctx);
}

}  // namespace tessera::cli
