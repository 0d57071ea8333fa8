// The `tessera` command line: parses argv, dispatches to a command, prints
// results to stdout and one clear error line to stderr. Exit codes: 0
// success, 1 failure, 2 usage error.
#pragma once

#include <memory>
#include <optional>
#include <ostream>

#include "tessera/cli/command.h"

namespace tessera::cli {

int Run(int argc, char** argv);

// The app with every command registered. Parse() and Execute() are split so
// the argument parser can be exercised (fuzzed) without running anything.
// Not thread-safe; one per process invocation.
class CommandLine {
 public:
  CommandLine();
  ~CommandLine();

  // Parses argv. Returns nullopt when a command was chosen (Execute runs
  // it); otherwise the exit code of what parsing alone did: --help, help,
  // --version (printed to `out`) or a usage error (printed to `err`).
  std::optional<int> Parse(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

  // Runs the parsed command; prints its error line to `err`.
  int Execute(std::ostream& err);

 private:
  std::unique_ptr<CLI::App> app_;
  CommandContext ctx_;
  std::string help_topic_;  // `tessera help CMD`
  bool help_requested_ = false;
};

// The exit code of `status`, after printing "error: <message>" to `err`
// when it is not OK. The one place that maps outcomes to exit codes.
int Finish(const CommandStatus& status, std::ostream& err);

}  // namespace tessera::cli
