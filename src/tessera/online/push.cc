#include "tessera/online/push.h"

#include "tessera/core/entity_key.h"
#include "tessera/core/saturating.h"
#include "tessera/core/suggest.h"
#include "tessera/offline/ingest.h"
#include "tessera/offline/ingest_contract.h"
#include "tessera/offline/row_take.h"
#include "tessera/offline/source_log.h"
#include "tessera/offline/view_features.h"
#include "tessera/offline/view_input.h"
#include "tessera/offline/window_features.h"
#include "tessera/online/row_codec.h"
#include "tessera/online/window_writer.h"
#include "tessera/registry/source_schema.h"

namespace tessera::online {
namespace {

using registry::FeatureView;

// One view version the push writes.
struct PushView {
  ViewId id;
  std::shared_ptr<const offline::ViewFeatures> features;
  std::vector<int> carried;  // per carried column: its contract column
  std::vector<int> keys;     // join key contract columns, in key-encoding order
  std::shared_ptr<const RowCodec> codec;
};

// One aggregated view version whose window state the push feeds.
struct PushWindowView {
  ViewId id;
  std::shared_ptr<const agg::WindowPlan> plan;
  std::vector<int> keys;     // join key contract columns, in key-encoding order
  std::vector<int> columns;  // per plan column: its contract column
};

// What a push to one source does, compiled once per snapshot.
struct PushPlan {
  offline::IngestContract contract;
  bool always_log = false;  // the source feeds an aggregated view
  std::vector<PushView> views;
  std::vector<PushWindowView> window_views;
  // Retries: the event_id contract column of a source feeding aggregated
  // views (-1: none), and the largest window of those views.
  int event_id_column = -1;
  int64_t max_window = 0;
  int ts_column = -1;
  int created_column = -1;
};

template <typename T>
const T* FindByName(const std::vector<T>& objects, const std::string& name) {
  for (const T& o : objects) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

int ContractIndex(const offline::IngestContract& contract, const std::string& name) {
  for (size_t i = 0; i < contract.columns.size(); ++i) {
    if (contract.columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Status CheckPushSource(const registry::RepoDefinitions& defs, const std::string& name) {
  const registry::Source* source = FindByName(defs.sources, name);
  if (source == nullptr) {
    std::vector<std::string> names;
    for (const registry::Source& s : defs.sources) {
      if (s.kind == registry::SourceKind::kPush) names.push_back(s.name);
    }
    return Status::NotFound("no push source named " + Quoted(name) + DidYouMean(name, names));
  }
  if (source->kind != registry::SourceKind::kPush) {
    return Status::Invalid("source " + Quoted(name) + " is a " +
                           registry::SourceKindName(source->kind) +
                           " source; push takes a push source (tessera ingest appends files to "
                           "a batch source's log)");
  }
  return Status::OK();
}

// The version a push writes: the newest materialized one still reading
// this source, else the current one.
std::pair<int64_t, const FeatureView*> TargetVersion(const CatalogSnapshot& snap,
                                                     const FeatureView& current) {
  auto it = snap.newest_materialized.find(current.name);
  if (it != snap.newest_materialized.end() && it->second.second.source == current.source) {
    return {it->second.first, &it->second.second};
  }
  return {snap.CurrentVersion(current.name), &current};
}

// The contract columns of `def`'s join keys, entity by entity.
Result<std::vector<int>> KeyColumns(const CatalogSnapshot& snap, const FeatureView& def,
                                    const PushPlan& plan) {
  std::vector<int> keys;
  for (const std::string& entity_name : def.entities) {
    const registry::Entity* entity = FindByName(snap.repo.definitions.entities, entity_name);
    if (entity == nullptr) {
      return Status::Invalid("feature view " + Quoted(def.name) + " names entity " +
                             Quoted(entity_name) + ", which is not defined");
    }
    for (const registry::JoinKey& key : entity->join_keys) {
      int index = ContractIndex(plan.contract, key.name);
      if (index < 0) {
        return Status::Invalid("push source " + Quoted(plan.contract.source) + " has no column " +
                               Quoted(key.name) + " (join key of view " + Quoted(def.name) + ")");
      }
      keys.push_back(index);
    }
  }
  return keys;
}

Status AddView(const CatalogSnapshot& snap, const FeatureView& current,
               const std::vector<registry::SourceColumn>& source_columns, PushPlan* plan) {
  auto [version, def] = TargetVersion(snap, current);
  PushView v;
  v.id = ViewId{def->name, version};
  TS_ASSIGN_OR_RETURN(offline::ViewFeatures features,
                      offline::ViewFeatures::Make(*def, source_columns));
  v.features = std::make_shared<const offline::ViewFeatures>(std::move(features));
  for (const Field& c : v.features->carried_columns()) {
    int index = ContractIndex(plan->contract, c.name);
    if (index < 0) {
      return Status::Invalid("feature view " + Quoted(def->name) + " reads column " +
                             Quoted(c.name) + ", which push source " +
                             Quoted(plan->contract.source) + " does not have");
    }
    v.carried.push_back(index);
  }
  TS_ASSIGN_OR_RETURN(v.keys, KeyColumns(snap, *def, *plan));
  std::vector<DataType> types;
  for (const registry::FeatureDef& f : def->features) types.push_back(f.type);
  v.codec = std::make_shared<const RowCodec>(std::move(types));
  plan->views.push_back(std::move(v));
  return Status::OK();
}

// The window plan is the one training sets build (offline::ViewWindowPlan),
// so pushed events aggregate with the same types.
Status AddWindowView(const CatalogSnapshot& snap, const FeatureView& current,
                     const std::map<std::string, registry::SourceSchema>& view_schemas,
                     PushPlan* plan) {
  auto [version, def] = TargetVersion(snap, current);
  PushWindowView v;
  v.id = ViewId{def->name, version};
  TS_ASSIGN_OR_RETURN(agg::WindowPlan window,
                      offline::ViewWindowPlan(snap.repo.definitions, *def, view_schemas));
  v.plan = std::make_shared<const agg::WindowPlan>(std::move(window));
  TS_ASSIGN_OR_RETURN(v.keys, KeyColumns(snap, *def, *plan));
  for (const std::string& column : v.plan->column_names) {
    v.columns.push_back(ContractIndex(plan->contract, column));
  }
  plan->window_views.push_back(std::move(v));
  return Status::OK();
}

Result<std::shared_ptr<const PushPlan>> BuildPlan(const CatalogSnapshot& snap,
                                                  const std::string& source) {
  const registry::RepoDefinitions& defs = snap.repo.definitions;
  TS_RETURN_NOT_OK(CheckPushSource(defs, source));
  auto plan = std::make_shared<PushPlan>();
  TS_ASSIGN_OR_RETURN(plan->contract, offline::ResolveIngestContract(snap.repo, source));
  std::vector<registry::LoadError> ignored;  // plan and apply reported them
  auto schemas = registry::ResolveSourceSchemas(snap.repo, &ignored);
  std::vector<registry::SourceColumn> columns;
  if (auto it = schemas.find(source); it != schemas.end() && !it->second.sets.empty()) {
    columns = it->second.sets[0].columns;
  } else {
    for (const offline::ContractColumn& c : plan->contract.columns) {
      columns.push_back({c.name, c.type});
    }
  }
  std::map<std::string, registry::SourceSchema> view_schemas;  // resolved when needed
  for (const FeatureView& v : defs.feature_views) {
    if (v.source != source) continue;
    if (!v.aggregations.empty()) {
      plan->always_log = true;
      for (const registry::Aggregation& a : v.aggregations) {
        for (int64_t w : a.windows) plan->max_window = std::max(plan->max_window, w);
      }
      if (!v.online) continue;
      if (view_schemas.empty()) {
        view_schemas =
            offline::ResolveViewSourceSchemas(snap.repo.root, snap.repo.config.project, defs);
      }
      TS_RETURN_NOT_OK(AddWindowView(snap, v, view_schemas, plan.get()));
      continue;
    }
    if (v.online) TS_RETURN_NOT_OK(AddView(snap, v, columns, plan.get()));
  }
  plan->ts_column = ContractIndex(plan->contract, plan->contract.timestamp_column);
  if (plan->always_log) plan->event_id_column = ContractIndex(plan->contract, kEventIdColumn);
  const registry::Source* log = FindByName(defs.sources, plan->contract.log_source);
  if (log != nullptr && !log->created_timestamp_field.empty()) {
    plan->created_column = ContractIndex(plan->contract, log->created_timestamp_field);
  }
  return std::shared_ptr<const PushPlan>(std::move(plan));
}

// The online rows of one view, written.
Result<int64_t> WriteView(const PushPlan& plan, const PushView& view, const RecordBatch& rows,
                          std::span<const int64_t> seqs, OnlineStore* store) {
  const int64_t n = rows.num_rows();
  std::vector<ArrayPtr> carried;
  expr::EvalStats stats;  // an expression error is a null value, as in training sets
  for (size_t c = 0; c < view.carried.size(); ++c) {
    TS_ASSIGN_OR_RETURN(ArrayPtr column,
                        offline::CastArray(rows.column(view.carried[c]),
                                           view.features->carried_columns()[c].type, &stats));
    carried.push_back(std::move(column));
  }
  const Array& event_ts = *rows.column(plan.ts_column);
  TS_ASSIGN_OR_RETURN(std::vector<ArrayPtr> values,
                      view.features->Compute(carried, event_ts, &stats));
  std::vector<const Array*> columns;
  for (const ArrayPtr& a : values) columns.push_back(a.get());
  std::vector<std::string> keys(static_cast<size_t>(n));
  std::vector<std::string> encoded(static_cast<size_t>(n));
  std::vector<OnlineWrite> writes(static_cast<size_t>(n));
  const Array* created =
      plan.created_column >= 0 ? rows.column(plan.created_column).get() : nullptr;
  EntityKey::Builder builder;
  for (int64_t r = 0; r < n; ++r) {
    const size_t i = static_cast<size_t>(r);
    builder.Reset();
    for (int k : view.keys) TS_RETURN_NOT_OK(builder.AppendFromArray(*rows.column(k), r));
    keys[i] = builder.Build().bytes();
    TS_RETURN_NOT_OK(view.codec->EncodeRow(columns, r, &encoded[i]));
    RowRank rank;
    rank.event_ts = event_ts.GetInt64(r);
    if (created != nullptr && created->IsValid(r)) rank.created_ts = created->GetInt64(r);
    rank.ingest_seq = seqs[static_cast<size_t>(r)];
    writes[i] = OnlineWrite{keys[i], rank, encoded[i]};
  }
  return store->Write(view.id, writes);
}

// Applies the logged rows to the window state of every aggregated view the
// source feeds, ranked by (event_ts, created_ts, their _ingest_seq).
Status ApplyWindows(const PushPlan& plan, const RecordBatch& rows, std::span<const int64_t> seqs,
                    const PushContext& context, OnlineStore* store, PushOutcome* out) {
  const int64_t n = rows.num_rows();
  const Array& event_ts = *rows.column(plan.ts_column);
  const Array* created =
      plan.created_column >= 0 ? rows.column(plan.created_column).get() : nullptr;
  std::vector<agg::EventRank> ranks(static_cast<size_t>(n));
  for (int64_t r = 0; r < n; ++r) {  // the ranks training sets give logged rows
    const bool has_created = created != nullptr && created->IsValid(r);
    ranks[static_cast<size_t>(r)] = offline::WindowEventRank(event_ts.GetInt64(r), has_created,
                                                             has_created ? created->GetInt64(r) : 0,
                                                             true, seqs[static_cast<size_t>(r)], 0);
  }
  const int64_t now = context.env->NowMicros();
  for (const PushWindowView& view : plan.window_views) {
    WindowEvents events;
    events.rows = &rows;
    events.key_columns = view.keys;
    events.value_columns = view.columns;
    events.ranks = ranks;
    TS_ASSIGN_OR_RETURN(WindowApplyStats stats,
                        context.windows->Apply(view.id, *view.plan, events, now, store));
    out->window_events_applied += stats.applied;
    out->window_events_too_old += stats.too_old;
  }
  return Status::OK();
}

// The rows a push writes online, and each one's _ingest_seq (0: not logged).
struct OnlineRows {
  RecordBatchPtr rows;
  std::vector<int64_t> seqs;
};

// Client retries (a source feeding aggregated views, with an event_id
// column): commits the rows whose id no commit of any process holds, the
// filter deciding under the log's LOCK (event_id_filter.h). Returns them
// with their seqs, followed by the dropped rows that are events logged
// before, with their logged seqs (applying those online again changes
// nothing, or repairs what a pusher that died after its commit left
// undone). out->logged stays false when every row was a retry.
Result<OnlineRows> CommitNewEvents(const CatalogSnapshot& snapshot, const PushPlan& plan,
                                   const std::string& source, const RecordBatchPtr& rows,
                                   const PushContext& context, PushOutcome* out) {
  Env* env = context.env;
  offline::CommitSpec spec;
  spec.log_dir = offline::SourceLogDir(offline::OfflineRoot(snapshot.repo),
                                       snapshot.repo.config.project, plan.contract.log_source);
  spec.timestamp_column = plan.contract.timestamp_column;
  spec.env = env;
  EventIdFilter::SourceLog log{
      spec.log_dir, plan.contract.timestamp_column,
      plan.contract.columns[static_cast<size_t>(plan.event_id_column)].type, ""};
  if (plan.created_column >= 0) {
    log.created_column = plan.contract.columns[static_cast<size_t>(plan.created_column)].name;
  }
  const int64_t horizon = SaturatingSub(env->NowMicros(), plan.max_window);
  std::unique_lock<std::mutex> lock = context.event_ids->Lock(source);
  std::unique_ptr<EventIdFilter::Reader> reader = context.event_ids->Filter(
      source, log, rows, plan.event_id_column, plan.ts_column, plan.created_column, horizon, env);
  TS_ASSIGN_OR_RETURN(offline::LogPart part, offline::CommitBatches(reader.get(), spec));
  if (reader->kept() == nullptr) {
    return Status::Internal("push to " + source + ": the log commit did not read the rows");
  }
  out->duplicates_dropped = reader->dropped();
  if (part.num_rows > 0) {
    context.event_ids->Committed(*reader, part);
    out->logged = true;
    out->first_seq = part.first_seq;
    out->last_seq = part.last_seq;
  }
  lock.unlock();
  OnlineRows online;
  std::vector<offline::RowRef> refs;
  for (int64_t r = 0; r < part.num_rows; ++r) {
    refs.push_back(offline::RowRef{0, static_cast<uint32_t>(r)});
    online.seqs.push_back(part.first_seq + r);
  }
  for (size_t i = 0; i < reader->logged_rows().size(); ++i) {
    refs.push_back(offline::RowRef{1, reader->logged_rows()[i]});
    online.seqs.push_back(reader->logged_seqs()[i]);
  }
  if (reader->logged_rows().empty()) {
    online.rows = reader->kept();
  } else {
    TS_ASSIGN_OR_RETURN(online.rows,
                        offline::TakeRows(rows->schema(), {reader->kept(), rows}, refs, 1));
  }
  return online;
}

}  // namespace

Result<PushOutcome> PushRows(const CatalogSnapshot& snapshot, const std::string& source,
                             const RecordBatch& rows, PushTo to, const PushContext& context) {
  const auto& store = context.store;
  Env* env = context.env;
  TS_ASSIGN_OR_RETURN(
      std::shared_ptr<const PushPlan> plan,
      snapshot.Cached<PushPlan>("push:" + source, [&] { return BuildPlan(snapshot, source); }));
  TS_ASSIGN_OR_RETURN(RecordBatchPtr conformed, offline::ConformRows(plan->contract, rows, "rows"));
  PushOutcome out;
  out.source = source;
  out.rows = conformed->num_rows();
  if (out.rows == 0) return out;
  const bool windows = to != PushTo::kOffline && !plan->window_views.empty();
  if (windows && context.windows == nullptr) {
    return Status::Internal("push to " + source + ": no window writer for aggregated views");
  }
  const bool online = to != PushTo::kOffline && (!plan->views.empty() || windows);
  OnlineStore* online_store = nullptr;
  if (online) {  // before logging, so that a store that does not open changes nothing
    TS_ASSIGN_OR_RETURN(online_store, store());
  }
  OnlineRows written{conformed, std::vector<int64_t>(static_cast<size_t>(out.rows), 0)};
  const bool filter_ids = plan->event_id_column >= 0 && context.event_ids != nullptr;
  if (filter_ids) {
    TS_ASSIGN_OR_RETURN(written,
                        CommitNewEvents(snapshot, *plan, source, conformed, context, &out));
  } else if (to != PushTo::kOnline || plan->always_log) {
    offline::IngestOptions options;
    options.env = env;
    TS_ASSIGN_OR_RETURN(offline::IngestResult logged,
                        offline::IngestRows(snapshot.repo, source, *conformed, "rows", options));
    out.logged = true;
    out.first_seq = logged.first_seq;
    out.last_seq = logged.last_seq;
    for (int64_t r = 0; r < out.rows; ++r) written.seqs[static_cast<size_t>(r)] = out.first_seq + r;
  }
  if (!online || written.rows->num_rows() == 0) return out;
  if (windows) {
    TS_RETURN_NOT_OK(ApplyWindows(*plan, *written.rows, written.seqs, context, online_store, &out));
  }
  for (const PushView& view : plan->views) {
    TS_ASSIGN_OR_RETURN(int64_t stored,
                        WriteView(*plan, view, *written.rows, written.seqs, online_store));
    out.online_rows_written += stored;
  }
  return out;
}

}  // namespace tessera::online
