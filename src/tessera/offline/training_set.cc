#include "tessera/offline/training_set.h"

#include <algorithm>
#include <map>

#include "tessera/agg/window_plan.h"
#include "tessera/core/saturating.h"
#include "tessera/core/suggest.h"
#include "tessera/expr/eval_util.h"
#include "tessera/offline/join_input.h"
#include "tessera/offline/on_demand_features.h"
#include "tessera/offline/point_in_time_join.h"
#include "tessera/offline/view_features.h"
#include "tessera/offline/view_files.h"
#include "tessera/offline/view_input.h"
#include "tessera/offline/window_features.h"
#include "tessera/registry/loader.h"
#include "tessera/registry/source_schema.h"

namespace tessera::offline {
namespace {

using registry::FeatureView;
using registry::OnDemandFeatureView;
using registry::RepoDefinitions;

// The whole spine as one batch.
Result<RecordBatchPtr> ReadSpine(RecordBatchReader* reader) {
  TS_ASSIGN_OR_RETURN(std::vector<RecordBatchPtr> batches, ReadAll(reader));
  const SchemaPtr& schema = reader->schema();
  if (batches.size() == 1) return batches[0];
  std::vector<ArrayPtr> columns;
  for (int c = 0; c < schema->num_fields(); ++c) {
    std::vector<ArrayPtr> parts;
    for (const RecordBatchPtr& b : batches) parts.push_back(b->column(c));
    if (parts.empty()) {
      TS_ASSIGN_OR_RETURN(ArrayPtr empty, NullArray(schema->field(c).type, 0));
      columns.push_back(std::move(empty));
    } else {
      TS_ASSIGN_OR_RETURN(ArrayPtr all, expr::Concat(parts));
      columns.push_back(std::move(all));
    }
  }
  return RecordBatch::Make(schema, std::move(columns));
}

std::vector<std::string> ColumnNames(const Schema& schema) {
  std::vector<std::string> names;
  for (const Field& f : schema.fields()) names.push_back(f.name);
  return names;
}

std::string ListNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Column `name` of the spine; InvalidArgument saying what needed it.
Result<int> SpineColumn(const RecordBatch& spine, const std::string& name, const std::string& why) {
  int index = spine.schema()->IndexOf(name);
  if (index >= 0) return index;
  std::vector<std::string> names = ColumnNames(*spine.schema());
  return Status::Invalid("the spine has no column " + Quoted(name) + " (" + why + ")" +
                         DidYouMean(name, names) + "; its columns: " + ListNames(names));
}

template <typename T>
const T* FindByName(const std::vector<T>& objects, const std::string& name) {
  for (const T& o : objects) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

// One joined view: its definition, features and join result.
struct JoinedView {
  const ViewRequest* request = nullptr;
  ViewFeatures features;
  std::vector<Field> keys;  // the source's join key columns
  const registry::Source* batch_source = nullptr;
  std::vector<ArrayPtr> values;  // after the join: one per feature
  ArrayPtr event_ts;
  // An aggregated view: its plan and its events (window_features.h), in
  // place of a point-in-time join.
  std::unique_ptr<agg::WindowPlan> plan;
  WindowFeaturesInput window;
  ArrayPtr committed_at;  // with_timestamps: the latest commit time in its largest window
};

class Builder {
 public:
  Builder(const TrainingSetRequest& request, RecordBatchPtr spine)
      : request_(request), defs_(request.definitions), spine_(std::move(spine)) {}

  // The derived view files of `v` at `version`, with every column its
  // features read (so any request of the view can use them).
  Result<ViewFilesBuild> BuildViewFilesOf(const FeatureView& v, int64_t version) {
    JoinedView joined;
    TS_ASSIGN_OR_RETURN(joined.keys, ViewJoinKeys(defs_, v));
    TS_ASSIGN_OR_RETURN(joined.batch_source, ViewBatchSource(defs_, v));
    std::map<std::string, registry::SourceSchema> schemas =
        ResolveViewSourceSchemas(request_.repo_root, request_.project, defs_);
    TS_ASSIGN_OR_RETURN(
        joined.features,
        ViewFeatures::Make(v, ViewSourceColumns(v, joined.keys, *joined.batch_source, schemas)));
    return BuildViewFiles(InputSpec(joined),
                          ViewFilesDir(request_.offline_root, request_.project, v.name, version));
  }

  Result<TrainingSet> Run() {
    TS_ASSIGN_OR_RETURN(resolved_, ResolveFeatureRefs(defs_, request_.features, request_.view_at));
    TS_RETURN_NOT_OK(CheckTimestamp());
    TS_RETURN_NOT_OK(PrepareViews());
    TS_RETURN_NOT_OK(Join());
    TS_RETURN_NOT_OK(ComputeViews());
    TS_RETURN_NOT_OK(ComputeOnDemand());
    return Assemble();
  }

 private:
  Status CheckTimestamp() {
    TS_ASSIGN_OR_RETURN(ts_column_, SpineColumn(*spine_, request_.timestamp_column,
                                                "the spine's timestamp column"));
    DataType type = spine_->schema()->field(ts_column_).type;
    if (type != DataType::Timestamp()) {
      return Status::Invalid("spine column " + Quoted(request_.timestamp_column) + " is " +
                             type.ToString() + ", not timestamp");
    }
    const Array& ts = *spine_->column(ts_column_);
    for (int64_t i = 0; i < ts.length(); ++i) {
      if (ts.IsNull(i)) continue;
      min_t_ = std::min(min_t_, ts.GetInt64(i));
      max_t_ = std::max(max_t_, ts.GetInt64(i));
    }
    return Status::OK();
  }

  Status PrepareViews() {
    std::map<std::string, registry::SourceSchema> schemas =
        ResolveViewSourceSchemas(request_.repo_root, request_.project, defs_);
    for (ViewRequest& r : resolved_.views) {
      if (!r.view.aggregations.empty()) {
        TS_RETURN_NOT_OK(PrepareAggregatedView(r, schemas));
        continue;
      }
      const FeatureView& v = r.view;
      JoinedView joined;
      joined.request = &r;
      JoinViewInput input;
      input.name = v.name;
      input.ttl = v.ttl;
      TS_ASSIGN_OR_RETURN(joined.keys, ViewJoinKeys(defs_, v));
      TS_ASSIGN_OR_RETURN(input.spine_key_columns, SpineKeyColumns(v, joined.keys));
      input.num_keys = static_cast<int>(joined.keys.size());
      TS_ASSIGN_OR_RETURN(joined.batch_source, ViewBatchSource(defs_, v));
      std::vector<registry::SourceColumn> columns =
          ViewSourceColumns(v, joined.keys, *joined.batch_source, schemas);
      TS_ASSIGN_OR_RETURN(joined.features, ViewFeatures::Make(FeaturesNeeded(r), columns));
      TS_ASSIGN_OR_RETURN(input.rows, OpenInput(v, joined));
      inputs_.push_back(std::move(input));
      join_views_.push_back(views_.size());
      views_.push_back(std::move(joined));
    }
    return Status::OK();
  }

  // The spine columns of `v`'s join keys, key by key.
  Result<std::vector<int>> SpineKeyColumns(const FeatureView& v, const std::vector<Field>& keys) {
    std::vector<int> columns;
    for (const Field& key : keys) {
      TS_ASSIGN_OR_RETURN(int column,
                          SpineColumn(*spine_, key.name,
                                      "join key of entity " + Quoted(EntityOfKey(v, key.name)) +
                                          " of feature view " + Quoted(v.name)));
      columns.push_back(column);
    }
    return columns;
  }

  // An aggregated view: its plan (which types its aggregate features) and
  // its source's events (window_features.h).
  Status PrepareAggregatedView(ViewRequest& r,
                               const std::map<std::string, registry::SourceSchema>& schemas) {
    const FeatureView& v = r.view;
    if (r.num_declared > 0) {
      return Status::Unsupported("feature view " + Quoted(v.name) +
                                 " declares features and aggregations; a training set computes "
                                 "a view with aggregations only from its aggregations");
    }
    JoinedView joined;
    joined.request = &r;
    TS_ASSIGN_OR_RETURN(joined.keys, ViewJoinKeys(defs_, v));
    TS_ASSIGN_OR_RETURN(joined.window.spine_key_columns, SpineKeyColumns(v, joined.keys));
    TS_ASSIGN_OR_RETURN(joined.batch_source, ViewBatchSource(defs_, v));
    TS_ASSIGN_OR_RETURN(agg::WindowPlan plan, ViewWindowPlan(defs_, v, schemas));
    joined.plan = std::make_unique<agg::WindowPlan>(std::move(plan));
    for (size_t a = 0; a < joined.plan->aggs.size(); ++a) {
      r.view.features[a].type = joined.plan->aggs[a].spec.output;
    }
    JoinInputSpec spec = InputSpec(joined);
    spec.carried = WindowEventColumns(*joined.plan, request_.with_timestamps);
    joined.window.with_committed_at = request_.with_timestamps;
    if (min_t_ <= max_t_) {
      spec.min_event_ts = SaturatingSub(min_t_, joined.plan->max_window);
      spec.max_event_ts = max_t_;
    }
    TS_ASSIGN_OR_RETURN(joined.window.events, OpenSourceJoinInput(spec));
    joined.window.plan = joined.plan.get();
    joined.window.num_keys = static_cast<int>(joined.keys.size());
    joined.window.spine_ts_column = ts_column_;
    joined.window.num_threads = request_.num_threads;
    views_.push_back(std::move(joined));
    return Status::OK();
  }

  // The view cut after the last feature the request needs (every one when
  // an on-demand view reads it): expressions see only earlier features, so
  // the cut never changes a value, and the scan reads fewer columns.
  FeatureView FeaturesNeeded(const ViewRequest& r) const {
    FeatureView v = r.view;
    if (r.pinned_version == 0) {
      for (const OnDemandRequest& o : resolved_.on_demand) {
        for (const std::string& input : o.view.inputs) {
          if (input == v.name) return v;
        }
      }
    }
    int last = -1;
    for (int f : r.output_features) last = std::max(last, f);
    v.features.resize(static_cast<size_t>(last + 1));
    return v;
  }

  // The entity of `v` whose join key is `key` (for messages).
  std::string EntityOfKey(const FeatureView& v, const std::string& key) const {
    for (const std::string& entity_name : v.entities) {
      const registry::Entity* entity = FindByName(defs_.entities, entity_name);
      for (const registry::JoinKey& k : entity->join_keys) {
        if (k.name == key) return entity_name;
      }
    }
    return "";
  }

  // The scan of `joined`'s source in the join's layout, without bounds.
  JoinInputSpec InputSpec(const JoinedView& joined) const {
    JoinInputSpec spec;
    spec.repo_root = request_.repo_root;
    spec.offline_root = request_.offline_root;
    spec.project = request_.project;
    spec.source = joined.batch_source;
    spec.keys = joined.keys;
    spec.carried = joined.features.carried_columns();
    spec.num_threads = request_.num_threads;
    spec.env = request_.env;
    return spec;
  }

  Result<std::unique_ptr<RecordBatchReader>> OpenInput(const FeatureView& v,
                                                       const JoinedView& joined) {
    JoinInputSpec spec = InputSpec(joined);
    if (min_t_ <= max_t_) {
      spec.min_event_ts = v.ttl > 0 ? SaturatingSub(min_t_, v.ttl) : INT64_MIN;
      spec.max_event_ts = max_t_;
    }
    int64_t version = joined.request->pinned_version;
    if (version == 0) {
      auto it = request_.view_versions.find(v.name);
      if (it != request_.view_versions.end()) version = it->second;
    }
    if (version > 0) {
      spec.view_files_dir = ViewFilesDir(request_.offline_root, request_.project, v.name, version);
    }
    return OpenJoinInput(spec);
  }

  Status Join() {
    if (join_views_.empty()) return Status::OK();
    JoinOptions options;
    options.num_threads = request_.num_threads;
    options.memory_budget_bytes = request_.memory_budget_bytes;
    options.spill_dir = request_.spill_dir.empty()
                            ? request_.offline_root + "/" + request_.project + "/tmp"
                            : request_.spill_dir;
    options.env = request_.env;
    if (request_.progress) {
      options.progress = [this](int64_t rows) { request_.progress({"join", rows, -1}); };
    }
    TS_ASSIGN_OR_RETURN(std::vector<RecordBatchPtr> joined,
                        PointInTimeJoin(*spine_, ts_column_, std::move(inputs_), options));
    if (joined.size() != join_views_.size()) {
      return Status::Internal("the join returned " + std::to_string(joined.size()) +
                              " results for " + std::to_string(join_views_.size()) + " views");
    }
    for (size_t i = 0; i < join_views_.size(); ++i) {
      const RecordBatch& batch = *joined[i];
      JoinedView& view = views_[join_views_[i]];
      std::vector<ArrayPtr> carried(batch.columns().begin(), batch.columns().end() - 1);
      view.event_ts = batch.column(batch.num_columns() - 1);
      view.values = std::move(carried);  // carried columns until ComputeViews
    }
    return Status::OK();
  }

  Status ComputeViews() {
    for (JoinedView& v : views_) {
      if (v.plan != nullptr) {
        const bool committed = v.window.with_committed_at;
        TS_ASSIGN_OR_RETURN(v.values, ComputeWindowFeatures(*spine_, std::move(v.window)));
        if (committed) {
          v.committed_at = v.values.back();
          v.values.pop_back();
        }
        continue;
      }
      expr::EvalStats stats;
      TS_ASSIGN_OR_RETURN(v.values, v.features.Compute(v.values, *v.event_ts, &stats));
      AddWarning("feature view " + Quoted(v.request->view.name), stats);
    }
    Progress("features", spine_->num_rows());
    return Status::OK();
  }

  // The input columns of on-demand view `v` and their values.
  Status OnDemandInputs(const OnDemandFeatureView& v, std::vector<expr::ScopeColumn>* columns,
                        std::vector<ArrayPtr>* values) {
    for (const std::string& input : v.inputs) {
      if (auto it = odfv_values_.find(input); it != odfv_values_.end()) {
        const OnDemandFeatureView& o = *FindByName(defs_.on_demand_feature_views, input);
        for (size_t f = 0; f < o.features.size(); ++f) {
          columns->push_back({input, o.features[f].name, o.features[f].type});
          values->push_back(it->second[f]);
        }
      } else if (const JoinedView* j = CurrentView(input)) {
        const FeatureView& fv = j->request->view;
        for (size_t f = 0; f < fv.features.size(); ++f) {
          columns->push_back({input, fv.features[f].name, fv.features[f].type});
          values->push_back(j->values[f]);
        }
      } else if (const registry::Source* s = FindByName(defs_.sources, input)) {
        TS_RETURN_NOT_OK(RequestFields(v, *s, columns, values));
      } else {
        return Status::Invalid("on-demand view " + Quoted(v.name) + " reads " + Quoted(input) +
                               ", which is not defined");
      }
    }
    return Status::OK();
  }

  // Request fields join the scope with no value yet: only those a feature
  // reads must be spine columns (FillRequestFields).
  Status RequestFields(const OnDemandFeatureView& v, const registry::Source& s,
                       std::vector<expr::ScopeColumn>* columns, std::vector<ArrayPtr>* values) {
    for (const Field& field : s.schema) {
      pending_fields_.push_back({static_cast<int>(columns->size()), s.name, field});
      columns->push_back({s.name, field.name, field.type});
      values->push_back(nullptr);
    }
    return Status::OK();
  }

  Status FillRequestFields(const OnDemandFeatureView& v, const OnDemandFeatures& features,
                           std::vector<ArrayPtr>* values) {
    for (const PendingField& p : pending_fields_) {
      if (!features.Reads(p.input)) continue;
      TS_ASSIGN_OR_RETURN(int c, SpineColumn(*spine_, p.field.name,
                                             "request field of " + Quoted(p.source) +
                                                 " read by on-demand view " + Quoted(v.name)));
      expr::EvalStats stats;
      TS_ASSIGN_OR_RETURN((*values)[static_cast<size_t>(p.input)],
                          CastArray(spine_->column(c), p.field.type, &stats));
      AddWarning("spine column " + Quoted(p.field.name) + " read as " + p.field.type.ToString(),
                 stats);
    }
    pending_fields_.clear();
    return Status::OK();
  }

  const JoinedView* CurrentView(const std::string& name) const {
    for (const JoinedView& v : views_) {
      if (v.request->view.name == name && v.request->pinned_version == 0) return &v;
    }
    return nullptr;
  }

  Status ComputeOnDemand() {
    for (const OnDemandRequest& r : resolved_.on_demand) {
      std::vector<expr::ScopeColumn> columns;
      std::vector<ArrayPtr> values;
      TS_RETURN_NOT_OK(OnDemandInputs(r.view, &columns, &values));
      TS_ASSIGN_OR_RETURN(OnDemandFeatures features, OnDemandFeatures::Make(r.view, columns));
      TS_RETURN_NOT_OK(FillRequestFields(r.view, features, &values));
      expr::EvalStats stats;
      TS_ASSIGN_OR_RETURN(odfv_values_[r.view.name],
                          features.Compute(std::move(values), spine_->num_rows(), &stats));
      AddWarning("on-demand view " + Quoted(r.view.name), stats);
    }
    return Status::OK();
  }

  // Adds a column, failing on a name already output.
  Status AddOutput(const std::string& name, const std::string& what, ArrayPtr column,
                   std::vector<Field>* fields, std::vector<ArrayPtr>* columns) {
    if (auto it = output_origin_.find(name); it != output_origin_.end()) {
      return Status::Invalid("output column " + Quoted(name) + " would come from both " +
                             it->second + " and " + what +
                             "; use --full-feature-names (view__feature)");
    }
    output_origin_[name] = what;
    fields->push_back(Field{name, column->type()});
    columns->push_back(std::move(column));
    return Status::OK();
  }

  Result<TrainingSet> Assemble() {
    std::vector<Field> fields;
    std::vector<ArrayPtr> columns;
    for (int c = 0; c < spine_->num_columns(); ++c) {
      const std::string& name = spine_->schema()->field(c).name;
      TS_RETURN_NOT_OK(
          AddOutput(name, "spine column " + Quoted(name), spine_->column(c), &fields, &columns));
    }
    for (const OutputFeature& o : resolved_.outputs) {
      std::string view_name =
          o.on_demand ? resolved_.on_demand[o.index].view.name : resolved_.views[o.index].view.name;
      const auto& defs = o.on_demand ? resolved_.on_demand[o.index].view.features
                                     : resolved_.views[o.index].view.features;
      const std::string& feature = defs[static_cast<size_t>(o.feature)].name;
      ArrayPtr value = o.on_demand ? odfv_values_[view_name][static_cast<size_t>(o.feature)]
                                   : views_[o.index].values[static_cast<size_t>(o.feature)];
      std::string name = request_.full_feature_names ? view_name + "__" + feature : feature;
      TS_RETURN_NOT_OK(AddOutput(name, "feature " + Quoted(view_name + ":" + feature), value,
                                 &fields, &columns));
    }
    if (request_.with_timestamps) {
      for (const JoinedView& v : views_) {
        if (v.request->output_features.empty()) continue;
        if (v.committed_at != nullptr) {
          const std::string& view_name = v.request->view.name;
          TS_RETURN_NOT_OK(
              AddOutput(view_name + "__last_committed_at",
                        "the latest commit time in the windows of " + Quoted(view_name),
                        v.committed_at, &fields, &columns));
          continue;
        }
        if (v.event_ts == nullptr) continue;
        const std::string& view_name = v.request->view.name;
        TS_RETURN_NOT_OK(AddOutput(view_name + "__event_timestamp",
                                   "the event time of " + Quoted(view_name), v.event_ts, &fields,
                                   &columns));
      }
    }
    TS_ASSIGN_OR_RETURN(SchemaPtr schema, Schema::Make(std::move(fields)));
    TrainingSet out;
    TS_ASSIGN_OR_RETURN(out.table, RecordBatch::Make(std::move(schema), std::move(columns)));
    out.warnings = std::move(warnings_);
    return out;
  }

  void AddWarning(const std::string& what, const expr::EvalStats& stats) {
    if (!stats.ok()) warnings_.push_back(what + ": " + stats.Summary());
  }

  void Progress(const std::string& stage, int64_t done) {
    if (request_.progress) request_.progress({stage, done, spine_->num_rows()});
  }

  const TrainingSetRequest& request_;
  const RepoDefinitions& defs_;
  RecordBatchPtr spine_;
  ResolvedFeatures resolved_;
  int ts_column_ = -1;
  int64_t min_t_ = INT64_MAX;
  int64_t max_t_ = INT64_MIN;
  std::vector<JoinedView> views_;  // one per resolved_.views entry
  std::vector<JoinViewInput> inputs_;
  std::vector<size_t> join_views_;  // the views_ the join computes (inputs_ order)
  std::map<std::string, std::vector<ArrayPtr>> odfv_values_;
  struct PendingField {
    int input;  // index into the on-demand view's input columns
    std::string source;
    Field field;
  };
  std::vector<PendingField> pending_fields_;
  std::map<std::string, std::string> output_origin_;
  std::vector<std::string> warnings_;
};

class SlicingReader final : public RecordBatchReader {
 public:
  SlicingReader(RecordBatchPtr table, int64_t batch_rows)
      : table_(std::move(table)), batch_rows_(std::max<int64_t>(1, batch_rows)) {}
  const SchemaPtr& schema() const override { return table_->schema(); }
  Result<RecordBatchPtr> Next() override {
    if (offset_ >= table_->num_rows()) return RecordBatchPtr();
    if (offset_ == 0 && table_->num_rows() <= batch_rows_) {
      offset_ = table_->num_rows();
      return table_;
    }
    int64_t n = std::min(batch_rows_, table_->num_rows() - offset_);
    std::vector<ArrayPtr> columns;
    for (const ArrayPtr& c : table_->columns()) {
      TS_ASSIGN_OR_RETURN(ArrayPtr slice, expr::Slice(*c, offset_, n));
      columns.push_back(std::move(slice));
    }
    offset_ += n;
    return RecordBatch::Make(table_->schema(), std::move(columns));
  }

 private:
  RecordBatchPtr table_;
  int64_t batch_rows_;
  int64_t offset_ = 0;
};

}  // namespace

Result<TrainingSet> BuildTrainingSet(const TrainingSetRequest& request, RecordBatchReader* spine) {
  TS_ASSIGN_OR_RETURN(RecordBatchPtr table, ReadSpine(spine));
  return Builder(request, std::move(table)).Run();
}

Result<ViewFilesBuild> BuildViewFilesOf(const TrainingSetRequest& context,
                                        const registry::FeatureView& view, int64_t version) {
  return Builder(context, nullptr).BuildViewFilesOf(view, version);
}

std::unique_ptr<RecordBatchReader> SliceReader(RecordBatchPtr table, int64_t batch_rows) {
  return std::make_unique<SlicingReader>(std::move(table), batch_rows);
}

}  // namespace tessera::offline
