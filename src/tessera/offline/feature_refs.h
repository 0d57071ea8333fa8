// Feature references of a training-set request, resolved against the
// definitions: `view:feature`, `view@N:feature` (a pinned version), `view`
// (all its features), `odfv:feature`, `odfv` (all its features), or a
// feature service's list (ExpandFeatureService).
//
// Resolution groups the references by view (and version) and by on-demand
// view, keeping the order in which features were asked for, and pulls in
// what on-demand views read (their input views, at the current version,
// computed but not output unless asked for, and their input on-demand
// views). Errors name the reference and suggest a close name (did you
// mean). An aggregated view's features are its declared ones followed by
// its aggregations' outputs (registry::FeatureNames).
// Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/registry/definitions.h"

namespace tessera::offline {

// One feature view to join: a definition (current or pinned version).
struct ViewRequest {
  registry::FeatureView view;
  int64_t pinned_version = 0;  // 0: the current definition
  // Indices into view.features of the features to output, in request order.
  std::vector<int> output_features;
  // view.features holds the declared features (the first num_declared),
  // then one per aggregation and window, named as registry::FeatureNames
  // names them, whose types the training set sets from the aggregation
  // plan (agg::WindowPlan).
  int num_declared = 0;
};

struct OnDemandRequest {
  registry::OnDemandFeatureView view;
  std::vector<int> output_features;  // into view.features, in request order
};

// One output column of the training set, in request order.
struct OutputFeature {
  bool on_demand = false;
  int index = 0;    // into ResolvedFeatures::views or ::on_demand
  int feature = 0;  // into that view's features
};

struct ResolvedFeatures {
  std::vector<ViewRequest> views;          // every view joined, first use first
  std::vector<OnDemandRequest> on_demand;  // inputs before the views reading them
  std::vector<OutputFeature> outputs;
};

// Reads feature view `name` at `version` (a pinned reference); NotFound
// when there is no such version. May be empty when nothing is pinned.
using ViewVersionLookup =
    std::function<Result<registry::FeatureView>(const std::string& name, int64_t version)>;

// The references of feature service `name`. NotFound "no feature service
// named 'x' (did you mean 'y'?)".
Result<std::vector<std::string>> ExpandFeatureService(const registry::RepoDefinitions& defs,
                                                      const std::string& name);

// Resolves `refs` (at least one). InvalidArgument naming the reference:
//   "unknown feature view 'usr_profile' in 'usr_profile:age' (did you mean
//   'user_profile'?)", "feature view 'user_profile' has no feature 'agee'
//   (did you mean 'age'?)", a pin on an on-demand view, a malformed reference; the same feature
//   asked twice.
Result<ResolvedFeatures> ResolveFeatureRefs(const registry::RepoDefinitions& defs,
                                            const std::vector<std::string>& refs,
                                            const ViewVersionLookup& lookup);

}  // namespace tessera::offline
