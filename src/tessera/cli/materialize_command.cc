// `tessera materialize START END [--views V,...]` and `tessera
// materialize-incremental END [--views V,...]`: load the online store from
// the offline store through FeatureStore::Materialize (DESIGN.md section 3,
// "Online = offline at the materialized time"; this file parses and
// prints). Times are RFC 3339 / ISO 8601 (no zone: UTC). Progress (rows,
// rate) goes to stderr when it is a terminal, unless --quiet.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "tessera/cli/command.h"
#include "tessera/cli/format_commands.h"
#include "tessera/cli/output.h"
#include "tessera/cli/progress_line.h"
#include "tessera/cli/repo_session.h"
#include "tessera/core/time.h"
#include "tessera/feature_store.h"

namespace tessera::cli {
namespace {

struct MaterializeArgs {
  std::string start;
  std::string end;
  std::string views;
  std::string repo;  // --repo after the command; else -r
  bool quiet = false;
};

// A time argument; a usage error naming it otherwise.
Result<int64_t> ParseTime(const std::string& name, const std::string& text) {
  Result<int64_t> micros = ParseTimestamp(text);
  if (!micros.ok()) {
    return Status::Invalid(name + ": " + micros.status().message() +
                           " (RFC 3339, e.g. 2024-03-01T00:00:00Z)");
  }
  return micros;
}

CommandStatus RunMaterialize(const MaterializeArgs& args, bool incremental,
                             const std::string& repo) {
  MaterializeRequest request;
  request.incremental = incremental;
  if (!incremental) {
    Result<int64_t> start = ParseTime("START", args.start);
    if (!start.ok()) return CommandStatus::Usage(start.status().message());
    request.start_micros = *start;
  }
  Result<int64_t> end = ParseTime("END", args.end);
  if (!end.ok()) return CommandStatus::Usage(end.status().message());
  request.end_micros = *end;
  if (!incremental && request.end_micros <= request.start_micros) {
    return CommandStatus::Usage("END " + FormatTimestamp(request.end_micros) +
                                " is not after START " + FormatTimestamp(request.start_micros));
  }
  request.views = SplitColumnList(args.views);
  if (!args.views.empty() && request.views.empty()) {
    return CommandStatus::Usage("--views names no feature view");
  }
  ProgressLine progress(!args.quiet && ::isatty(STDERR_FILENO) != 0);
  request.progress = [&progress](const HistoricalProgress& p) {
    progress.Show(p.stage, p.done, p.total);
  };
  TS_RETURN_NOT_OK(CheckIsRepo(repo));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<FeatureStore> store, FeatureStore::Open(repo));
  TS_ASSIGN_OR_RETURN(MaterializeSummary summary, store->Materialize(request));
  progress.Done();
  if (summary.views.empty()) {
    std::cout << "no online feature view to materialize\n";
    return Status::OK();
  }
  for (const MaterializedViewSummary& v : summary.views) {
    std::cout << v.view << " v" << v.version << ": ";
    if (v.start_micros >= v.end_micros) {
      std::cout << "no rows up to " << FormatTimestamp(v.end_micros);
    } else {
      std::cout << "(" << FormatTimestamp(v.start_micros) << ", " << FormatTimestamp(v.end_micros)
                << "]";
    }
    std::cout << ", " << CountOf(v.rows_scanned, "row") << " scanned, "
              << CountOf(v.rows_written, "online row") << " written\n";
  }
  return Status::OK();
}

CLI::App* AddCommonOptions(CLI::App* cmd, MaterializeArgs* args) {
  cmd->add_option("--views", args->views,
                  "Comma-separated feature views (default: every online view; an "
                  "aggregated view is rebuilt at now whatever START and END say)");
  cmd->add_flag("--quiet", args->quiet, "No progress display");
  cmd->add_option("--repo", args->repo, "Feature repo directory (as -r)");
  cmd->fallthrough();  // -r may follow the arguments too
  return cmd;
}

}  // namespace

void RegisterMaterializeCommands(CLI::App* app, CommandContext* ctx) {
  auto args = std::make_shared<MaterializeArgs>();
  CLI::App* cmd = app->add_subcommand(
      "materialize",
      "Load the online store: for every key with rows in (START, END], the row a training set "
      "would give it at END (the newest version of each view), unless the store holds a newer "
      "one; the interval is recorded per view version in the registry. Times are RFC 3339 "
      "(no zone: UTC).");
  cmd->footer(
      "Examples:\n"
      "  tessera materialize 2024-01-01T00:00:00Z 2024-03-01T00:00:00Z\n"
      "  tessera materialize 2024-02-29 2024-03-01 --views user_profile,merchant_profile");
  cmd->add_option("START", args->start, "Exclusive start time")->required();
  cmd->add_option("END", args->end, "Inclusive end time")->required();
  AddCommonOptions(cmd, args.get());
  cmd->callback([ctx, args] {
    ctx->run = [ctx, args] {
      return RunMaterialize(*args, false, args->repo.empty() ? ctx->repo : args->repo);
    };
  });

  auto inc_args = std::make_shared<MaterializeArgs>();
  CLI::App* inc = app->add_subcommand(
      "materialize-incremental",
      "Load the online store from where each view version's last materialization ended (its "
      "first run: from before the earliest row) up to END; rows committed to a source log "
      "since the last run are applied too, even with older event times.");
  inc->footer("Example:\n  tessera materialize-incremental 2024-03-01T12:00:00Z");
  inc->add_option("END", inc_args->end, "Inclusive end time")->required();
  AddCommonOptions(inc, inc_args.get());
  inc->callback([ctx, inc_args] {
    ctx->run = [ctx, inc_args] {
      return RunMaterialize(*inc_args, true, inc_args->repo.empty() ? ctx->repo : inc_args->repo);
    };
  });
}

}  // namespace tessera::cli
