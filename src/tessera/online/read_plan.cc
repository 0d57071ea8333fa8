#include "tessera/online/read_plan.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "tessera/core/suggest.h"
#include "tessera/offline/feature_refs.h"
#include "tessera/offline/view_input.h"
#include "tessera/offline/window_features.h"

namespace tessera::online {
namespace {

using registry::FeatureView;
using registry::OnDemandFeatureView;

template <typename T>
const T* FindByName(const std::vector<T>& objects, const std::string& name) {
  for (const T& o : objects) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

int FeatureIndex(const FeatureView& view, const std::string& name, DataType type) {
  for (size_t i = 0; i < view.features.size(); ++i) {
    if (view.features[i].name == name && view.features[i].type == type) return static_cast<int>(i);
  }
  return -1;
}

// Resolution reports an unknown name as InvalidArgument (training sets
// blame the request); serving says NotFound, as the facade promises.
Status AsNotFound(const Status& status) {
  const std::string& m = status.message();
  if (status.code() == StatusCode::kInvalidArgument &&
      (m.rfind("unknown ", 0) == 0 || m.find(" has no feature ") != std::string::npos ||
       m.find(" has no version ") != std::string::npos)) {
    return Status::NotFound(m);
  }
  return status;
}

class Planner {
 public:
  Planner(const CatalogSnapshot& snap, bool full_names)
      : snap_(snap), defs_(snap.repo.definitions), full_names_(full_names) {}

  Result<std::shared_ptr<const ReadPlan>> Build(const std::vector<std::string>& refs) {
    offline::ViewVersionLookup lookup = [this](const std::string& name, int64_t version) {
      return ViewAt(name, version);
    };
    auto resolved = offline::ResolveFeatureRefs(defs_, refs, lookup);
    if (!resolved.ok()) return AsNotFound(resolved.status());
    resolved_ = std::move(*resolved);
    for (offline::ViewRequest& r : resolved_.views) TS_RETURN_NOT_OK(PlanWindows(&r));
    for (const offline::ViewRequest& r : resolved_.views) TS_RETURN_NOT_OK(AddView(r));
    for (size_t j = 0; j < resolved_.on_demand.size(); ++j) {
      TS_RETURN_NOT_OK(AddOnDemand(resolved_.on_demand[j], static_cast<int>(j)));
    }
    TS_RETURN_NOT_OK(AddOutputs());
    for (PlannedView& v : plan_->views) {
      if (v.window != nullptr) continue;  // read by agg::WindowState, not a codec
      std::vector<DataType> types;
      for (const registry::FeatureDef& f : v.def.features) types.push_back(f.type);
      v.codec = std::make_shared<RowCodec>(std::move(types));
    }
    return std::shared_ptr<const ReadPlan>(std::move(plan_));
  }

 private:
  Result<FeatureView> ViewAt(const std::string& name, int64_t version) {
    if (registry_ == nullptr) {
      TS_ASSIGN_OR_RETURN(registry_, snap_.open_registry());
    }
    return registry_->FeatureViewAt(name, version);
  }

  // An aggregated view: its window plan (the one training sets build,
  // offline::ViewWindowPlan), which types its aggregate features.
  Status PlanWindows(offline::ViewRequest* r) {
    if (r->view.aggregations.empty()) return Status::OK();
    if (r->num_declared > 0) {
      return Status::Unsupported("feature view " + Quoted(r->view.name) +
                                 " declares features and aggregations; serving reads a view "
                                 "with aggregations only from its aggregations");
    }
    if (!schemas_resolved_) {
      schemas_ =
          offline::ResolveViewSourceSchemas(snap_.repo.root, snap_.repo.config.project, defs_);
      schemas_resolved_ = true;
    }
    TS_ASSIGN_OR_RETURN(agg::WindowPlan plan, offline::ViewWindowPlan(defs_, r->view, schemas_));
    for (size_t a = 0; a < plan.aggs.size(); ++a) {
      r->view.features[a].type = plan.aggs[a].spec.output;
    }
    windows_[{r->view.name, r->pinned_version}] =
        std::make_shared<const agg::WindowPlan>(std::move(plan));
    return Status::OK();
  }

  bool ReadByOnDemand(const std::string& view) const {
    for (const offline::OnDemandRequest& o : resolved_.on_demand) {
      if (std::find(o.view.inputs.begin(), o.view.inputs.end(), view) != o.view.inputs.end()) {
        return true;
      }
    }
    return false;
  }

  // The version an unpinned request of `r` reads (see read_plan.h).
  std::pair<int64_t, const FeatureView*> ChooseVersion(const offline::ViewRequest& r) const {
    const int64_t current = snap_.CurrentVersion(r.view.name);
    auto it = snap_.newest_materialized.find(r.view.name);
    if (it == snap_.newest_materialized.end() || it->second.first == current) {
      return {current, &r.view};
    }
    const FeatureView& newest = it->second.second;
    std::vector<int> needed = r.output_features;
    if (ReadByOnDemand(r.view.name)) {
      needed.clear();
      for (size_t f = 0; f < r.view.features.size(); ++f) needed.push_back(static_cast<int>(f));
    }
    for (int f : needed) {
      const registry::FeatureDef& def = r.view.features[static_cast<size_t>(f)];
      if (FeatureIndex(newest, def.name, def.type) < 0) return {current, &r.view};
    }
    return {it->second.first, &newest};
  }

  Status AddView(const offline::ViewRequest& r) {
    // An aggregated view reads the version pushes feed: the current one
    // (aggregated views are not materialized by version yet).
    auto [version, def] = r.pinned_version != 0 ? std::make_pair(r.pinned_version, &r.view)
                          : r.view.aggregations.empty()
                              ? ChooseVersion(r)
                              : std::make_pair(snap_.CurrentVersion(r.view.name), &r.view);
    if (!def->online) {
      return Status::Invalid("feature view " + Quoted(def->name) +
                             " is not online (its definition says online: false)");
    }
    int index = -1;
    for (size_t i = 0; i < plan_->views.size(); ++i) {
      const ViewId& id = plan_->views[i].id;
      if (id.name == def->name && id.version == version) index = static_cast<int>(i);
    }
    if (index < 0) {
      index = static_cast<int>(plan_->views.size());
      PlannedView v;
      v.id = ViewId{def->name, version};
      v.def = *def;
      v.decode.assign(def->features.size(), 0);
      if (auto w = windows_.find({r.view.name, r.pinned_version}); w != windows_.end()) {
        v.window = w->second;
      }
      TS_RETURN_NOT_OK(AddKeys(&v));
      plan_->views.push_back(std::move(v));
    }
    request_view_.push_back(index);
    return Status::OK();
  }

  Status AddKeys(PlannedView* v) {
    for (const std::string& entity_name : v->def.entities) {
      const registry::Entity* entity = FindByName(defs_.entities, entity_name);
      if (entity == nullptr) {
        return Status::Invalid("feature view " + Quoted(v->def.name) + " names entity " +
                               Quoted(entity_name) + ", which is not defined");
      }
      for (const registry::JoinKey& key : entity->join_keys) {
        int k = -1;
        for (size_t i = 0; i < plan_->keys.size(); ++i) {
          if (plan_->keys[i].name == key.name) k = static_cast<int>(i);
        }
        if (k >= 0 && plan_->keys[static_cast<size_t>(k)].type != key.type) {
          return Status::Invalid("join key " + Quoted(key.name) + " is " + key.type.ToString() +
                                 " in entity " + Quoted(entity_name) + " but " +
                                 plan_->keys[static_cast<size_t>(k)].type.ToString() + " (" +
                                 plan_->keys[static_cast<size_t>(k)].why + ")");
        }
        if (k < 0) {
          k = static_cast<int>(plan_->keys.size());
          plan_->keys.push_back({key.name, key.type,
                                 "join key of entity " + Quoted(entity_name) + " of feature view " +
                                     Quoted(v->def.name)});
        }
        v->keys.push_back(k);
      }
    }
    return Status::OK();
  }

  // Position in the planned view of feature `f` of request view `r`.
  std::pair<int, int> Locate(int r, int f) const {
    const int pv = request_view_[static_cast<size_t>(r)];
    const registry::FeatureDef& def =
        resolved_.views[static_cast<size_t>(r)].view.features[static_cast<size_t>(f)];
    return {pv, FeatureIndex(plan_->views[static_cast<size_t>(pv)].def, def.name, def.type)};
  }

  Status AddOnDemand(const offline::OnDemandRequest& r, int j) {
    PlannedOnDemand od;
    od.name = r.view.name;
    od.features = r.view.features;
    std::vector<expr::ScopeColumn> columns;
    std::vector<std::pair<std::string, Field>> request_fields;  // per kRequest input
    for (const std::string& input : r.view.inputs) {
      if (const int o = OnDemandIndex(input); o >= 0) {
        const PlannedOnDemand& in = plan_->on_demand[static_cast<size_t>(o)];
        for (size_t f = 0; f < in.features.size(); ++f) {
          columns.push_back({input, in.features[f].name, in.features[f].type});
          od.inputs.push_back({OnDemandInput::Kind::kOnDemand, o, static_cast<int>(f)});
        }
      } else if (const int rv = CurrentRequestView(input); rv >= 0) {
        const FeatureView& fv = resolved_.views[static_cast<size_t>(rv)].view;
        for (size_t f = 0; f < fv.features.size(); ++f) {
          columns.push_back({input, fv.features[f].name, fv.features[f].type});
          auto [pv, pos] = Locate(rv, static_cast<int>(f));
          od.inputs.push_back({OnDemandInput::Kind::kView, pv, pos});
        }
      } else if (const registry::Source* s = FindByName(defs_.sources, input)) {
        for (const Field& field : s->schema) {
          columns.push_back({s->name, field.name, field.type});
          od.inputs.push_back({OnDemandInput::Kind::kRequest, 0, 0});
          request_fields.resize(od.inputs.size());
          request_fields.back() = {s->name, field};
        }
      } else {
        return Status::Invalid("on-demand view " + Quoted(od.name) + " reads " + Quoted(input) +
                               ", which is not defined");
      }
    }
    TS_ASSIGN_OR_RETURN(offline::OnDemandFeatures compiled,
                        offline::OnDemandFeatures::Make(r.view, columns));
    od.compiled = std::make_shared<const offline::OnDemandFeatures>(std::move(compiled));
    for (size_t i = 0; i < od.inputs.size(); ++i) {
      OnDemandInput& in = od.inputs[i];
      if (!od.compiled->Reads(static_cast<int>(i))) {
        in.kind = OnDemandInput::Kind::kUnread;
      } else if (in.kind == OnDemandInput::Kind::kRequest) {
        TS_ASSIGN_OR_RETURN(in.index, AddRequestField(request_fields[i], od.name));
      } else if (in.kind == OnDemandInput::Kind::kView) {
        plan_->views[static_cast<size_t>(in.index)].decode[static_cast<size_t>(in.feature)] = 1;
      }
    }
    (void)j;
    plan_->on_demand.push_back(std::move(od));
    return Status::OK();
  }

  Result<int> AddRequestField(const std::pair<std::string, Field>& field, const std::string& odfv) {
    for (size_t i = 0; i < plan_->request_fields.size(); ++i) {
      if (plan_->request_fields[i].name == field.second.name) return static_cast<int>(i);
    }
    plan_->request_fields.push_back(field.second);
    plan_->request_field_why.push_back("request field of " + Quoted(field.first) +
                                       " read by on-demand view " + Quoted(odfv));
    return static_cast<int>(plan_->request_fields.size() - 1);
  }

  int OnDemandIndex(const std::string& name) const {
    for (size_t i = 0; i < plan_->on_demand.size(); ++i) {
      if (plan_->on_demand[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }

  int CurrentRequestView(const std::string& name) const {
    for (size_t i = 0; i < resolved_.views.size(); ++i) {
      if (resolved_.views[i].view.name == name && resolved_.views[i].pinned_version == 0) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  Status AddOutputs() {
    std::map<std::string, std::string> origin;
    for (const PlannedKey& k : plan_->keys) origin[k.name] = "join key " + Quoted(k.name);
    for (const offline::OutputFeature& o : resolved_.outputs) {
      PlannedOutput out;
      out.on_demand = o.on_demand;
      std::string view_name;
      std::string feature;
      if (o.on_demand) {
        const PlannedOnDemand& od = plan_->on_demand[static_cast<size_t>(o.index)];
        out.index = o.index;
        out.feature = o.feature;
        view_name = od.name;
        feature = od.features[static_cast<size_t>(o.feature)].name;
        out.type = od.features[static_cast<size_t>(o.feature)].type;
      } else {
        auto [pv, pos] = Locate(o.index, o.feature);
        PlannedView& v = plan_->views[static_cast<size_t>(pv)];
        out.index = pv;
        out.feature = pos;
        v.decode[static_cast<size_t>(pos)] = 1;
        view_name = resolved_.views[static_cast<size_t>(o.index)].view.name;
        feature = v.def.features[static_cast<size_t>(pos)].name;
        out.type = v.def.features[static_cast<size_t>(pos)].type;
      }
      out.name = full_names_ ? view_name + "__" + feature : feature;
      const std::string what = "feature " + Quoted(view_name + ":" + feature);
      if (auto it = origin.find(out.name); it != origin.end()) {
        return Status::Invalid("output " + Quoted(out.name) + " would come from both " +
                               it->second + " and " + what +
                               "; ask for full feature names (view__feature)");
      }
      origin[out.name] = what;
      plan_->outputs.push_back(std::move(out));
    }
    return Status::OK();
  }

  const CatalogSnapshot& snap_;
  const registry::RepoDefinitions& defs_;
  bool full_names_;
  std::unique_ptr<registry::Registry> registry_;  // opened for pinned versions only
  // Aggregated views' plans by (name, pinned version), and the source
  // schemas they are typed from (resolved on first need).
  std::map<std::pair<std::string, int64_t>, std::shared_ptr<const agg::WindowPlan>> windows_;
  std::map<std::string, registry::SourceSchema> schemas_;
  bool schemas_resolved_ = false;
  offline::ResolvedFeatures resolved_;
  std::vector<int> request_view_;  // per resolved view: its planned view
  std::shared_ptr<ReadPlan> plan_ = std::make_shared<ReadPlan>();
};

// The cache key of a request's shape, written into *key (a per-thread
// buffer: a hit allocates nothing). Each reference is length-prefixed, so
// no two lists share a key.
void PlanKey(const std::vector<std::string>& features, const std::string& service, bool full_names,
             std::string* key) {
  key->assign(full_names ? "read:F:" : "read:f:");
  if (features.empty()) {
    key->append("service:").append(service);
    return;
  }
  for (const std::string& f : features) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), f.size());
    key->append(digits, end).push_back(':');
    key->append(f);
  }
}

}  // namespace

Result<std::shared_ptr<const ReadPlan>> GetReadPlan(const CatalogSnapshot& snapshot,
                                                    const std::vector<std::string>& features,
                                                    const std::string& service,
                                                    bool full_feature_names) {
  if (features.empty() && service.empty()) {
    return Status::Invalid("no features asked for: give feature references or a feature service");
  }
  thread_local std::string key;
  PlanKey(features, service, full_feature_names, &key);
  if (std::shared_ptr<const ReadPlan> plan = snapshot.Find<ReadPlan>(key)) return plan;
  return snapshot.Cached<ReadPlan>(key, [&]() -> Result<std::shared_ptr<const ReadPlan>> {
    std::vector<std::string> refs = features;
    if (refs.empty()) {
      TS_ASSIGN_OR_RETURN(refs, offline::ExpandFeatureService(snapshot.repo.definitions, service));
    }
    return Planner(snapshot, full_feature_names).Build(refs);
  });
}

}  // namespace tessera::online
