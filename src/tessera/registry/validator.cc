// Cross-object checks of a parsed repo: unique names, resolvable references
// (entities, sources, views, features), no cycles between on-demand views.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tessera/core/suggest.h"
#include "tessera/registry/loader_internal.h"

namespace tessera::registry::internal {

namespace {

class Validator {
 public:
  Validator(const ParsedRepo& repo, std::vector<LoadError>* errors)
      : repo_(repo), defs_(repo.definitions), errors_(errors) {}

  void Run() {
    IndexNames();
    for (size_t i = 0; i < defs_.entities.size(); ++i) CheckEntity(i);
    for (size_t i = 0; i < defs_.sources.size(); ++i) CheckSource(i);
    for (size_t i = 0; i < defs_.feature_views.size(); ++i) CheckView(i);
    for (size_t i = 0; i < defs_.on_demand_feature_views.size(); ++i) CheckOnDemandView(i);
    CheckCycles();
    for (size_t i = 0; i < defs_.feature_services.size(); ++i) CheckService(i);
  }

 private:
  void Error(const SourceLocation& at, std::string message) {
    errors_->push_back(LoadError{at, std::move(message)});
  }
  // "unknown X" errors are noise when a file could not be read at all.
  void Unresolved(const SourceLocation& at, std::string message) {
    if (repo_.complete) Error(at, std::move(message));
  }
  const SourceLocation& Line(ObjectKind kind, size_t index, const std::string& key,
                             const SourceLocation& fallback) const {
    return repo_.lines.Find(kind, index, key, fallback);
  }

  // Records `name` of kind `kind_word`; reports a repeat with the first
  // definition's location.
  template <typename T>
  void IndexKind(const std::vector<T>& objects, const char* kind_word,
                 std::map<std::string, const T*>* index) {
    for (const T& obj : objects) {
      if (obj.name.empty()) continue;
      auto [it, inserted] = index->emplace(obj.name, &obj);
      if (!inserted) {
        Error(obj.location, std::string("duplicate ") + kind_word + " " + Quoted(obj.name) +
                                " (first defined at " + it->second->location.ToString() + ")");
      }
    }
  }

  void IndexNames() {
    IndexKind(defs_.entities, "entity", &entities_);
    IndexKind(defs_.sources, "source", &sources_);
    IndexKind(defs_.feature_views, "feature view", &views_);
    IndexKind(defs_.on_demand_feature_views, "on-demand feature view", &odfvs_);
    IndexKind(defs_.feature_services, "feature service", &services_);
    // A reference "x:f" cannot tell a view from an on-demand view.
    for (const OnDemandFeatureView& v : defs_.on_demand_feature_views) {
      auto it = views_.find(v.name);
      if (it == views_.end()) continue;
      Error(v.location, "on-demand feature view " + Quoted(v.name) +
                            " has the name of a feature view (defined at " +
                            it->second->location.ToString() +
                            "); views and on-demand views share one namespace");
    }
  }

  // Reports repeated names in `names` (with their locations).
  void CheckUnique(const std::vector<std::pair<std::string, SourceLocation>>& names,
                   const std::string& what, const char* item_word) {
    std::map<std::string, SourceLocation> seen;
    for (const auto& [name, at] : names) {
      if (name.empty()) continue;
      auto [it, inserted] = seen.emplace(name, at);
      if (!inserted) {
        Error(at, what + ": duplicate " + item_word + " " + Quoted(name) + " (first declared at " +
                      it->second.ToString() + ")");
      }
    }
  }

  void CheckEntity(size_t i) {
    const Entity& e = defs_.entities[i];
    std::vector<std::pair<std::string, SourceLocation>> names;
    for (size_t k = 0; k < e.join_keys.size(); ++k) {
      names.emplace_back(
          e.join_keys[k].name,
          Line(ObjectKind::kEntity, i, "join_keys[" + std::to_string(k) + "]", e.location));
    }
    CheckUnique(names, "entity " + Quoted(e.name), "join key");
  }

