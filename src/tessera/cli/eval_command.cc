// `tessera eval EXPR FILE [--limit N] [--out OUT] [--as NAME]`: evaluates an
// expression over a Parquet or CSV file, so a user can try a transformation
// before putting it in a definition. Needs no feature repo. The expression
// is compiled against the file's columns (a CSV's types inferred as
// `tessera schema` does) and evaluated by the same Expression the registry,
// the offline store and serving use, batch by batch, so the file may be
// larger than memory.
//
// Without --out: a table of the first N rows, the columns the expression
// reads and then the result. With --out (.parquet or .csv): every row, the
// read columns then the result column, written through the format writers
// (an AtomicFileWriter: on failure OUT is left as it was). Rows that
// evaluated to null because of an error are reported as one warning line.
#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "tessera/cli/command.h"
#include "tessera/cli/format_commands.h"
#include "tessera/cli/output.h"
#include "tessera/core/env.h"
#include "tessera/core/record_batch.h"
#include "tessera/core/time.h"
#include "tessera/expr/binder.h"
#include "tessera/expr/expression.h"
#include "tessera/format/csv/csv.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/format/parquet/writer.h"
#include "tessera/registry/json_documents.h"

namespace tessera::cli {

namespace {

constexpr int64_t kCsvSampleRows = 1000;  // as `tessera schema`
constexpr size_t kMaxCellBytes = 60;      // longer cells are cut in the table

struct EvalOptions {
  std::string expr;
  std::string input;
  int64_t limit = 20;
  std::string output;  // empty: print a table
  std::string name = "result";
};

Result<std::unique_ptr<RecordBatchReader>> OpenInput(const std::string& path, FileFormat format) {
  if (!Env::Default()->FileExists(path)) {
    return Status::NotFound("file '" + path + "' does not exist");
  }
  if (format == FileFormat::kParquet) {
    TS_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::Open(path));
    return std::unique_ptr<RecordBatchReader>(std::move(reader));
  }
  TS_ASSIGN_OR_RETURN(SchemaPtr schema, csv::InferCsvSchema(path, kCsvSampleRows));
  TS_ASSIGN_OR_RETURN(auto reader, csv::CsvReader::Open(path, schema));
  return std::unique_ptr<RecordBatchReader>(std::move(reader));
}

// The shortest text that reads back to the same double.
std::string FormatDouble(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

// A cell for people: one line, valid UTF-8, at most ~kMaxCellBytes.
std::string FormatCell(const Value& v) {
  if (v.is_null()) return "null";
  std::string text;
  switch (v.type().id()) {
    case TypeId::kFloat:
    case TypeId::kDouble: text = FormatDouble(v.double_value()); break;
    case TypeId::kString:
    case TypeId::kBytes: text = registry::ToValidUtf8(v.string_value()); break;
    case TypeId::kList: {
      text = "[";
      for (size_t i = 0; i < v.list_value().size(); ++i) {
        text += (i ? ", " : "") + FormatCell(v.list_value()[i]);
      }
      text += "]";
      break;
    }
    default: text = v.ToString();
  }
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > kMaxCellBytes) {
    size_t cut = kMaxCellBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "...";
  }
  return text;
}

// The first `n` rows of every column of `batch` (slow path: for the
// printed table only).
Result<std::vector<ArrayPtr>> HeadColumns(const RecordBatch& batch, int64_t n) {
  std::vector<ArrayPtr> out;
  for (int c = 0; c < batch.num_columns(); ++c) {
    const Array& column = *batch.column(c);
    auto builder = ArrayBuilder::Make(column.type());
    for (int64_t r = 0; r < n; ++r) TS_RETURN_NOT_OK(builder->AppendValue(column.GetValue(r)));
    TS_ASSIGN_OR_RETURN(ArrayPtr a, builder->Finish());
    out.push_back(std::move(a));
  }
  return out;
}

// The expression as shown in a message: valid UTF-8 on one line (control
// characters escaped, so a multi-line expression stays one error line).
std::string ShownExpression(const std::string& expr) {
  std::string out;
  for (char c : registry::ToValidUtf8(expr)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

// "expression 'a +': at col 4: ..." as at apply.
Status ExpressionError(const std::string& expr, const Status& status) {
  return Status::Invalid("expression '" + ShownExpression(expr) + "': " + status.message());
}

void PrintWarning(const expr::EvalStats& stats) {
  std::cout.flush();  // after the table, when both streams go to one terminal
  if (!stats.ok()) std::cerr << "warning: " << stats.Summary() << "\n";
}

CommandStatus PrintHead(const EvalOptions& o, RecordBatchReader* reader,
                        const expr::Expression& e) {
  std::vector<std::string> header;
  for (int c : e.referenced_columns()) header.push_back(e.scope().column(c).name);
  header.push_back(o.name);
  Table table(header);
  expr::EvalStats stats;
  bool more = false;
  int64_t shown = 0;
  while (true) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, reader->Next());
    if (batch == nullptr) break;
    if (batch->num_rows() == 0) continue;
    if (shown == o.limit) {
      more = true;
      break;
    }
    const int64_t n = std::min(batch->num_rows(), o.limit - shown);
    more = more || n < batch->num_rows();
    TS_ASSIGN_OR_RETURN(std::vector<ArrayPtr> columns, HeadColumns(*batch, n));
    expr::EvalStats batch_stats;
    Result<ArrayPtr> result = e.Evaluate(columns, n, &batch_stats);
    if (!result.ok()) return ExpressionError(o.expr, result.status());
    stats.Merge(batch_stats, shown);
    for (int64_t r = 0; r < n; ++r) {
      std::vector<std::string> row;
      for (int c : e.referenced_columns()) row.push_back(FormatCell(columns[c]->GetValue(r)));
      row.push_back(FormatCell((*result)->GetValue(r)));
      table.AddRow(std::move(row));
    }
    shown += n;
  }
  table.Print(std::cout);
  if (more) {
    std::cout << "(first " << CountOf(shown, "row")
              << "; --limit N shows more, --out writes all)\n";
  }
  PrintWarning(stats);
  return Status::OK();
}

// Writes batches of (read columns..., result) to a Parquet or CSV file.
class OutputFile {
 public:
  static Result<std::unique_ptr<OutputFile>> Open(const std::string& path, FileFormat format,
                                                  SchemaPtr schema) {
    auto out = std::unique_ptr<OutputFile>(new OutputFile());
    out->schema_ = schema;
    if (format == FileFormat::kParquet) {
      TS_ASSIGN_OR_RETURN(out->parquet_, parquet::ParquetWriter::Open(path, schema));
    } else {
      TS_ASSIGN_OR_RETURN(out->csv_, csv::CsvWriter::Open(path, schema));
    }
    return out;
  }
  Status Write(std::vector<ArrayPtr> columns) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, RecordBatch::Make(schema_, std::move(columns)));
    return parquet_ ? parquet_->Write(*batch) : csv_->Write(*batch);
  }
  Status Close() { return parquet_ ? parquet_->Close() : csv_->Close(); }

 private:
  OutputFile() = default;
  SchemaPtr schema_;
  std::unique_ptr<parquet::ParquetWriter> parquet_;
  std::unique_ptr<csv::CsvWriter> csv_;
};

