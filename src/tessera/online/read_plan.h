// ReadPlan: an online read request (feature references or a service)
// compiled against one CatalogSnapshot: which view versions to look up,
// with which join keys, how to decode their rows (RowCodec), which
// on-demand views to evaluate (compiled once, the expressions `historical`
// uses: offline/on_demand_features.h) and the output columns in order.
//
// References resolve as training sets do (offline/feature_refs.h): a
// pinned `view@N:f` reads version N; an unpinned one reads the newest
// materialized version of the view (DESIGN.md section 3) when that version
// has every feature the request needs with the same type, else the current
// version (a view never materialized: its rows are NOT_FOUND until a push
// or a materialization writes them). An aggregated view reads its current
// (or pinned) version's window state, pushes' target (window_writer.h).
// On-demand views read their input views the same way and their request
// fields from the entity columns.
//
// Plans are cached in the snapshot (GetReadPlan), so a request of a shape
// seen before costs one map lookup.
//
// Thread-safety: a ReadPlan is immutable; share freely.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tessera/agg/window_plan.h"
#include "tessera/core/result.h"
#include "tessera/core/schema.h"
#include "tessera/offline/on_demand_features.h"
#include "tessera/online/online_store.h"
#include "tessera/online/row_codec.h"
#include "tessera/online/serving_catalog.h"

namespace tessera::online {

// A join key the request must carry.
struct PlannedKey {
  std::string name;
  DataType type;
  std::string why;  // "join key of entity 'user' of feature view 'user_profile'"
};

// One view version looked up.
struct PlannedView {
  ViewId id;
  registry::FeatureView def;              // the definition of id.version
  std::vector<int> keys;                  // into ReadPlan::keys, in key-encoding order
  std::shared_ptr<const RowCodec> codec;  // null for an aggregated view
  std::vector<uint8_t> decode;            // per def.features: 1 when the request needs it
  // An aggregated view: its stored rows are window state (agg/window_state.h,
  // written by window_writer.h), read at now by this plan; def.features are
  // the aggregate features, one per plan aggregation.
  std::shared_ptr<const agg::WindowPlan> window;
};

// Where an on-demand view's input column comes from.
struct OnDemandInput {
  enum class Kind : uint8_t { kView, kOnDemand, kRequest, kUnread } kind = Kind::kUnread;
  int index = 0;    // into ReadPlan::views, ::on_demand or ::request_fields
  int feature = 0;  // into that view's features (kView, kOnDemand)
};

struct PlannedOnDemand {
  std::string name;
  std::vector<registry::FeatureDef> features;
  std::shared_ptr<const offline::OnDemandFeatures> compiled;
  std::vector<OnDemandInput> inputs;  // one per input column given to Make
};

struct PlannedOutput {
  bool on_demand = false;
  int index = 0;    // into ReadPlan::views or ::on_demand
  int feature = 0;  // into that view's features
  std::string name;
  DataType type;
};

struct ReadPlan {
  std::vector<PlannedKey> keys;       // output first, in first-use order
  std::vector<Field> request_fields;  // read by on-demand views
  std::vector<std::string> request_field_why;
  std::vector<PlannedView> views;
  std::vector<PlannedOnDemand> on_demand;  // inputs before readers
  std::vector<PlannedOutput> outputs;      // features in request order
};

// The plan of `features` (or, when empty, of feature service `service`).
// NotFound naming an unknown feature, view or service with a did-you-mean;
// InvalidArgument for a malformed reference, a view that is not online, or
// two outputs with one name (suggesting full feature names).
Result<std::shared_ptr<const ReadPlan>> GetReadPlan(const CatalogSnapshot& snapshot,
                                                    const std::vector<std::string>& features,
                                                    const std::string& service,
                                                    bool full_feature_names);

}  // namespace tessera::online
