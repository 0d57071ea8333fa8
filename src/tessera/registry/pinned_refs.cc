#include "tessera/registry/pinned_refs.h"

#include <algorithm>
#include <optional>

#include "tessera/core/suggest.h"

namespace tessera::registry {
namespace {

// "view@N" or "view@N:feature" with 1 <= N < 10^9; nullopt otherwise.
std::optional<PinnedReference> ParsePin(const std::string& ref) {
  size_t colon = ref.find(':');
  std::string view_part = ref.substr(0, colon);
  size_t at_sign = view_part.find('@');
  if (at_sign == std::string::npos) return std::nullopt;
  std::string digits = view_part.substr(at_sign + 1);
  if (digits.empty() || digits.size() > 9 || digits[0] == '0' ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  PinnedReference pin;
  pin.text = ref;
  pin.view = view_part.substr(0, at_sign);
  pin.version = std::stoll(digits);
  pin.feature = colon == std::string::npos ? "" : ref.substr(colon + 1);
  return pin;
}

// The feature names version `next_version` of the view gets from `defs`.
std::vector<std::string> DesiredFeatures(const RepoDefinitions& defs, const std::string& view) {
  for (const FeatureView& v : defs.feature_views) {
    if (v.name == view) return FeatureNames(v);
  }
  std::vector<std::string> names;
  for (const OnDemandFeatureView& v : defs.on_demand_feature_views) {
    if (v.name != view) continue;
    for (const FeatureDef& f : v.features) names.push_back(f.name);
  }
  return names;
}

const PlanEntry* FindEntry(const Plan& plan, ObjectKind kind, const std::string& name) {
  for (const PlanEntry& e : plan.entries) {
    if (e.kind == kind && e.name == name) return &e;
  }
  return nullptr;
}

std::string KindWords(ObjectKind kind) {
  return kind == ObjectKind::kOnDemandFeatureView ? "on-demand feature view" : "feature view";
}

}  // namespace

std::vector<PinnedReference> FindPinnedReferences(const RepoDefinitions& defs) {
  std::vector<PinnedReference> pins;
  for (const FeatureService& s : defs.feature_services) {
    for (size_t k = 0; k < s.features.size(); ++k) {
      std::optional<PinnedReference> pin = ParsePin(s.features[k]);
      if (!pin) continue;
      pin->service = s.name;
      pin->location = k < s.feature_locations.size() ? s.feature_locations[k] : s.location;
      pins.push_back(std::move(*pin));
    }
  }
  return pins;
}

ObjectKind PinnedViewKind(const RepoDefinitions& defs, const std::string& view) {
  for (const OnDemandFeatureView& v : defs.on_demand_feature_views) {
    if (v.name == view) return ObjectKind::kOnDemandFeatureView;
  }
  return ObjectKind::kFeatureView;
}

std::vector<LoadError> CheckPinnedReferences(const RepoDefinitions& defs, const Plan& plan,
                                             const StoredVersionFeatures& stored) {
  std::vector<LoadError> errors;
  for (const PinnedReference& pin : FindPinnedReferences(defs)) {
    ObjectKind kind = PinnedViewKind(defs, pin.view);
    std::string what = "feature service " + Quoted(pin.service) + ": ";
    std::string view = KindWords(kind) + " " + Quoted(pin.view);
    const PlanEntry* entry = FindEntry(plan, kind, pin.view);
    std::vector<std::string> features;
    if (entry != nullptr && entry->BumpsVersion() && pin.version == entry->next_version) {
      features = DesiredFeatures(defs, pin.view);
    } else if (auto it = stored.find({kind, pin.view, pin.version}); it != stored.end()) {
      features = it->second;
    } else {
      int64_t latest = entry != nullptr ? entry->next_version : 0;
      errors.push_back(LoadError{pin.location, what + view + " has no version " +
                                                   std::to_string(pin.version) + " (in " +
                                                   Quoted(pin.text) + "; its latest version is " +
                                                   std::to_string(latest) + ")"});
      continue;
    }
    if (pin.feature.empty() ||
        std::find(features.begin(), features.end(), pin.feature) != features.end()) {
      continue;
    }
    errors.push_back(LoadError{pin.location, what + "version " + std::to_string(pin.version) +
                                                 " of " + view + " has no feature " +
                                                 Quoted(pin.feature) + " (in " + Quoted(pin.text) +
                                                 ")"});
  }
  return errors;
}

}  // namespace tessera::registry
