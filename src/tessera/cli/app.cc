#include "tessera/cli/app.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <string_view>

#ifndef TESSERA_VERSION
#error "TESSERA_VERSION (the CMake project version) must be defined"
#endif

namespace tessera::cli {
namespace {

// The first word of argv that is not an option or an option's value: the
// command's name; empty when there is none.
std::string_view CommandWord(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i] ? argv[i] : "";
    if (a == "--") return i + 1 < argc && argv[i + 1] ? argv[i + 1] : "";
    if (a == "-r" || a == "--repo") {
      ++i;  // its value
      continue;
    }
    if (!a.empty() && a[0] == '-') continue;
    return a;
  }
  return "";
}

bool HasSubcommand(CLI::App* app, std::string_view name) {
  for (const CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) return true;
  }
  return false;
}

}  // namespace

int Finish(const CommandStatus& status, std::ostream& err) {
  if (status.ok()) return kExitOk;
  err << "error: " << status.status().message() << "\n";
  return status.usage() ? kExitUsage : kExitFailure;
}

CommandLine::CommandLine() : app_(std::make_unique<CLI::App>()) {
  CLI::App& app = *app_;
  app.description(
      "tessera: a feature store, in development. This version keeps feature definitions as code "
      "in a versioned registry (init, plan, apply, list, describe, search, lineage) and "
      "converts and inspects Parquet and CSV files (convert, schema), evaluates expressions "
      "over them (eval), ingests rows into sources' logs in the offline store (ingest, "
      "compact), builds point-in-time-correct training sets (historical), loads the online "
      "store (materialize, materialize-incremental) and serves online features over HTTP "
      "(serve, get, push).");
  app.name("tessera");
  app.add_option("-r,--repo", ctx_.repo, "Feature repo directory (default: current directory)");
  app.set_version_flag("--version", "tessera " TESSERA_VERSION, "Print the version and exit");
  app.require_subcommand(1);
  RegisterRegistryCommands(&app, &ctx_);
  RegisterFormatCommands(&app, &ctx_);
  RegisterEvalCommand(&app, &ctx_);
  RegisterHistoricalCommand(&app, &ctx_);
  RegisterIngestCommand(&app, &ctx_);
  RegisterCompactCommand(&app, &ctx_);
  RegisterMaterializeCommands(&app, &ctx_);
  RegisterServeCommand(&app, &ctx_);
  RegisterOnlineCommands(&app, &ctx_);
  RegisterStreamCommand(&app, &ctx_);
  CLI::App* help = app.add_subcommand("help", "Show help: of tessera, or of COMMAND");
  help->add_option("COMMAND", help_topic_, "The command to explain");
  help->callback([this] { help_requested_ = true; });
}

CommandLine::~CommandLine() = default;

std::optional<int> CommandLine::Parse(int argc, const char* const* argv, std::ostream& out,
                                      std::ostream& err) {
  std::string_view word = CommandWord(argc, argv);
  if (!word.empty() && !HasSubcommand(app_.get(), word)) {
    err << "error: unknown command '" << word << "' (see tessera --help)\n";
    return kExitUsage;
  }
  try {
    app_->parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --help-all, --version
    return app_->exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    // One clear line; --help shows the rest.
    std::string what = e.what();
    if (word.empty() && what == "A subcommand is required") what = "no command given";
    err << "error: " << what << " (see tessera --help)\n";
    return kExitUsage;
  }
  if (help_requested_) {
    if (help_topic_.empty()) {
      // App::help() would show the help of the chosen subcommand, `help`.
      out << app_->get_formatter()->make_help(app_.get(), "tessera", CLI::AppFormatMode::Normal);
      return kExitOk;
    }
    if (!HasSubcommand(app_.get(), help_topic_)) {
      err << "error: unknown command '" << help_topic_ << "' (see tessera --help)\n";
      return kExitUsage;
    }
    out << app_->get_subcommand(help_topic_)->help("tessera");
    return kExitOk;
  }
  if (!ctx_.run) {
    err << "error: no command given (see tessera --help)\n";
    return kExitUsage;
  }
  return std::nullopt;
}

int CommandLine::Execute(std::ostream& err) { return Finish(ctx_.run(), err); }

int Run(int argc, char** argv) {
  CommandLine command_line;
  std::optional<int> parsed = command_line.Parse(argc, argv, std::cout, std::cerr);
  if (parsed) return *parsed;
  return command_line.Execute(std::cerr);
}

}  // namespace tessera::cli
