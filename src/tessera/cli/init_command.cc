// `tessera init DIR`: scaffolds a working example repo (scaffold.h).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "tessera/cli/output.h"
#include "tessera/cli/registry_commands.h"
#include "tessera/cli/scaffold.h"

namespace tessera::cli {

void RegisterInitCommand(CLI::App* app, CommandContext* ctx) {
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = app->add_subcommand(
      "init",
      "Create a new feature repo in DIR: tessera.yaml, feature definitions modelled on a fraud "
      "detection project (users, merchants, transactions), a few rows of sample source data, a "
      "README and a .gitignore for the local stores. The result is accepted by `plan` and "
      "`apply` as is. DIR must not exist or be empty.");
  cmd->footer("Example:\n  tessera init my_repo && cd my_repo && tessera plan");
  cmd->add_option("DIR", *dir, "Directory to create the repo in")->required();
  cmd->callback([ctx, dir] {
    ctx->run = [dir]() -> CommandStatus {
      TS_RETURN_NOT_OK(WriteScaffold(Env::Default(), *dir));
      std::cout << "Created feature repo in '" << *dir << "'\n"
                << "Next: cd " << ShellQuote(*dir) << " && tessera plan && tessera apply\n";
      return Status::OK();
    };
  });
}

}  // namespace tessera::cli