CommandStatus WriteAll(const EvalOptions& o, FileFormat out_format, RecordBatchReader* reader,
                       const expr::Expression& e) {
  std::vector<Field> fields;
  for (int c : e.referenced_columns()) {
    const expr::ScopeColumn& column = e.scope().column(c);
    if (column.name == o.name) {
      return CommandStatus::Usage("the result column '" + o.name +
                                  "' has the name of an input column; choose another with --as");
    }
    fields.push_back(Field{column.name, column.type});
  }
  fields.push_back(Field{o.name, e.type()});
  TS_ASSIGN_OR_RETURN(SchemaPtr schema, Schema::Make(fields));
  TS_ASSIGN_OR_RETURN(auto out, OutputFile::Open(o.output, out_format, schema));
  expr::EvalStats stats;
  int64_t rows = 0;
  while (true) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, reader->Next());
    if (batch == nullptr) break;
    expr::EvalStats batch_stats;
    Result<ArrayPtr> result = e.Evaluate(*batch, &batch_stats);
    if (!result.ok()) return ExpressionError(o.expr, result.status());
    stats.Merge(batch_stats, rows);
    std::vector<ArrayPtr> columns;
    for (int c : e.referenced_columns()) columns.push_back(batch->column(c));
    columns.push_back(*result);
    TS_RETURN_NOT_OK(out->Write(std::move(columns)));
    rows += batch->num_rows();
  }
  TS_RETURN_NOT_OK(out->Close());
  std::cout << "wrote " << CountOf(rows, "row") << " to " << o.output << "\n";
  PrintWarning(stats);
  return Status::OK();
}

CommandStatus RunEval(const EvalOptions& o) {
  Result<FileFormat> in_format = FormatOfPath(o.input);
  if (!in_format.ok()) return CommandStatus::Usage(in_format.status().message());
  FileFormat out_format = FileFormat::kCsv;
  if (!o.output.empty()) {
    Result<FileFormat> f = FormatOfPath(o.output);
    if (!f.ok()) return CommandStatus::Usage(f.status().message());
    out_format = *f;
  }
  if (o.name.empty()) return CommandStatus::Usage("--as needs a non-empty column name");
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> reader, OpenInput(o.input, *in_format));
  const expr::Scope scope = expr::Scope::FromSchema(*reader->schema());
  auto compiled = expr::Expression::Compile(o.expr, scope);
  if (!compiled.ok()) return ExpressionError(o.expr, compiled.status());
  if (o.output.empty()) return PrintHead(o, reader.get(), **compiled);
  return WriteAll(o, out_format, reader.get(), **compiled);
}

}  // namespace

void RegisterEvalCommand(CLI::App* app, CommandContext* ctx) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* cmd = app->add_subcommand(
      "eval",
      "Evaluate an expression (docs/EXPRESSIONS.md) over a Parquet or CSV file, to try a "
      "transformation before putting it in a definition; needs no feature repo. Prints the "
      "first rows of the columns the expression reads and the result; with --out writes every "
      "row to a file. CSV column types are inferred from the first 1000 rows.\n"
      "Example:\n"
      "  tessera eval \"amount / nullif(amount_sum_24h, 0)\" data/txns.parquet --limit 5\n"
      "  tessera eval \"upper(city)\" users.csv --out cities.parquet --as city_upper");
  cmd->add_option("expr", options->expr, "The expression, e.g. \"amount * 2\"")->required();
  cmd->add_option("file", options->input, "File to read (.parquet or .csv)")->required();
  cmd->add_option("--limit", options->limit, "Rows to print without --out (default 20)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--out", options->output,
                  "Write every row (read columns, then the result) to this .parquet or .csv "
                  "file, replaced whole");
  cmd->add_option("--as", options->name, "Name of the result column (default: result)");
  cmd->callback([ctx, options] { ctx->run = [options] { return RunEval(*options); }; });
}

}  // namespace tessera::cli
