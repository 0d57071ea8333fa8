// `tessera ingest SOURCE FILE... [-r/--repo DIR]`: appends the rows of
// Parquet or CSV files to SOURCE's log in the offline store as one commit
// (FeatureStore::Ingest, which checks rows against the applied definitions:
// the ones training sets read them with; this file parses and prints).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "tessera/cli/command.h"
#include "tessera/cli/output.h"
#include "tessera/cli/repo_session.h"
#include "tessera/feature_store.h"

namespace tessera::cli {
namespace {

struct IngestArgs {
  std::string source;
  std::vector<std::string> files;
};

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

CommandStatus RunIngest(const std::string& repo_dir, const IngestArgs& args) {
  TS_RETURN_NOT_OK(CheckIsRepo(repo_dir));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<FeatureStore> store, FeatureStore::Open(repo_dir));
  TS_ASSIGN_OR_RETURN(IngestSummary r, store->Ingest(args.source, args.files));
  std::string into = "source '" + r.source + "'";
  if (r.source != args.source) into += " (the log of push source '" + args.source + "')";
  if (r.rows == 0) {
    std::cout << "ingested 0 rows into " << into << ": nothing to commit\n";
  } else {
    std::cout << "ingested " << CountOf(r.rows, "row") << " into " << into << ", _ingest_seq "
              << r.first_seq << ".." << r.last_seq << "\n";
  }
  if (!r.ignored_columns.empty()) {
    std::cout << "not logged (not columns of the source): " << Joined(r.ignored_columns) << "\n";
  }
  return Status::OK();
}

}  // namespace

void RegisterIngestCommand(CLI::App* app, CommandContext* ctx) {
  auto args = std::make_shared<IngestArgs>();
  CLI::App* ingest = app->add_subcommand(
      "ingest",
      "Append the rows of Parquet or CSV files to a source's log in the offline store, checked "
      "against the source's schema, as one atomic commit");
  ingest->add_option("SOURCE", args->source, "The batch or push source")->required();
  ingest->add_option("FILE", args->files, "Parquet (.parquet) or CSV (.csv) files")->required();
  ingest->fallthrough();  // -r/--repo may follow the arguments
  ingest->callback([ctx, args] { ctx->run = [ctx, args] { return RunIngest(ctx->repo, *args); }; });
}

}  // namespace tessera::cli