  void CheckSource(size_t i) {
    const Source& s = defs_.sources[i];
    std::string what = std::string(SourceKindName(s.kind)) + " source " + Quoted(s.name);
    std::vector<std::pair<std::string, SourceLocation>> names;
    for (size_t k = 0; k < s.schema.size(); ++k) {
      names.emplace_back(s.schema[k].name, Line(ObjectKind::kSource, i,
                                                "schema[" + std::to_string(k) + "]", s.location));
    }
    CheckUnique(names, what, "field");
    if (s.kind != SourceKind::kPush || s.batch_source.empty()) return;
    const SourceLocation& at = Line(ObjectKind::kSource, i, "batch_source", s.location);
    auto it = sources_.find(s.batch_source);
    if (it == sources_.end()) {
      Unresolved(at, what + ": unknown batch_source " + Quoted(s.batch_source));
    } else if (it->second->kind != SourceKind::kBatch) {
      Error(at, what + ": batch_source " + Quoted(s.batch_source) + " is a " +
                    SourceKindName(it->second->kind) + " source, not a batch source");
    }
  }

  void CheckViewReferences(size_t i, const std::string& what) {
    const FeatureView& v = defs_.feature_views[i];
    for (size_t k = 0; k < v.entities.size(); ++k) {
      if (entities_.count(v.entities[k]) != 0) continue;
      Unresolved(
          Line(ObjectKind::kFeatureView, i, "entities[" + std::to_string(k) + "]", v.location),
          what + ": unknown entity " + Quoted(v.entities[k]));
    }
    if (v.source.empty()) return;
    const SourceLocation& at = Line(ObjectKind::kFeatureView, i, "source", v.location);
    auto it = sources_.find(v.source);
    if (it == sources_.end()) {
      Unresolved(at, what + ": unknown source " + Quoted(v.source));
    } else if (it->second->kind == SourceKind::kRequest) {
      Error(at, what + ": source " + Quoted(v.source) +
                    " is a request source; feature views read batch or push sources "
                    "(request data feeds on-demand feature views)");
    }
  }

  void CheckView(size_t i) {
    const FeatureView& v = defs_.feature_views[i];
    std::string what = "feature view " + Quoted(v.name);
    CheckViewReferences(i, what);
    std::vector<std::pair<std::string, SourceLocation>> entity_names;
    for (size_t k = 0; k < v.entities.size(); ++k) {
      entity_names.emplace_back(
          v.entities[k],
          Line(ObjectKind::kFeatureView, i, "entities[" + std::to_string(k) + "]", v.location));
    }
    CheckUnique(entity_names, what, "entity");
    // Declared features, then the names aggregations generate.
    std::vector<std::pair<std::string, SourceLocation>> names;
    for (const FeatureDef& f : v.features) names.emplace_back(f.name, f.location);
    for (const Aggregation& agg : v.aggregations) {
      for (int64_t w : agg.windows) {
        std::string name = agg.FeatureName(w);
        // Only length can make it invalid: a valid column plus a suffix
        // (an invalid column was reported where it was read).
        if (IsValidName(agg.column) && !IsValidName(name)) {
          Error(agg.location, what + ": the generated feature name " + Quoted(name) +
                                  " is longer than 128 characters (shorten the column name" +
                                  (agg.function == "approx_percentile" ? " or p" : "") + ")");
        }
        names.emplace_back(std::move(name), agg.location);
      }
    }
    CheckUnique(names, what, "feature");
    std::set<std::string> features;
    for (const auto& n : names) features.insert(n.first);
    for (const auto& [feature, rule] : v.validation) {
      if (features.count(feature) != 0) continue;
      Error(Line(ObjectKind::kFeatureView, i, "validation." + feature, v.location),
            what + ": validation rule for unknown feature " + Quoted(feature));
    }
  }

