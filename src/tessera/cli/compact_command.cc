// `tessera compact [SOURCE] [-r/--repo DIR]`, through FeatureStore::Compact:
// merges the small parts of a source's log (every batch source's when
// SOURCE is not given) into larger ones, keeping every row, its order and
// its _ingest_seq (offline/compaction.h), then rebuilds the derived files
// of the feature views reading it (offline/view_files.h); safe while
// readers and ingests run.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "tessera/cli/command.h"
#include "tessera/cli/output.h"
#include "tessera/feature_store.h"

namespace tessera::cli {
namespace {

void PrintLog(const CompactedLog& r) {
  std::cout << "source '" << r.source << "': ";
  if (r.parts_before == 0) {
    std::cout << "no log\n";
  } else if (!r.committed) {
    std::cout << CountOf(r.parts_before, "part") << ", nothing to compact\n";
  } else {
    std::cout << CountOf(r.parts_before, "part") << " -> " << r.parts_after;
    if (r.parts_removed > 0) {
      std::cout << " (removed " << CountOf(r.parts_removed, "file") << " an earlier compaction "
                << "replaced)";
    }
    std::cout << "\n";
  }
}

CommandStatus RunCompact(const std::string& repo_dir, const std::string& source) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<FeatureStore> store, FeatureStore::Open(repo_dir));
  TS_ASSIGN_OR_RETURN(CompactSummary summary, store->Compact(source));
  for (const CompactedLog& log : summary.logs) PrintLog(log);
  for (const CompactedView& v : summary.views) {
    std::cout << "feature view '" << v.view << "' v" << v.version << ": derived files "
              << (v.rebuilt ? "rebuilt" : "up to date") << " (" << CountOf(v.rows, "row") << ")\n";
  }
  return Status::OK();
}

}  // namespace

void RegisterCompactCommand(CLI::App* app, CommandContext* ctx) {
  auto source = std::make_shared<std::string>();
  CLI::App* compact = app->add_subcommand(
      "compact",
      "Merge the small parts of a source's log (of every batch source's without SOURCE) into "
      "larger ones (rows, their order and their _ingest_seq are kept), then rebuild the derived "
      "files of the applied feature views that read it (views/<view>/v<N>/: the join's columns in "
      "one Parquet file, read by training sets while the source is unchanged)");
  compact->add_option("SOURCE", *source, "A batch or push source");
  compact->fallthrough();  // -r/--repo may follow the arguments
  compact->callback(
      [ctx, source] { ctx->run = [ctx, source] { return RunCompact(ctx->repo, *source); }; });
}

}  // namespace tessera::cli
