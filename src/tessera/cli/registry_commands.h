// The registry command groups, one Register* per file, all added to the app
// by RegisterRegistryCommands (command.h). Each adds its subcommands to `app`
// and, when one is chosen, stores the code that runs it in ctx->run.
#pragma once

#include "tessera/cli/command.h"

namespace tessera::cli {

void RegisterInitCommand(CLI::App* app, CommandContext* ctx);        // init_command.cc
void RegisterPlanApplyCommands(CLI::App* app, CommandContext* ctx);  // plan_apply_commands.cc
void RegisterListCommand(CLI::App* app, CommandContext* ctx);        // list_command.cc
void RegisterDescribeCommand(CLI::App* app, CommandContext* ctx);    // describe_command.cc
void RegisterSearchLineageCommands(CLI::App* app,
                                   CommandContext* ctx);  // search_lineage_commands.cc

}  // namespace tessera::cli