  void CheckOnDemandView(size_t i) {
    const OnDemandFeatureView& v = defs_.on_demand_feature_views[i];
    std::string what = "on-demand feature view " + Quoted(v.name);
    for (size_t k = 0; k < v.inputs.size(); ++k) {
      const std::string& input = v.inputs[k];
      const SourceLocation& at = Line(ObjectKind::kOnDemandFeatureView, i,
                                      "inputs[" + std::to_string(k) + "]", v.location);
      if (views_.count(input) != 0 || odfvs_.count(input) != 0) continue;
      auto src = sources_.find(input);
      if (src == sources_.end()) {
        Unresolved(at, what + ": unknown input " + Quoted(input) +
                           " (expected a feature view, an on-demand feature view or a request "
                           "source)");
      } else if (src->second->kind != SourceKind::kRequest) {
        Error(at, what + ": input " + Quoted(input) + " is a " + SourceKindName(src->second->kind) +
                      " source; on-demand views read feature views and request sources");
      }
    }
    std::vector<std::pair<std::string, SourceLocation>> names;
    for (const FeatureDef& f : v.features) names.emplace_back(f.name, f.location);
    CheckUnique(names, what, "feature");
  }

  // Depth-first search over on-demand view -> on-demand view inputs, with an
  // explicit stack (a chain may be long: no recursion). Reports each cycle
  // once, at the view where the search entered it, then every chain deeper
  // than kMaxOnDemandChainDepth (loader.h).
  void CheckCycles() {
    enum State : int { kNew = 0, kOnStack, kDone };
    struct Frame {
      const OnDemandFeatureView* view;
      size_t next_input;
    };
    std::map<std::string, int> state;
    std::map<std::string, int> depth;  // views in the deepest chain from a done view
    for (const OnDemandFeatureView& v : defs_.on_demand_feature_views) {
      // A view without a valid name (already reported) is not indexed.
      if (odfvs_.count(v.name) == 0 || state[v.name] != kNew) continue;
      state[v.name] = kOnStack;
      std::vector<Frame> stack{{odfvs_.at(v.name), 0}};
      while (!stack.empty()) {
        const OnDemandFeatureView* view = stack.back().view;
        if (stack.back().next_input < view->inputs.size()) {
          const std::string& input = view->inputs[stack.back().next_input++];
          auto it = odfvs_.find(input);
          if (it == odfvs_.end()) continue;
          int& s = state[input];
          if (s == kNew) {
            s = kOnStack;
            stack.push_back({it->second, 0});
          } else if (s == kOnStack) {
            ReportCycle(stack, input);
          }
          continue;
        }
        int d = 1;
        for (const std::string& input : view->inputs) {
          auto it = depth.find(input);
          if (it != depth.end()) d = std::max(d, it->second + 1);
        }
        depth[view->name] = d;
        state[view->name] = kDone;
        stack.pop_back();
      }
    }
    CheckChainDepth(depth);
  }

  template <typename Frame>
  void ReportCycle(const std::vector<Frame>& stack, const std::string& input) {
    auto first = std::find_if(stack.begin(), stack.end(),
                              [&](const Frame& f) { return f.view->name == input; });
    std::vector<std::string> cycle;
    for (auto it = first; it != stack.end(); ++it) cycle.push_back(it->view->name);
    cycle.push_back(input);
    Error(odfvs_.at(input)->location,
          "on-demand feature view " + Quoted(input) + ": cycle " + ShortChain(cycle));
  }

  // "a -> b -> c", with the middle of a long chain shown as "..." so that a
  // message stays one readable line however long the chain.
  static std::string ShortChain(const std::vector<std::string>& chain) {
    std::string shown;
    for (size_t i = 0; i < chain.size(); ++i) {
      if (i == 3 && chain.size() > 6) {
        shown += " -> ...";
        i = chain.size() - 3;
      }
      shown += (i == 0 ? "" : " -> ") + chain[i];
    }
    return shown;
  }

