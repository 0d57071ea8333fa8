// `tessera compact [SOURCE] [-r/--repo DIR]`: merges the small parts of a
// source's log (every batch source's when SOURCE is not given) into larger
// ones, keeping every row, its order and its _ingest_seq
// (offline/compaction.h; safe while readers and ingests run).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "tessera/cli/command.h"
#include "tessera/cli/output.h"
#include "tessera/cli/repo_session.h"
#include "tessera/offline/compaction.h"
#include "tessera/offline/ingest.h"
#include "tessera/offline/ingest_contract.h"
#include "tessera/offline/source_log.h"

namespace tessera::cli {
namespace {

Status CompactOne(const registry::LoadedRepo& repo, const std::string& source) {
  offline::CompactSpec spec;
  spec.log_dir = offline::SourceLogDir(offline::OfflineRoot(repo), repo.config.project, source);
  TS_ASSIGN_OR_RETURN(offline::CompactResult r, offline::CompactLog(spec));
  std::cout << "source '" << source << "': ";
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
  return Status::OK();
}

CommandStatus RunCompact(const std::string& repo_dir, const std::string& source) {
  TS_RETURN_NOT_OK(CheckIsRepo(repo_dir));
  TS_ASSIGN_OR_RETURN(registry::LoadedRepo repo, LoadRepoPrintingErrors(repo_dir));
  if (!source.empty()) {
    TS_ASSIGN_OR_RETURN(std::string log_source, offline::LogSourceOf(repo, source));
    return CompactOne(repo, log_source);
  }
  for (const registry::Source& s : repo.definitions.sources) {
    if (s.kind == registry::SourceKind::kBatch) TS_RETURN_NOT_OK(CompactOne(repo, s.name));
  }
  return Status::OK();
}

}  // namespace

void RegisterCompactCommand(CLI::App* app, CommandContext* ctx) {
  auto source = std::make_shared<std::string>();
  CLI::App* compact = app->add_subcommand(
      "compact",
      "Merge the small parts of a source's log (of every batch source's without SOURCE) into "
      "larger ones; rows, their order and their _ingest_seq are kept");
  compact->add_option("SOURCE", *source, "A batch or push source");
  compact->fallthrough();  // -r/--repo may follow the arguments
  compact->callback(
      [ctx, source] { ctx->run = [ctx, source] { return RunCompact(ctx->repo, *source); }; });
}

}  // namespace tessera::cli
