#include "tessera/offline/feature_refs.h"

#include <charconv>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "tessera/core/suggest.h"
#include "tessera/registry/loader.h"

namespace tessera::offline {
namespace {

using registry::FeatureView;
using registry::OnDemandFeatureView;
using registry::RepoDefinitions;

struct ParsedRef {
  std::string name;
  int64_t version = 0;  // 0: not pinned
  std::string feature;  // empty: every feature
};

Result<ParsedRef> ParseRef(const std::string& ref) {
  ParsedRef out;
  std::string head = ref;
  if (size_t colon = ref.find(':'); colon != std::string::npos) {
    head = ref.substr(0, colon);
    out.feature = ref.substr(colon + 1);
    if (out.feature.empty() || out.feature.find(':') != std::string::npos) {
      return Status::Invalid("feature reference " + Quoted(ref) +
                             " is malformed (expected view:feature, view@N:feature or view)");
    }
  }
  out.name = head;
  if (size_t at = head.find('@'); at != std::string::npos) {
    out.name = head.substr(0, at);
    std::string digits = head.substr(at + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.version);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
        out.version < 1) {
      return Status::Invalid("feature reference " + Quoted(ref) + ": version " + Quoted(digits) +
                             " is not a positive integer");
    }
  }
  if (out.name.empty()) {
    return Status::Invalid("feature reference " + Quoted(ref) + " names no view");
  }
  return out;
}

template <typename T>
const T* FindByName(const std::vector<T>& objects, const std::string& name) {
  for (const T& o : objects) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

template <typename T>
std::vector<std::string> NamesOf(const std::vector<T>& objects) {
  std::vector<std::string> names;
  for (const T& o : objects) names.push_back(o.name);
  return names;
}

std::vector<std::string> FeatureNamesOf(const std::vector<registry::FeatureDef>& features) {
  std::vector<std::string> names;
  for (const registry::FeatureDef& f : features) names.push_back(f.name);
  return names;
}

class Resolver {
 public:
  Resolver(const RepoDefinitions& defs, const ViewVersionLookup& lookup)
      : defs_(defs), lookup_(lookup) {}

  Status Add(const std::string& ref) {
    TS_ASSIGN_OR_RETURN(ParsedRef parsed, ParseRef(ref));
    if (const OnDemandFeatureView* odfv = FindByName(defs_.on_demand_feature_views, parsed.name)) {
      if (parsed.version != 0) {
        return Status::Invalid("feature reference " + Quoted(ref) + ": on-demand view " +
                               Quoted(parsed.name) + " cannot be pinned to a version");
      }
      TS_ASSIGN_OR_RETURN(int index, OnDemandIndex(*odfv, 0));
      return AddFeatures(ref, parsed.feature, true, index, out_.on_demand[index].view.features,
                         "on-demand view " + Quoted(parsed.name));
    }
    TS_ASSIGN_OR_RETURN(FeatureView view, FindView(ref, parsed));
    int index = ViewIndex(std::move(view), parsed.version);
    return AddFeatures(ref, parsed.feature, false, index, out_.views[index].view.features,
                       "feature view " + Quoted(parsed.name) +
                           (parsed.version ? " version " + std::to_string(parsed.version) : ""));
  }

  ResolvedFeatures Take() { return std::move(out_); }

 private:
  Result<FeatureView> FindView(const std::string& ref, const ParsedRef& parsed) {
    const FeatureView* live = FindByName(defs_.feature_views, parsed.name);
    if (parsed.version != 0 && lookup_) {
      Result<FeatureView> pinned = lookup_(parsed.name, parsed.version);
      if (pinned.ok() || live != nullptr) {
        if (!pinned.ok()) {
          return Status::Invalid("feature reference " + Quoted(ref) + ": " +
                                 pinned.status().message());
        }
        return pinned;
      }
    } else if (live != nullptr) {
      if (parsed.version != 0) {
        return Status::Invalid("feature reference " + Quoted(ref) +
                               ": no registry to read pinned versions from");
      }
      return *live;
    }
    std::vector<std::string> names = NamesOf(defs_.feature_views);
    for (const std::string& n : NamesOf(defs_.on_demand_feature_views)) names.push_back(n);
    return Status::Invalid("unknown feature view " + Quoted(parsed.name) + " in " + Quoted(ref) +
                           DidYouMean(parsed.name, names));
  }

  int ViewIndex(FeatureView view, int64_t version) {
    auto key = std::make_pair(view.name, version);
    if (auto it = view_index_.find(key); it != view_index_.end()) return it->second;
    int index = static_cast<int>(out_.views.size());
    const int num_declared = static_cast<int>(view.features.size());
    // Aggregate features follow the declared ones, named as the registry
    // names them; the training set types them from the aggregation plan.
    std::vector<std::string> names = registry::FeatureNames(view);
    for (size_t f = view.features.size(); f < names.size(); ++f) {
      registry::FeatureDef def;
      def.name = names[f];
      view.features.push_back(std::move(def));
    }
    out_.views.push_back(ViewRequest{std::move(view), version, {}, num_declared});
    view_index_[key] = index;
    return index;
  }

  // Adds `odfv` and, first, what it reads.
  Result<int> OnDemandIndex(const OnDemandFeatureView& odfv, int depth) {
    if (auto it = odfv_index_.find(odfv.name); it != odfv_index_.end()) return it->second;
    if (depth > registry::kMaxOnDemandChainDepth) {
      return Status::Invalid("on-demand view " + Quoted(odfv.name) + ": inputs nest too deep");
    }
    for (const std::string& input : odfv.inputs) {
      if (const FeatureView* v = FindByName(defs_.feature_views, input)) {
        ViewIndex(*v, 0);
      } else if (const OnDemandFeatureView* o = FindByName(defs_.on_demand_feature_views, input)) {
        TS_RETURN_NOT_OK(OnDemandIndex(*o, depth + 1).status());
      }  // else a request source: its fields come from the spine
    }
    int index = static_cast<int>(out_.on_demand.size());
    out_.on_demand.push_back(OnDemandRequest{odfv, {}});
    odfv_index_[odfv.name] = index;
    return index;
  }

  Status AddFeatures(const std::string& ref, const std::string& feature, bool on_demand, int index,
                     const std::vector<registry::FeatureDef>& features, const std::string& what) {
    std::vector<std::string> names = FeatureNamesOf(features);
    if (feature.empty()) {
      for (int f = 0; f < static_cast<int>(features.size()); ++f) {
        TS_RETURN_NOT_OK(AddOutput(ref, on_demand, index, f));
      }
      return Status::OK();
    }
    for (int f = 0; f < static_cast<int>(features.size()); ++f) {
      if (names[static_cast<size_t>(f)] == feature) return AddOutput(ref, on_demand, index, f);
    }
    return Status::Invalid(what + " has no feature " + Quoted(feature) + " (in " + Quoted(ref) +
                           ")" + DidYouMean(feature, names));
  }

  Status AddOutput(const std::string& ref, bool on_demand, int index, int feature) {
    if (!asked_.insert({on_demand, index, feature}).second) {
      return Status::Invalid("feature reference " + Quoted(ref) +
                             " asks for a feature already asked for");
    }
    std::vector<int>& list = on_demand ? out_.on_demand[static_cast<size_t>(index)].output_features
                                       : out_.views[static_cast<size_t>(index)].output_features;
    list.push_back(feature);
    out_.outputs.push_back(OutputFeature{on_demand, index, feature});
    return Status::OK();
  }

  const RepoDefinitions& defs_;
  const ViewVersionLookup& lookup_;
  ResolvedFeatures out_;
  std::map<std::pair<std::string, int64_t>, int> view_index_;
  std::map<std::string, int> odfv_index_;
  std::set<std::tuple<bool, int, int>> asked_;
};

}  // namespace

Result<std::vector<std::string>> ExpandFeatureService(const RepoDefinitions& defs,
                                                      const std::string& name) {
  if (const registry::FeatureService* s = FindByName(defs.feature_services, name)) {
    return s->features;
  }
  return Status::NotFound("no feature service named " + Quoted(name) +
                          DidYouMean(name, NamesOf(defs.feature_services)));
}

Result<ResolvedFeatures> ResolveFeatureRefs(const RepoDefinitions& defs,
                                            const std::vector<std::string>& refs,
                                            const ViewVersionLookup& lookup) {
  if (refs.empty()) return Status::Invalid("no features asked for");
  Resolver resolver(defs, lookup);
  for (const std::string& ref : refs) TS_RETURN_NOT_OK(resolver.Add(ref));
  return resolver.Take();
}

}  // namespace tessera::offline
