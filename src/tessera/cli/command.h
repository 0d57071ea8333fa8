// How the CLI's commands plug into the app: each group of commands has a
// Register* function that adds its subcommands to the CLI11 app and, in the
// subcommand's callback, stores the function that runs it in ctx->run. The
// app parses argv, then calls ctx->run once. Commands print results to
// stdout and return an exit code; errors go through Fail/UsageError so each
// is one clear line on stderr.
#pragma once

#include <functional>
#include <string>

#include "tessera/core/status.h"

namespace CLI {
class App;
}

namespace tessera::cli {

enum ExitCode : int { kExitOk = 0, kExitFailure = 1, kExitUsage = 2 };

struct CommandContext {
  std::string repo = ".";  // -r/--repo
  std::function<int()> run;
};

// Prints "error: <message>" to stderr; returns kExitFailure.
int Fail(const Status& status);
// Prints "error: <message>" to stderr; returns kExitUsage.
int UsageError(const std::string& message);

// cli/registry_commands.cc: init, plan, apply, list, describe, search, lineage.
void RegisterRegistryCommands(CLI::App* app, CommandContext* ctx);
// cli/format_commands.cc: convert, schema.
void RegisterFormatCommands(CLI::App* app, CommandContext* ctx);

}  // namespace tessera::cli
