// `tessera init | plan | apply | list | describe | search | lineage`: the
// commands over the feature repo and its registry. Each group lives in its
// own file (see registry_commands.h); this file only wires them up.
#include "tessera/cli/registry_commands.h"

#include <CLI/CLI.hpp>

namespace tessera::cli {

void RegisterRegistryCommands(CLI::App* app, CommandContext* ctx) {
  RegisterInitCommand(app, ctx);
  RegisterPlanApplyCommands(app, ctx);
  RegisterListCommand(app, ctx);
  RegisterDescribeCommand(app, ctx);
  RegisterSearchLineageCommands(app, ctx);
}

}  // namespace tessera::cli
