// Plan: what `apply` would do to the registry, object by object, computed
// without writing anything. The same diff drives Registry::Apply, so a plan
// shown to a user is exactly what an apply right after it writes.
//
// An object's identity is (kind, name). Comparing a desired object with the
// stored one:
//   - logic_hash differs            -> kChanged, bumps_version (new version);
//   - only doc_json differs         -> kChanged, doc-only (history entry, same
//                                      version, the current version's doc is
//                                      updated);
//   - both equal                    -> kUnchanged;
//   - not stored, or stored deleted -> kAdded (version 1, or the deleted
//                                      object's last version + 1);
//   - stored, live, not desired     -> kRemoved (marked deleted, history kept).
//
// All types here are plain values; functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/registry/canonical.h"
#include "tessera/registry/definitions.h"

namespace tessera::registry {

enum class ChangeKind { kAdded, kChanged, kRemoved, kUnchanged };
const char* ChangeKindName(ChangeKind change);  // "added", "changed", ...

struct PlanEntry {
  ObjectKind kind = ObjectKind::kEntity;
  std::string name;
  ChangeKind change = ChangeKind::kUnchanged;
  bool logic_changed = false;  // kChanged: logic_hash differs
  bool doc_changed = false;    // kChanged: doc_json differs
  // Version stored now (0 when the object was never stored) and the version
  // it has after the apply (equal when no new version is written; for
  // kRemoved the last version, which stays readable).
  int64_t current_version = 0;
  int64_t next_version = 0;

  // True when the apply writes a new version (kAdded, or kChanged in logic).
  bool BumpsVersion() const { return next_version != current_version; }
  // True for a kChanged entry whose logic is the same (doc-only change).
  bool IsDocOnly() const { return change == ChangeKind::kChanged && !logic_changed; }
};

struct Plan {
  // Every desired and every live stored object, in kind then name order.
  std::vector<PlanEntry> entries;

  // True when applying this plan writes anything.
  bool HasChanges() const;
  int Count(ChangeKind change) const;
  // The entries whose change is not kUnchanged.
  std::vector<PlanEntry> Changes() const;
};

// What the registry holds of one object (its current version), as the diff
// needs it.
struct StoredObjectState {
  ObjectKind kind = ObjectKind::kEntity;
  std::string name;
  int64_t current_version = 0;
  bool deleted = false;
  std::string logic_hash;
  std::string doc_json;
};

// Diffs `desired` (e.g. CanonicalizeAll of a repo) against `stored`. Both
// may be in any order; names are unique per kind in each.
Plan DiffObjects(const std::vector<StoredObjectState>& stored,
                 const std::vector<CanonicalForm>& desired);

}  // namespace tessera::registry
