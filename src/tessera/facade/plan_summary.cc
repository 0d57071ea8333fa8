#include "tessera/facade/plan_summary.h"

#include "tessera/registry/object_kinds.h"

namespace tessera {
namespace facade {

PlanSummary SummarizePlan(const registry::Plan& plan) {
  PlanSummary out;
  for (const registry::PlanEntry& e : plan.entries) {
    PlanChange c{registry::KindDisplayName(e.kind), e.name, "", e.current_version, e.next_version};
    switch (e.change) {
      case registry::ChangeKind::kUnchanged: ++out.unchanged; continue;
      case registry::ChangeKind::kAdded: c.change = "added"; break;
      case registry::ChangeKind::kChanged:
        c.change = e.IsDocOnly() ? "doc-changed" : "changed";
        c.doc_changed = e.doc_changed;
        break;
      case registry::ChangeKind::kRemoved: c.change = "removed"; break;
    }
    out.changes.push_back(std::move(c));
  }
  return out;
}

}  // namespace facade

std::string PlanSummary::ToString() const {
  std::string out;
  for (const PlanChange& c : changes) {
    char sign = c.change == "added" ? '+' : c.change == "removed" ? '-' : '~';
    out += std::string(1, sign) + " " + c.kind + " " + c.name + " (";
    if (c.change == "added") {
      out += "v" + std::to_string(c.to_version);
    } else if (c.change == "changed") {
      out += "v" + std::to_string(c.from_version) + " -> v" + std::to_string(c.to_version);
    } else if (c.change == "doc-changed") {
      out += "doc only, stays v" + std::to_string(c.from_version);
    } else {
      out += "v" + std::to_string(c.from_version) + " stays readable";
    }
    out += ")\n";
  }
  out += std::to_string(changes.size()) + " changed, " + std::to_string(unchanged) + " unchanged\n";
  return out;
}

}  // namespace tessera
