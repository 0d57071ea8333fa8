// `tessera plan` and `tessera apply`: load and validate the repo, diff it
// against the registry, and (apply) write the difference in one transaction.
// Both list every validation error as "file:line: reason" before failing, so
// a user fixes a repo in one pass rather than one error per run.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "tessera/cli/registry_commands.h"
#include "tessera/cli/repo_session.h"
#include "tessera/registry/canonical.h"
#include "tessera/registry/object_kinds.h"
#include "tessera/registry/pinned_refs.h"
#include "tessera/registry/source_check.h"

namespace tessera::cli {
namespace {

using registry::ChangeKind;
using registry::Plan;
using registry::PlanEntry;

std::string Version(int64_t v) { return "v" + std::to_string(v); }

// One line per change; the sign says added (+), changed (~) or removed (-).
std::string DescribeEntry(const PlanEntry& e) {
  std::string what = std::string(registry::KindDisplayName(e.kind)) + " " + e.name;
  switch (e.change) {
    case ChangeKind::kAdded:
      return "  + " + what + "  (" + Version(e.next_version) +
             (e.current_version > 0 ? ", re-added)" : ")");
    case ChangeKind::kChanged:
      if (e.IsDocOnly()) {
        return "  ~ " + what + "  (doc only: description/owner/tags; stays " +
               Version(e.current_version) + ")";
      }
      return "  ~ " + what + "  (" + Version(e.current_version) + " -> " + Version(e.next_version) +
             (e.doc_changed ? ", doc changed too)" : ")");
    case ChangeKind::kRemoved:
      return "  - " + what + "  (" + Version(e.current_version) +
             " stays readable; marked deleted)";
    case ChangeKind::kUnchanged: break;
  }
  return "    " + what;
}

void PrintSection(const Plan& plan, ChangeKind change, const char* title, std::ostream& out) {
  if (plan.Count(change) == 0) return;
  out << title << ":\n";
  for (const PlanEntry& e : plan.entries) {
    if (e.change == change) out << DescribeEntry(e) << "\n";
  }
}

std::string Summary(const Plan& plan) {
  int bumps = 0, doc_only = 0;
  for (const PlanEntry& e : plan.entries) {
    if (e.change != ChangeKind::kChanged) continue;
    (e.IsDocOnly() ? doc_only : bumps)++;
  }
  return std::to_string(plan.Count(ChangeKind::kAdded)) + " added, " +
         std::to_string(plan.Count(ChangeKind::kChanged)) + " changed (" + std::to_string(bumps) +
         " new version" + (bumps == 1 ? "" : "s") + ", " + std::to_string(doc_only) +
         " doc only), " + std::to_string(plan.Count(ChangeKind::kRemoved)) + " removed, " +
         std::to_string(plan.Count(ChangeKind::kUnchanged)) + " unchanged";
}

void PrintChanges(const Plan& plan, std::ostream& out) {
  PrintSection(plan, ChangeKind::kAdded, "Added", out);
  PrintSection(plan, ChangeKind::kChanged, "Changed", out);
  PrintSection(plan, ChangeKind::kRemoved, "Removed", out);
}

// True when the registry file holds nothing yet (absent or empty): plan
// and a pre-check of apply diff against an empty registry without creating
// or opening it.
bool RegistryIsNew(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return true;
  return std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) == 0;
}

// The plan against the registry, opened for reading, or against an empty
// one when there is none yet: plan never creates or changes a file.
Result<Plan> ComputePlan(const registry::LoadedRepo& repo) {
  std::string path = RegistryPath(repo);
  if (RegistryIsNew(path)) {
    TS_ASSIGN_OR_RETURN(auto forms, registry::CanonicalizeAll(repo.definitions));
    Plan plan = registry::DiffObjects({}, forms);
    std::vector<registry::LoadError> errors =
        registry::CheckPinnedReferences(repo.definitions, plan, /*stored=*/{});
    if (errors.empty()) return plan;
    std::string message;
    for (const auto& e : errors) message += (message.empty() ? "" : "\n") + e.ToString();
    return Status::Invalid(std::move(message));
  }
  TS_ASSIGN_OR_RETURN(auto reg,
                      registry::Registry::Open(path, RegistryOptionsFor(repo, /*read_only=*/true)));
  return reg->ComputePlan(repo.definitions);
}

// A failed plan or apply. Broken pins (Invalid, one "file:line: reason" per
// line) print like the loader's errors, then a count; anything else is one
// "cannot <verb>: reason" line.
CommandStatus FailPlanOrApply(const Status& status, const std::string& verb,
                              const std::string& repo_dir, const std::string& suffix) {
  if (!status.IsInvalid()) return Status(status.code(), "cannot " + verb + ": " + status.message());
  size_t count = 0;
  std::string line;
  std::istringstream lines(status.message());
  while (std::getline(lines, line)) {
    std::cerr << line << "\n";
    ++count;
  }
  return Status::Invalid(std::to_string(count) + (count == 1 ? " error" : " errors") + " in " +
                         repo_dir + suffix);
}

// Loads the repo (printing every definition error), then checks it against
// the columns of its sources' files (registry/source_check.h), printing
// every error found there the same way.
Result<registry::LoadedRepo> LoadRepoChecked(const std::string& repo_dir) {
  TS_ASSIGN_OR_RETURN(registry::LoadedRepo repo, LoadRepoPrintingErrors(repo_dir));
  std::vector<registry::LoadError> errors = registry::CheckSourceFiles(repo);
  if (errors.empty()) return repo;
  for (const registry::LoadError& e : errors) std::cerr << e.ToString() << "\n";
  return Status::Invalid(std::to_string(errors.size()) +
                         (errors.size() == 1 ? " error" : " errors") + " in " + repo_dir);
}

CommandStatus RunPlan(const std::string& repo_dir) {
  TS_ASSIGN_OR_RETURN(registry::LoadedRepo repo, LoadRepoChecked(repo_dir));
  auto plan = ComputePlan(repo);
  if (!plan.ok()) return FailPlanOrApply(plan.status(), "plan", repo_dir, "");
  std::cout << "Plan for project " << repo.config.project << " (registry "
            << repo.config.registry_path << "):\n";
  if (!plan->HasChanges()) {
    std::cout << "No changes. " << plan->entries.size() << " objects are up to date.\n";
    return Status::OK();
  }
  PrintChanges(*plan, std::cout);
  std::cout << "Plan: " << Summary(*plan) << ". Nothing written; run tessera apply.\n";
  return Status::OK();
}

CommandStatus RunApply(const std::string& repo_dir, const std::string& user) {
  constexpr const char* kNothing = "; nothing was applied";
  auto repo = LoadRepoChecked(repo_dir);
  if (!repo.ok()) return Status::Invalid(repo.status().message() + kNothing);
  // A new registry is built aside and put in place whole (registry.h), so
  // a failing apply leaves no new file behind.
  auto result = registry::Registry::ApplyTo(
      RegistryPath(*repo), RegistryOptionsFor(*repo, /*read_only=*/false), repo->definitions, user);
  if (!result.ok()) return FailPlanOrApply(result.status(), "apply", repo_dir, kNothing);
  if (!result->changed) {
    std::cout << "No changes.\n";
    return Status::OK();
  }
  PrintChanges(result->plan, std::cout);
  std::cout << "Applied: " << Summary(result->plan) << ". Registry version "
            << result->registry_version << ", by " << user << ".\n";
  return Status::OK();
}

}  // namespace

