// `tessera plan` and `tessera apply`: load and validate the repo, diff it
// against the registry, and (apply) write the difference in one transaction.
// Both list every validation error as "file:line: reason" before failing, so
// a user fixes a repo in one pass rather than one error per run.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>

#include "tessera/cli/registry_commands.h"
#include "tessera/cli/repo_session.h"
#include "tessera/registry/canonical.h"

namespace tessera::cli {
namespace {

using registry::ChangeKind;
using registry::Plan;
using registry::PlanEntry;

std::string Version(int64_t v) { return "v" + std::to_string(v); }

// One line per change; the sign says added (+), changed (~) or removed (-).
std::string DescribeEntry(const PlanEntry& e) {
  std::string what = std::string(registry::ObjectKindName(e.kind)) + " " + e.name;
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

// The plan against the registry, or against an empty one when the file does
// not exist yet: plan must not create it.
Result<Plan> ComputePlan(const registry::LoadedRepo& repo) {
  std::string path = RegistryPath(repo);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    TS_ASSIGN_OR_RETURN(auto forms, registry::CanonicalizeAll(repo.definitions));
    return registry::DiffObjects({}, forms);
  }
  TS_ASSIGN_OR_RETURN(auto reg, registry::Registry::Open(path));
  return reg->ComputePlan(repo.definitions);
}

int RunPlan(const std::string& repo_dir) {
  auto repo = LoadRepoPrintingErrors(repo_dir);
  if (!repo.ok()) return Fail(repo.status());
  auto plan = ComputePlan(*repo);
  if (!plan.ok()) return Fail(plan.status());
  std::cout << "Plan for project " << repo->config.project << " (registry "
            << repo->config.registry_path << "):\n";
  if (!plan->HasChanges()) {
    std::cout << "No changes. " << plan->entries.size() << " objects are up to date.\n";
    return kExitOk;
  }
  PrintChanges(*plan, std::cout);
  std::cout << "Plan: " << Summary(*plan) << ". Nothing written; run tessera apply.\n";
  return kExitOk;
}

int RunApply(const std::string& repo_dir, const std::string& user) {
  auto repo = LoadRepoPrintingErrors(repo_dir);
  if (!repo.ok()) return Fail(Status::Invalid(repo.status().message() + "; nothing was applied"));
  auto reg = registry::Registry::Open(RegistryPath(*repo));
  if (!reg.ok()) return Fail(reg.status());
  auto result = (*reg)->Apply(repo->definitions, user);
  if (!result.ok()) return Fail(result.status().WithContext("apply failed, nothing was written"));
  if (!result->changed) {
    std::cout << "No changes.\n";
    return kExitOk;
  }
  PrintChanges(result->plan, std::cout);
  std::cout << "Applied: " << Summary(result->plan) << ". Registry version "
            << result->registry_version << ", by " << user << ".\n";
  return kExitOk;
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
