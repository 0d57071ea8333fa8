#include "tessera/cli/app.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "tessera/cli/command.h"

namespace tessera::cli {

int Fail(const Status& status) {
  std::cerr << "error: " << status.message() << "\n";
  return kExitFailure;
}

int UsageError(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return kExitUsage;
}

int Run(int argc, char** argv) {
  CLI::App app{
      "tessera: a feature store. Definitions as code, point-in-time training sets, "
      "online serving."};
  app.name("tessera");
  CommandContext ctx;
  app.add_option("-r,--repo", ctx.repo, "Feature repo directory (default: current directory)");
  app.require_subcommand(1);
  RegisterRegistryCommands(&app, &ctx);
  RegisterFormatCommands(&app, &ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One clear line; --help shows the rest.
    std::cerr << "error: " << e.what() << " (see tessera --help)\n";
    return kExitUsage;
  }
  if (!ctx.run) return UsageError("no command given (see tessera --help)");
  return ctx.run();
}

}  // namespace tessera::cli
