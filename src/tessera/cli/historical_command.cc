// `tessera historical --entities SPINE (--features V:F[,...] | --service NAME)
// --out OUT [--full-feature-names] [--timestamp-column C] [--with-timestamps]
// [--quiet] [--repo DIR]`: a point-in-time-correct training set through the
// FeatureStore facade (include/tessera/feature_store.h). SPINE and OUT are
// Parquet or CSV by extension; OUT is written through an AtomicFileWriter,
// so a failure leaves it as it was. Progress (rows, rate, ETA) goes to
// stderr when it is a terminal, unless --quiet.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tessera/cli/command.h"
#include "tessera/cli/format_commands.h"
#include "tessera/cli/progress_line.h"
#include "tessera/feature_store.h"
#include "tessera/format/csv/csv.h"
#include "tessera/format/parquet/writer.h"

namespace tessera::cli {
namespace {

struct HistoricalOptions {
  std::string entities;
  std::string features;
  std::string service;
  std::string out;
  std::string timestamp_column = "event_timestamp";
  std::string repo;  // --repo after the command; else -r
  bool full_feature_names = false;
  bool with_timestamps = false;
  bool quiet = false;
};

// Writes every batch of `reader` to `path` in `format`; the row count.
template <typename Writer>
Result<int64_t> WriteAll(Writer* writer, RecordBatchReader* reader, int64_t total,
                         ProgressLine* progress) {
  int64_t rows = 0;
  while (true) {
    TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, reader->Next());
    if (batch == nullptr) break;
    TS_RETURN_NOT_OK(writer->Write(*batch));
    rows += batch->num_rows();
    progress->Show("writing", rows, total);
  }
  TS_RETURN_NOT_OK(writer->Close());
  return rows;
}

Result<int64_t> WriteOutput(const std::string& path, FileFormat format, RecordBatchReader* reader,
                            int64_t total, ProgressLine* progress) {
  if (format == FileFormat::kCsv) {
    TS_ASSIGN_OR_RETURN(auto writer, csv::CsvWriter::Open(path, reader->schema()));
    return WriteAll(writer.get(), reader, total, progress);
  }
  // Columns are encoded and compressed on every core (the file is the same
  // whatever the thread count).
  parquet::WriteOptions options;
  options.num_threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  TS_ASSIGN_OR_RETURN(auto writer, parquet::ParquetWriter::Open(path, reader->schema(), options));
  return WriteAll(writer.get(), reader, total, progress);
}

CommandStatus RunHistorical(const HistoricalOptions& o, const std::string& repo) {
  if (o.features.empty() == o.service.empty()) {
    return CommandStatus::Usage("give exactly one of --features and --service");
  }
  Result<FileFormat> out_format = FormatOfPath(o.out);
  if (!out_format.ok()) return CommandStatus::Usage("--out: " + out_format.status().message());
  if (auto spine_format = FormatOfPath(o.entities); !spine_format.ok()) {
    return CommandStatus::Usage("--entities: " + spine_format.status().message());
  }
  HistoricalRequest request;
  request.features = SplitColumnList(o.features);
  if (!o.features.empty() && request.features.empty()) {
    return CommandStatus::Usage("--features names no feature");
  }
  request.feature_service = o.service;
  request.timestamp_column = o.timestamp_column;
  request.full_feature_names = o.full_feature_names;
  request.with_timestamps = o.with_timestamps;
  std::vector<std::string> warnings;
  request.warnings = &warnings;
  ProgressLine progress(!o.quiet && ::isatty(STDERR_FILENO) != 0);
  int64_t total_rows = -1;  // the spine's rows, known once features are computed
  request.progress = [&progress, &total_rows](const HistoricalProgress& p) {
    if (p.stage == "features") total_rows = p.total;
    progress.Show(p.stage, p.done, p.total);
  };

  TS_ASSIGN_OR_RETURN(std::unique_ptr<FeatureStore> store, FeatureStore::Open(repo));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> spine,
                      store->OpenSpineFile(o.entities, o.timestamp_column));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> result,
                      store->GetHistoricalFeatures(std::move(spine), request));
  TS_ASSIGN_OR_RETURN(int64_t rows,
                      WriteOutput(o.out, *out_format, result.get(), total_rows, &progress));
  progress.Done();
  for (const std::string& w : warnings) std::cerr << "warning: " << w << "\n";
  std::cout << "wrote " << rows << (rows == 1 ? " row" : " rows") << " to " << o.out << "\n";
  return Status::OK();
}

}  // namespace

void RegisterHistoricalCommand(CLI::App* app, CommandContext* ctx) {
  auto o = std::make_shared<HistoricalOptions>();
  CLI::App* cmd = app->add_subcommand(
      "historical",
      "Build a point-in-time-correct training set: for every row of the spine (entity keys, a "
      "timestamp and any other columns, such as labels, which are kept), each feature's value "
      "as known at that time, from the definitions applied to the registry. One output row per "
      "spine row, in spine order: spine columns, then the features, then (--with-timestamps) "
      "each view's picked event time. SPINE and OUT are Parquet or CSV by extension.");
  cmd->footer(
      "Examples:\n"
      "  tessera historical --entities spine.parquet --features user_profile:age,"
      "merchant_profile:risk_score --out train.parquet\n"
      "  tessera historical --entities spine.csv --service merchant_monitoring --out train.csv");
  cmd->add_option("--entities", o->entities, "The spine: a Parquet or CSV file")->required();
  cmd->add_option("--features", o->features,
                  "Comma-separated references: view:feature, view@N:feature (a pinned "
                  "version), or view (all its features)");
  cmd->add_option("--service", o->service, "A feature service whose features to use");
  cmd->add_option("--out", o->out, "The output file (.parquet or .csv)")->required();
  cmd->add_flag("--full-feature-names", o->full_feature_names, "Name output columns view__feature");
  cmd->add_option("--timestamp-column", o->timestamp_column,
                  "The spine's timestamp column (default: event_timestamp)");
  cmd->add_flag("--with-timestamps", o->with_timestamps,
                "Add each view's picked event time (view__event_timestamp), to audit leakage; "
                "for an aggregated view, the latest commit time of the events in its largest "
                "window (view__last_committed_at), to audit late arrivals");
  cmd->add_flag("--quiet", o->quiet, "No progress display");
  cmd->add_option("--repo", o->repo, "Feature repo directory (as -r)");
  cmd->fallthrough();  // -r may follow the arguments too
  cmd->callback([ctx, o] {
    ctx->run = [ctx, o] { return RunHistorical(*o, o->repo.empty() ? ctx->repo : o->repo); };
  });
}

}  // namespace tessera::cli