  // A view one level deeper than the limit starts a chain that is too deep;
  // the chain shown follows the deepest input down to its end.
  void CheckChainDepth(const std::map<std::string, int>& depth) {
    for (const OnDemandFeatureView& v : defs_.on_demand_feature_views) {
      auto indexed = odfvs_.find(v.name);
      // Unnamed or a duplicate: reported elsewhere.
      if (indexed == odfvs_.end() || indexed->second != &v) continue;
      auto d = depth.find(v.name);
      if (d == depth.end() || d->second != kMaxOnDemandChainDepth + 1) continue;
      std::vector<std::string> chain{v.name};
      for (int want = d->second - 1; want >= 1; --want) {
        for (const std::string& input : odfvs_.at(chain.back())->inputs) {
          auto it = depth.find(input);
          if (it != depth.end() && it->second == want) {
            chain.push_back(input);
            break;
          }
        }
      }
      const std::string shown = ShortChain(chain);
      Error(v.location, "on-demand feature view " + Quoted(v.name) + ": chain of " +
                            std::to_string(chain.size()) + " on-demand views is deeper than the " +
                            "limit of " + std::to_string(kMaxOnDemandChainDepth) + " (" + shown +
                            ")");
    }
  }

  void CheckService(size_t i);
  void CheckReference(const std::string& what, const std::string& ref, const SourceLocation& at);

  const ParsedRepo& repo_;
  const RepoDefinitions& defs_;
  std::vector<LoadError>* errors_;
  std::map<std::string, const Entity*> entities_;
  std::map<std::string, const Source*> sources_;
  std::map<std::string, const FeatureView*> views_;
  std::map<std::string, const OnDemandFeatureView*> odfvs_;
  std::map<std::string, const FeatureService*> services_;
};

void Validator::CheckService(size_t i) {
  const FeatureService& s = defs_.feature_services[i];
  std::string what = "feature service " + Quoted(s.name);
  std::vector<std::pair<std::string, SourceLocation>> refs;
  for (size_t k = 0; k < s.features.size(); ++k) {
    const SourceLocation& at =
        Line(ObjectKind::kFeatureService, i, "features[" + std::to_string(k) + "]", s.location);
    CheckReference(what, s.features[k], at);
    refs.emplace_back(s.features[k], at);
  }
  CheckUnique(refs, what, "reference");
}

// "view", "view:feature" or "view@N:feature" (N >= 1). A pinned version may
// name a feature the current definition no longer has, so only its view is
// checked here; the registry checks the version at plan/apply time.
void Validator::CheckReference(const std::string& what, const std::string& ref,
                               const SourceLocation& at) {
  size_t colon = ref.find(':');
  std::string view_part = ref.substr(0, colon);
  std::string feature = colon == std::string::npos ? "" : ref.substr(colon + 1);
  size_t at_sign = view_part.find('@');
  std::string view = view_part.substr(0, at_sign);
  std::string version = at_sign == std::string::npos ? "" : view_part.substr(at_sign + 1);
  bool bad_version =
      at_sign != std::string::npos &&
      (version.empty() || version.size() > 9 ||
       version.find_first_not_of("0123456789") != std::string::npos || version[0] == '0');
  if (!IsValidName(view) || bad_version || (colon != std::string::npos && !IsValidName(feature))) {
    Error(at, what + ": invalid feature reference " + Quoted(ref) +
                  " (expected view, view:feature or view@N:feature)");
    return;
  }
  std::vector<std::string> names;
  if (auto v = views_.find(view); v != views_.end()) {
    names = FeatureNames(*v->second);
  } else if (auto o = odfvs_.find(view); o != odfvs_.end()) {
    for (const FeatureDef& f : o->second->features) names.push_back(f.name);
  } else {
    Unresolved(at, what + ": unknown feature view " + Quoted(view) + " in " + Quoted(ref));
    return;
  }
  if (feature.empty() || !version.empty()) return;
  if (std::find(names.begin(), names.end(), feature) == names.end()) {
    Error(at, what + ": feature view " + Quoted(view) + " has no feature " + Quoted(feature) +
                  " (in " + Quoted(ref) + ")");
  }
}

}  // namespace

void ValidateRepo(const ParsedRepo& repo, std::vector<LoadError>* errors) {
  Validator(repo, errors).Run();
}

}  // namespace tessera::registry::internal
