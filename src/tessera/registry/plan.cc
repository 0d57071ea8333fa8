#include "tessera/registry/plan.h"

#include <algorithm>
#include <map>
#include <utility>

namespace tessera::registry {
namespace {

using Key = std::pair<ObjectKind, std::string>;

PlanEntry DiffOne(const StoredObjectState* stored, const CanonicalForm& desired) {
  PlanEntry entry;
  entry.kind = desired.kind;
  entry.name = desired.name;
  if (stored == nullptr || stored->deleted) {
    // A re-added object continues its numbering: old versions stay readable
    // and a version number never means two definitions.
    entry.change = ChangeKind::kAdded;
    entry.current_version = stored ? stored->current_version : 0;
    entry.next_version = entry.current_version + 1;
    return entry;
  }
  entry.current_version = stored->current_version;
  entry.logic_changed = stored->logic_hash != desired.logic_hash;
  entry.doc_changed = stored->doc_json != desired.doc_json;
  entry.next_version = entry.current_version + (entry.logic_changed ? 1 : 0);
  bool changed = entry.logic_changed || entry.doc_changed;
  entry.change = changed ? ChangeKind::kChanged : ChangeKind::kUnchanged;
  return entry;
}

PlanEntry Removal(const StoredObjectState& stored) {
  PlanEntry entry;
  entry.kind = stored.kind;
  entry.name = stored.name;
  entry.change = ChangeKind::kRemoved;
  entry.current_version = stored.current_version;
  entry.next_version = stored.current_version;
  return entry;
}

}  // namespace

const char* ChangeKindName(ChangeKind change) {
  switch (change) {
    case ChangeKind::kAdded: return "added";
    case ChangeKind::kChanged: return "changed";
    case ChangeKind::kRemoved: return "removed";
    case ChangeKind::kUnchanged: return "unchanged";
  }
  return "unknown";
}

bool Plan::HasChanges() const {
  return std::any_of(entries.begin(), entries.end(),
                     [](const PlanEntry& e) { return e.change != ChangeKind::kUnchanged; });
}

int Plan::Count(ChangeKind change) const {
  return static_cast<int>(std::count_if(entries.begin(), entries.end(),
                                        [&](const PlanEntry& e) { return e.change == change; }));
}

std::vector<PlanEntry> Plan::Changes() const {
  std::vector<PlanEntry> changes;
  for (const PlanEntry& e : entries) {
    if (e.change != ChangeKind::kUnchanged) changes.push_back(e);
  }
  return changes;
}

Plan DiffObjects(const std::vector<StoredObjectState>& stored,
                 const std::vector<CanonicalForm>& desired) {
  std::map<Key, const StoredObjectState*> by_key;
  for (const StoredObjectState& s : stored) by_key[{s.kind, s.name}] = &s;

  std::map<Key, PlanEntry> entries;
  for (const CanonicalForm& form : desired) {
    auto it = by_key.find({form.kind, form.name});
    entries[{form.kind, form.name}] = DiffOne(it == by_key.end() ? nullptr : it->second, form);
  }
  for (const StoredObjectState& s : stored) {
    if (!s.deleted && entries.count({s.kind, s.name}) == 0) {
      entries[{s.kind, s.name}] = Removal(s);
    }
  }
  Plan plan;
  for (auto& [key, entry] : entries) plan.entries.push_back(std::move(entry));
  return plan;
}

}  // namespace tessera::registry
