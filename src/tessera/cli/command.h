// How the CLI's commands plug into the app: each group of commands has a
// Register* function that adds its subcommands to the CLI11 app and, in the
// subcommand's callback, stores the function that runs it in ctx->run. The
// app parses argv, then calls ctx->run once. Commands print results to
// stdout and return a CommandStatus; app.cc is the one place that turns it
// into the exit code and the "error: ..." line on stderr.
#pragma once

#include <functional>
#include <string>

#include "tessera/core/status.h"

namespace CLI {
class App;
}

namespace tessera::cli {

enum ExitCode : int { kExitOk = 0, kExitFailure = 1, kExitUsage = 2 };

// A command's outcome: OK, a failure (exit 1: the input, a file or the
// registry is at fault), or a usage error (exit 2: the command line is).
// Any Status converts implicitly, so TS_RETURN_NOT_OK and
// TS_ASSIGN_OR_RETURN work in commands.
class [[nodiscard]] CommandStatus {
 public:
  CommandStatus() = default;
  CommandStatus(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design
  static CommandStatus Usage(std::string message) {
    CommandStatus s(Status::Invalid(std::move(message)));
    s.usage_ = true;
    return s;
  }
  bool ok() const { return status_.ok(); }
  bool usage() const { return usage_; }
  const Status& status() const { return status_; }

 private:
  Status status_;
  bool usage_ = false;
};

struct CommandContext {
  std::string repo = ".";  // -r/--repo
  std::function<CommandStatus()> run;
};

// cli/registry_commands.cc: init, plan, apply, list, describe, search, lineage.
void RegisterRegistryCommands(CLI::App* app, CommandContext* ctx);
// cli/format_commands.cc: convert, schema.
void RegisterFormatCommands(CLI::App* app, CommandContext* ctx);
// cli/eval_command.cc: eval.
void RegisterEvalCommand(CLI::App* app, CommandContext* ctx);
// cli/historical_command.cc: historical (training sets, through the facade).
void RegisterHistoricalCommand(CLI::App* app, CommandContext* ctx);
// cli/ingest_command.cc: ingest.
void RegisterIngestCommand(CLI::App* app, CommandContext* ctx);
// cli/compact_command.cc: compact.
void RegisterCompactCommand(CLI::App* app, CommandContext* ctx);
// cli/materialize_command.cc: materialize, materialize-incremental.
void RegisterMaterializeCommands(CLI::App* app, CommandContext* ctx);
// cli/serve_command.cc: serve (the HTTP server).
void RegisterServeCommand(CLI::App* app, CommandContext* ctx);
// cli/online_commands.cc: get, push.
void RegisterOnlineCommands(CLI::App* app, CommandContext* ctx);
// `tessera stream` (stream_command.cc).
void RegisterStreamCommand(CLI::App* app, CommandContext* ctx);

}  // namespace tessera::cli
