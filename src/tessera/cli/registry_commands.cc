#include <CLI/CLI.hpp>

#include "tessera/cli/command.h"

namespace tessera::cli {

void RegisterRegistryCommands(CLI::App* app, CommandContext* ctx) {}

}  // namespace tessera::cli
