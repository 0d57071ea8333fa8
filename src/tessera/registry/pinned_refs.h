// Pinned feature references: a feature service may name a view's feature at
// a fixed version, "view@N:feature" (or "view@N" for all of that version's
// features). The loader checks the form and that the view is defined; which
// versions exist and what features they have is known only to the registry,
// so plan and apply check pins here (docs/DEFINITIONS.md "feature_services").
//
// A pin holds when version N of the view is stored in the registry, or is
// the version this apply creates, and (with a feature) that version has the
// feature. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "tessera/registry/definitions.h"
#include "tessera/registry/loader.h"
#include "tessera/registry/plan.h"

namespace tessera::registry {

// A parsed "view@N[:feature]" of a feature service.
struct PinnedReference {
  std::string text;     // as written
  std::string view;     // a feature view or on-demand feature view
  int64_t version = 0;  // N >= 1
  std::string feature;  // empty: all features of the version
  SourceLocation location;
  std::string service;
};

// The pinned references of every service in `defs`, in service then
// reference order. Unpinned and malformed references are skipped (the
// loader reports malformed ones).
std::vector<PinnedReference> FindPinnedReferences(const RepoDefinitions& defs);

// The feature names of stored versions, by (view kind, view name, version):
// an entry exists exactly for each stored version.
using StoredVersionFeatures =
    std::map<std::tuple<ObjectKind, std::string, int64_t>, std::vector<std::string>>;

// Checks every pin of `defs` against `stored` and the versions `plan` (the
// plan of `defs` against the same registry state) creates. Returns one
// error per broken pin, at the reference's line, in the loader's style:
//   "feature service 's': feature view 'v' has no version 99 (in 'v@99:age';
//    its latest version is 2)"
//   "feature service 's': version 1 of feature view 'v' has no feature 'nope'
//    (in 'v@1:nope')"
std::vector<LoadError> CheckPinnedReferences(const RepoDefinitions& defs, const Plan& plan,
                                             const StoredVersionFeatures& stored);

// The kind of the view a pin names in `defs` (kFeatureView or
// kOnDemandFeatureView); kFeatureView when it names none.
ObjectKind PinnedViewKind(const RepoDefinitions& defs, const std::string& view);

}  // namespace tessera::registry
