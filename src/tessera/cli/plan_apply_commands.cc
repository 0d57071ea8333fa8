// `tessera plan` and `tessera apply`, through the facade
// (FeatureStore::Plan/Apply): load and validate the repo, diff it against
// the registry, and (apply) write the difference in one transaction.
// Both list every validation error as "file:line: reason" before failing, so
// a user fixes a repo in one pass rather than one error per run.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>

#include "tessera/cli/registry_commands.h"
#include "tessera/cli/repo_session.h"
#include "tessera/feature_store.h"

namespace tessera::cli {
namespace {

std::string Version(int64_t v) { return "v" + std::to_string(v); }

// One line per change; the sign says added (+), changed (~) or removed (-).
std::string DescribeChange(const PlanChange& c) {
  std::string what = c.kind + " " + c.name;
  if (c.change == "added") {
    return "  + " + what + "  (" + Version(c.to_version) +
           (c.from_version > 0 ? ", re-added)" : ")");
  }
  if (c.change == "doc-changed") {
    return "  ~ " + what + "  (doc only: description/owner/tags/stream; stays " +
           Version(c.from_version) + ")";
  }
  if (c.change == "changed") {
    return "  ~ " + what + "  (" + Version(c.from_version) + " -> " + Version(c.to_version) +
           (c.doc_changed ? ", doc changed too)" : ")");
  }
  return "  - " + what + "  (" + Version(c.from_version) + " stays readable; marked deleted)";
}

bool IsChange(const PlanChange& c) { return c.change == "changed" || c.change == "doc-changed"; }

int64_t Count(const PlanSummary& plan, bool (*pred)(const PlanChange&)) {
  return std::count_if(plan.changes.begin(), plan.changes.end(), pred);
}

void PrintSection(const PlanSummary& plan, bool (*pred)(const PlanChange&), const char* title,
                  std::ostream& out) {
  if (Count(plan, pred) == 0) return;
  out << title << ":\n";
  for (const PlanChange& c : plan.changes) {
    if (pred(c)) out << DescribeChange(c) << "\n";
  }
}

bool IsAdded(const PlanChange& c) { return c.change == "added"; }
bool IsRemoved(const PlanChange& c) { return c.change == "removed"; }
bool IsDocOnly(const PlanChange& c) { return c.change == "doc-changed"; }

std::string Summary(const PlanSummary& plan) {
  int64_t changed = Count(plan, IsChange);
  int64_t doc_only = Count(plan, IsDocOnly);
  int64_t bumps = changed - doc_only;
  return std::to_string(Count(plan, IsAdded)) + " added, " + std::to_string(changed) +
         " changed (" + std::to_string(bumps) + " new version" + (bumps == 1 ? "" : "s") + ", " +
         std::to_string(doc_only) + " doc only), " + std::to_string(Count(plan, IsRemoved)) +
         " removed, " + std::to_string(plan.unchanged) + " unchanged";
}

void PrintChanges(const PlanSummary& plan, std::ostream& out) {
  PrintSection(plan, IsAdded, "Added", out);
  PrintSection(plan, IsChange, "Changed", out);
  PrintSection(plan, IsRemoved, "Removed", out);
}

// A failed plan or apply. Invalid definitions or broken pins (one
// "file:line: reason" per line) print one line each, then a count;
// anything else is one "cannot <verb>: reason" line.
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

CommandStatus RunPlan(const std::string& repo_dir) {
  auto store = FeatureStore::Open(repo_dir);
  if (!store.ok()) return FailPlanOrApply(store.status(), "plan", repo_dir, "");
  auto plan = (*store)->Plan();
  if (!plan.ok()) return FailPlanOrApply(plan.status(), "plan", repo_dir, "");
  std::cout << "Plan for project " << plan->project << " (registry " << plan->registry_path
            << "):\n";
  if (plan->changes.empty()) {
    std::cout << "No changes. " << plan->unchanged << " objects are up to date.\n";
    return Status::OK();
  }
  PrintChanges(*plan, std::cout);
  std::cout << "Plan: " << Summary(*plan) << ". Nothing written; run tessera apply.\n";
  return Status::OK();
}

CommandStatus RunApply(const std::string& repo_dir, const std::string& user) {
  constexpr const char* kNothing = "; nothing was applied";
  auto store = FeatureStore::Open(repo_dir);
  if (!store.ok()) return FailPlanOrApply(store.status(), "apply", repo_dir, kNothing);
  // A new registry is built aside and put in place whole (registry.h), so
  // a failing apply leaves no new file behind.
  auto result = (*store)->Apply(user);
  if (!result.ok()) return FailPlanOrApply(result.status(), "apply", repo_dir, kNothing);
  if (!result->applied) {
    std::cout << "No changes.\n";
    return Status::OK();
  }
  PrintChanges(*result, std::cout);
  std::cout << "Applied: " << Summary(*result) << ". Registry version " << result->registry_version
            << ", by " << user << ".\n";
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