void RegisterPlanApplyCommands(CLI::App* app, CommandContext* ctx) {
  CLI::App* plan = app->add_subcommand(
      "plan",
      "Load and validate the feature repo and show what `apply` would change in the registry: "
      "objects added, changed (a new version when logic changes, or a doc-only change of "
      "description, owner or tags) and removed. Writes nothing. Every invalid definition is "
      "listed as file:line: reason.");
  plan->footer("Example:\n  tessera -r examples/quickstart plan");
  plan->callback([ctx] { ctx->run = [ctx] { return RunPlan(ctx->repo); }; });

  auto user = std::make_shared<std::string>();
  CLI::App* apply = app->add_subcommand(
      "apply",
      "Validate the feature repo and record its definitions in the registry in one transaction: "
      "new objects get version 1, a logic change a new version, a doc-only change a history "
      "entry; objects no longer in the repo are marked deleted (older versions stay readable). "
      "An unchanged repo prints \"No changes.\" and writes nothing; an invalid one changes "
      "nothing.");
  apply->footer("Example:\n  tessera apply --user alice");
  apply->add_option("--user", *user, "Who the change is recorded as (default: $USER)");
  apply->callback([ctx, user] {
    ctx->run = [ctx, user] { return RunApply(ctx->repo, user->empty() ? DefaultUser() : *user); };
  });
}

}  // namespace tessera::cli
