#include "tessera/online/materializer.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "tessera/core/saturating.h"
#include "tessera/core/suggest.h"
#include "tessera/core/time.h"
#include "tessera/offline/join_input.h"
#include "tessera/offline/parallel_for.h"
#include "tessera/offline/source_log.h"
#include "tessera/offline/view_features.h"
#include "tessera/offline/view_input.h"
#include "tessera/offline/window_features.h"
#include "tessera/online/latest_rows.h"
#include "tessera/online/row_codec.h"
#include "tessera/online/window_backfill.h"

namespace tessera::online {
namespace {

using registry::FeatureView;
using registry::RepoDefinitions;

template <typename T>
const T* FindByName(const std::vector<T>& objects, const std::string& name) {
  for (const T& o : objects) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

// Checks that `view` can be materialized.
Status CheckMaterializable(const FeatureView& view) {
  if (!view.online) {
    return Status::Invalid("feature view " + Quoted(view.name) +
                           " is not online (online: false): it has no online rows");
  }
  return Status::OK();
}

// The views `names` asks for, in that order without repeats; none asked:
// every online view, in name order.
Result<std::vector<const FeatureView*>> SelectViews(const RepoDefinitions& defs,
                                                    const std::vector<std::string>& names) {
  std::vector<const FeatureView*> out;
  if (names.empty()) {
    for (const FeatureView& v : defs.feature_views) {
      if (v.online) out.push_back(&v);
    }
    return out;
  }
  for (const std::string& name : names) {
    const FeatureView* view = FindByName(defs.feature_views, name);
    if (view == nullptr) {
      if (FindByName(defs.on_demand_feature_views, name) != nullptr) {
        return Status::Invalid(Quoted(name) +
                               " is an on-demand view: its features are computed when read, "
                               "not materialized");
      }
      std::vector<std::string> known;
      for (const FeatureView& v : defs.feature_views) known.push_back(v.name);
      return Status::NotFound("no feature view named " + Quoted(name) + DidYouMean(name, known));
    }
    TS_RETURN_NOT_OK(CheckMaterializable(*view));
    if (std::find(out.begin(), out.end(), view) == out.end()) out.push_back(view);
  }
  return out;
}

// One view's run, prepared before anything is written.
struct ViewPlan {
  const FeatureView* view = nullptr;
  int64_t version = 0;
  std::optional<registry::MaterializedView> record;  // of this version
  int64_t start = 0;  // exclusive; INT64_MIN: before the earliest row
  std::vector<Field> keys;
  const registry::Source* source = nullptr;  // the batch source
  std::unique_ptr<offline::ViewFeatures> features;
  std::unique_ptr<RowCodec> codec;
  std::unique_ptr<agg::WindowPlan> window;  // an aggregated view: its plan
};

class Run {
 public:
  explicit Run(const MaterializeSpec& spec) : spec_(spec) {}

  Result<std::vector<ViewMaterialized>> Go() {
    if (!spec_.open_store) return Status::Invalid("materialize: no online store");
    if (!spec_.incremental && spec_.end_micros <= spec_.start_micros) {
      return Status::Invalid("END " + FormatTimestamp(spec_.end_micros) + " is not after START " +
                             FormatTimestamp(spec_.start_micros));
    }
    TS_RETURN_NOT_OK(LoadRegistry());
    TS_ASSIGN_OR_RETURN(std::vector<const FeatureView*> views, SelectViews(defs_, spec_.views));
    std::map<std::string, registry::SourceSchema> schemas =
        offline::ResolveViewSourceSchemas(spec_.repo_root, spec_.project, defs_);
    std::vector<ViewPlan> plans;
    for (const FeatureView* view : views) {
      TS_ASSIGN_OR_RETURN(ViewPlan plan, Prepare(*view, schemas));
      plans.push_back(std::move(plan));
    }
    TS_ASSIGN_OR_RETURN(store_, spec_.open_store());
    // Feature views run side by side (each scan reduces on one thread, so
    // a second view keeps a second core busy); aggregated views after them,
    // one at a time. The first error in plan order is returned (views
    // before it, and views run beside it, are materialized and recorded).
    std::vector<std::optional<Result<ViewMaterialized>>> done(plans.size());
    std::vector<size_t> rows_views, window_views;
    for (size_t i = 0; i < plans.size(); ++i) {
      (plans[i].window == nullptr ? rows_views : window_views).push_back(i);
    }
    const int side_by_side = std::max(1, std::min(spec_.num_threads, spec_.parallel_views));
    if (side_by_side > 1 && rows_views.size() > 1) {
      // One progress line for the scans running together (their stages
      // alternating would start a new line each time).
      all_scans_stage_ = "scan";
      for (size_t i : rows_views) {
        all_scans_stage_ += (i == rows_views.front() ? " " : ", ") + plans[i].view->name;
      }
      scanning_ = static_cast<int>(rows_views.size());  // until each view's scan is done
    }
    offline::ParallelFor(static_cast<int64_t>(rows_views.size()), side_by_side,
                         [&](int, int64_t begin, int64_t end) {
                           for (int64_t i = begin; i < end; ++i) {
                             done[rows_views[i]] = Materialize(plans[rows_views[i]]);
                           }
                         });
    bool failed = false;
    for (size_t i : rows_views) failed = failed || !done[i]->ok();
    for (size_t i : window_views) {
      if (failed) break;
      done[i] = Materialize(plans[i]);
      failed = !done[i]->ok();
    }
    std::vector<ViewMaterialized> out;
    for (std::optional<Result<ViewMaterialized>>& view : done) {
      if (!view) break;  // after a failed aggregated view
      TS_ASSIGN_OR_RETURN(ViewMaterialized d, std::move(*view));
      out.push_back(std::move(d));
    }
    return out;
  }

 private:
  // The live definitions, their versions and the materialization records.
  Status LoadRegistry() {
    registry::RegistryOptions options = spec_.registry_options;
    options.read_only = true;
    TS_ASSIGN_OR_RETURN(auto reg, registry::Registry::Open(spec_.registry_path, options));
    TS_ASSIGN_OR_RETURN(registry::LiveDefinitions live, reg->LiveDefinitionsNow());
    defs_ = std::move(live.definitions);
    versions_ = std::move(live.versions);
    TS_ASSIGN_OR_RETURN(records_, reg->MaterializedViews());
    return Status::OK();
  }

  Result<ViewPlan> Prepare(const FeatureView& view,
                           const std::map<std::string, registry::SourceSchema>& schemas) {
    ViewPlan plan;
    plan.view = &view;
    auto version =
        versions_.find(registry::ObjectRef{registry::ObjectKind::kFeatureView, view.name});
    if (version == versions_.end()) {
      return Status::Internal("feature view " + Quoted(view.name) + " has no version");
    }
    plan.version = version->second;
    for (const registry::MaterializedView& r : records_) {
      if (r.view == view.name && r.version == plan.version) plan.record = r;
    }
    plan.start = spec_.start_micros;
    if (!view.aggregations.empty()) return PrepareWindows(view, schemas, std::move(plan));
    if (spec_.incremental) {
      plan.start = INT64_MIN;
      if (plan.record && !plan.record->intervals.empty()) {
        plan.start = plan.record->intervals.back().second;
        if (plan.start >= spec_.end_micros) {
          return Status::Invalid("feature view " + Quoted(view.name) + " (version " +
                                 std::to_string(plan.version) + ") is materialized up to " +
                                 FormatTimestamp(plan.start) + "; END " +
                                 FormatTimestamp(spec_.end_micros) + " must be later");
        }
      }
    }
    TS_ASSIGN_OR_RETURN(plan.keys, offline::ViewJoinKeys(defs_, view));
    TS_ASSIGN_OR_RETURN(plan.source, offline::ViewBatchSource(defs_, view));
    std::vector<registry::SourceColumn> columns =
        offline::ViewSourceColumns(view, plan.keys, *plan.source, schemas);
    TS_ASSIGN_OR_RETURN(offline::ViewFeatures features, offline::ViewFeatures::Make(view, columns));
    plan.features = std::make_unique<offline::ViewFeatures>(std::move(features));
    std::vector<DataType> types;
    for (const registry::FeatureDef& f : view.features) types.push_back(f.type);
    plan.codec = std::make_unique<RowCodec>(std::move(types));
    return plan;
  }

  // An aggregated view: its window plan. START and END do not apply: its
  // windows are relative to now.
  Result<ViewPlan> PrepareWindows(const FeatureView& view,
                                  const std::map<std::string, registry::SourceSchema>& schemas,
                                  ViewPlan plan) {
    if (spec_.windows == nullptr) {
      return Status::Internal("materialize: no window writer for aggregated views");
    }
    TS_ASSIGN_OR_RETURN(plan.keys, offline::ViewJoinKeys(defs_, view));
    TS_ASSIGN_OR_RETURN(plan.source, offline::ViewBatchSource(defs_, view));
    TS_ASSIGN_OR_RETURN(agg::WindowPlan window, offline::ViewWindowPlan(defs_, view, schemas));
    plan.window = std::make_unique<agg::WindowPlan>(std::move(window));
    return plan;
  }

  // An aggregated view: its window state rebuilt at now (window_backfill.h),
  // recorded as (now - largest window, now].
  Result<ViewMaterialized> MaterializeWindows(const ViewPlan& plan) {
    const FeatureView& view = *plan.view;
    WindowBackfillSpec b;
    b.repo_root = spec_.repo_root;
    b.offline_root = spec_.offline_root;
    b.project = spec_.project;
    b.source = plan.source;
    b.keys = plan.keys;
    b.plan = plan.window.get();
    b.id = ViewId{view.name, plan.version};
    b.now = spec_.env->NowMicros();
    b.num_threads = spec_.num_threads;
    b.env = spec_.env;
    b.store = store_;
    b.writer = spec_.windows;
    const std::string stage = "write " + view.name;
    b.progress = [&](int64_t done, int64_t total) { Progress(stage, done, total); };
    TS_ASSIGN_OR_RETURN(WindowBackfillResult done, BackfillWindows(b));
    ViewMaterialized out;
    out.view = view.name;
    out.version = plan.version;
    out.start_micros = SaturatingSub(b.now, plan.window->max_window);
    out.end_micros = b.now;
    out.rows_scanned = done.events_scanned + done.tail_events;
    out.rows_written = done.keys_written;
    TS_RETURN_NOT_OK(Record(plan, out.start_micros, out.end_micros, done.log_seq));
    return out;
  }

  // Offers the rows of `source` within `bounds` to `latest`; rows read.
  Result<int64_t> Scan(const ViewPlan& plan, const registry::Source& source,
                       const RowBounds& bounds, const std::string& stage, int64_t scanned,
                       LatestRows* latest) {
    offline::JoinInputSpec in;
    in.repo_root = spec_.repo_root;
    in.offline_root = spec_.offline_root;
    in.project = spec_.project;
    in.source = &source;
    in.keys = plan.keys;
    in.carried = plan.features->carried_columns();
    in.carried.push_back(Field{offline::kIngestSeqColumn, DataType::Int64()});  // last
    in.min_event_ts =
        bounds.min_event_ts_exclusive == INT64_MIN ? INT64_MIN : bounds.min_event_ts_exclusive + 1;
    in.max_event_ts = bounds.max_event_ts;
    in.num_threads = spec_.num_threads;
    in.env = spec_.env;
    TS_ASSIGN_OR_RETURN(std::unique_ptr<RecordBatchReader> rows, offline::OpenJoinInput(in));
    int64_t read = 0;
    while (true) {
      TS_ASSIGN_OR_RETURN(RecordBatchPtr batch, rows->Next());
      if (batch == nullptr) break;
      TS_RETURN_NOT_OK(latest->Add(*batch, bounds).status());
      read += batch->num_rows();
      ScanProgress(plan.view->name, stage, scanned + read);
    }
    return read;
  }

  // True when the log may hold rows committed after `log_seq` with an
  // event time in (floor, start]: late rows an incremental run applies.
  static bool MayHoldLateRows(const offline::Manifest& manifest, int64_t log_seq, int64_t floor,
                              int64_t start) {
    for (const offline::LogPart& part : manifest.parts) {
      if (part.last_seq > log_seq && part.min_event_ts <= start && part.max_event_ts > floor) {
        return true;
      }
    }
    return false;
  }

  Result<ViewMaterialized> Materialize(const ViewPlan& plan) {
    if (plan.window != nullptr) return MaterializeWindows(plan);
    ScanningGuard scanning(this);
    const FeatureView& view = *plan.view;
    const int64_t end = spec_.end_micros;
    // Read before the scan: rows committed meanwhile are left to the next
    // run (it offers them again; writing a row twice changes nothing).
    TS_ASSIGN_OR_RETURN(
        offline::Manifest manifest,
        offline::ReadManifest(spec_.env, offline::SourceLogDir(spec_.offline_root, spec_.project,
                                                               plan.source->name)));
    // Rows at or before end - ttl qualify for no spine row at end.
    const int64_t floor = view.ttl > 0 ? SaturatingSub(end, view.ttl) : INT64_MIN;
    LatestRows latest(plan.features.get(), plan.codec.get(), static_cast<int>(plan.keys.size()));
    const std::string scan_stage = "scan " + view.name;
    ViewMaterialized out;
    out.view = view.name;
    out.version = plan.version;
    TS_ASSIGN_OR_RETURN(out.rows_scanned,
                        Scan(plan, *plan.source, RowBounds{std::max(plan.start, floor), end, -1},
                             scan_stage, 0, &latest));
    if (spec_.incremental && plan.record &&
        MayHoldLateRows(manifest, plan.record->log_seq, floor, plan.start)) {
      registry::Source log_only = *plan.source;
      log_only.path.clear();
      TS_ASSIGN_OR_RETURN(int64_t late,
                          Scan(plan, log_only, RowBounds{floor, plan.start, plan.record->log_seq},
                               scan_stage, out.rows_scanned, &latest));
      out.rows_scanned += late;
    }

    scanning.Done();
    const ViewId id{view.name, plan.version};
    const std::string write_stage = "write " + view.name;
    const int64_t keys = latest.num_keys();
    // One view writes at a time (each WriteBulk uses the cores itself): a
    // view's rows go in key order, so its bulk files do not overlap each
    // other, and interleaving two views' files would leave overlapping
    // files for RocksDB to compact.
    std::lock_guard<std::mutex> write_turn(write_mu_);
    TS_RETURN_NOT_OK(latest.ForEachBatch(
        spec_.write_batch_rows, [&](std::span<const OnlineWrite> rows) -> Status {
          TS_ASSIGN_OR_RETURN(int64_t stored, store_->WriteBulk(id, rows));
          out.rows_written += stored;
          WriteProgress(write_stage, out.rows_written, keys);
          return Status::OK();
        }));

    out.start_micros = plan.start;
    out.end_micros = end;
    if (plan.start == INT64_MIN) {
      // A first incremental run covers from just before the earliest row it
      // applied; with none, nothing is recorded (the next run starts over).
      if (latest.min_event_ts() == INT64_MAX) {
        out.start_micros = end;
        return out;
      }
      out.start_micros = latest.min_event_ts() - 1;
    }
    TS_RETURN_NOT_OK(Record(plan, out.start_micros, end, LogSeqToRecord(plan, manifest, out)));
    return out;
  }

  // An incremental run applied every log row up to the manifest's last seq
  // (by event time, and late rows by sequence). A plain run applied them
  // only in its own interval, so it vouches for the sequence only when its
  // interval covers every one recorded before (else 0: the max keeps the
  // recorded one).
  int64_t LogSeqToRecord(const ViewPlan& plan, const offline::Manifest& manifest,
                         const ViewMaterialized& run) const {
    if (spec_.incremental || !plan.record || plan.record->intervals.empty()) {
      return manifest.last_seq;
    }
    const auto& intervals = plan.record->intervals;
    bool covers =
        run.start_micros <= intervals.front().first && run.end_micros >= intervals.back().second;
    return covers ? manifest.last_seq : 0;
  }

  Status Record(const ViewPlan& plan, int64_t start, int64_t end, int64_t log_seq) {
    std::lock_guard<std::mutex> lock(mu_);
    if (writer_ == nullptr) {
      registry::RegistryOptions options = spec_.registry_options;
      options.read_only = false;
      TS_ASSIGN_OR_RETURN(writer_, registry::Registry::Open(spec_.registry_path, options));
    }
    return writer_->RecordMaterialized(plan.view->name, plan.version, start, end, log_seq);
  }

  void Progress(const std::string& stage, int64_t done, int64_t total) {
    if (!spec_.progress) return;
    std::lock_guard<std::mutex> lock(mu_);
    spec_.progress(MaterializeProgress{stage, done, total});
  }

  // A view's scan progress; while views scan side by side, as one stage
  // summing their rows.
  void ScanProgress(const std::string& view, const std::string& stage, int64_t done) {
    if (!spec_.progress) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (all_scans_stage_.empty()) {
      spec_.progress(MaterializeProgress{stage, done, -1});
      return;
    }
    scanned_[view] = done;
    int64_t sum = 0;
    for (const auto& [name, rows] : scanned_) sum += rows;
    spec_.progress(MaterializeProgress{all_scans_stage_, sum, -1});
  }

  // A view's write progress, not shown while another view still scans
  // (the scans' line is showing).
  void WriteProgress(const std::string& stage, int64_t done, int64_t total) {
    if (!spec_.progress) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (scanning_ > 0) return;
    spec_.progress(MaterializeProgress{stage, done, total});
  }

  // Ends a view's scan for WriteProgress at Done() (or destruction, on an
  // error path). Views side by side count as scanning from the start, so a
  // view that has not started yet holds back the others' write progress.
  class ScanningGuard {
   public:
    explicit ScanningGuard(Run* run) : run_(run) {}
    ~ScanningGuard() { Done(); }
    void Done() {
      if (run_ == nullptr) return;
      std::lock_guard<std::mutex> lock(run_->mu_);
      if (run_->scanning_ > 0) --run_->scanning_;
      run_ = nullptr;
    }

   private:
    Run* run_;
  };

  const MaterializeSpec& spec_;
  RepoDefinitions defs_;
  std::map<registry::ObjectRef, int64_t> versions_;
  std::vector<registry::MaterializedView> records_;
  std::mutex mu_;        // views run on several threads: guards writer_ and progress calls
  std::mutex write_mu_;  // held by the view writing its rows
  // Progress of views side by side (under mu_): the combined scan stage
  // (empty: views run one at a time), rows scanned per view, scans running.
  std::string all_scans_stage_;
  std::map<std::string, int64_t> scanned_;
  int scanning_ = 0;
  std::unique_ptr<registry::Registry> writer_;
  OnlineStore* store_ = nullptr;
};

}  // namespace

Result<std::vector<ViewMaterialized>> Materialize(const MaterializeSpec& spec) {
  return Run(spec).Go();
}

}  // namespace tessera::online
