// FeatureStore: the facade over the registry (plan, apply, definitions read
// back) and the offline store (ingest, training sets).
#include "tessera/feature_store.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <thread>

#include "tessera/facade/feature_store_impl.h"
#include "tessera/facade/plan_summary.h"
#include "tessera/format/csv/csv.h"
#include "tessera/format/parquet/reader.h"
#include "tessera/offline/ingest.h"
#include "tessera/offline/training_set.h"
#include "tessera/registry/canonical.h"
#include "tessera/registry/loader.h"
#include "tessera/registry/pinned_refs.h"
#include "tessera/registry/registry.h"
#include "tessera/registry/source_check.h"

namespace tessera {

namespace fs = std::filesystem;

namespace {

// "a\nb": one line per error, as plan and apply list them.
Status Errors(const std::vector<registry::LoadError>& errors) {
  std::string message;
  for (const registry::LoadError& e : errors) {
    message += (message.empty() ? "" : "\n") + e.ToString();
  }
  return Status::Invalid(std::move(message));
}

// The lower-case extension of `path` (".csv").
std::string Extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace

Result<std::unique_ptr<registry::Registry>> FeatureStore::Impl::OpenRegistry() const {
  std::string path = RegistryPath();
  if (facade::RegistryIsNew(path)) {
    return Status::NotFound("registry '" + config.config.registry_path +
                            "' does not exist yet: run tessera apply first");
  }
  return registry::Registry::Open(path, Options(true));
}

Result<registry::LoadedRepo> FeatureStore::Impl::LoadChecked() const {
  registry::LoadedRepo repo;
  std::vector<registry::LoadError> errors = registry::LoadRepoCollectErrors(repo_dir, &repo);
  if (!errors.empty()) return Errors(errors);
  errors = registry::CheckSourceFiles(repo);
  if (!errors.empty()) return Errors(errors);
  return repo;
}

PlanSummary FeatureStore::Impl::Summarize(const registry::Plan& plan) const {
  PlanSummary summary = facade::SummarizePlan(plan);
  summary.project = config.config.project;
  summary.registry_path = config.config.registry_path;
  return summary;
}

FeatureStore::FeatureStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FeatureStore::~FeatureStore() = default;

const std::string& FeatureStore::repo_dir() const { return impl_->repo_dir; }

Result<std::unique_ptr<FeatureStore>> FeatureStore::Open(const std::string& repo_dir) {
  return Open(repo_dir, StoreOptions{});
}

Result<std::unique_ptr<FeatureStore>> FeatureStore::Open(const std::string& repo_dir,
                                                         const StoreOptions& options) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(repo_dir) / "tessera.yaml", ec)) {
    return Status::NotFound("no tessera.yaml in " + repo_dir + ": not a feature repo");
  }
  auto impl = std::make_unique<Impl>();
  impl->repo_dir = repo_dir;
  impl->env = options.env != nullptr ? options.env : Env::Default();
  std::vector<registry::LoadError> errors = registry::LoadRepoConfig(repo_dir, &impl->config);
  if (!errors.empty()) return Errors(errors);
  if (impl->config.root.empty()) impl->config.root = fs::absolute(repo_dir).string();
  return std::unique_ptr<FeatureStore>(new FeatureStore(std::move(impl)));
}

Result<PlanSummary> FeatureStore::Plan() {
  TS_ASSIGN_OR_RETURN(registry::LoadedRepo repo, impl_->LoadChecked());
  std::string path = impl_->RegistryPath();
  if (facade::RegistryIsNew(path)) {
    TS_ASSIGN_OR_RETURN(auto forms, registry::CanonicalizeAll(repo.definitions));
    registry::Plan plan = registry::DiffObjects({}, forms);
    std::vector<registry::LoadError> errors =
        registry::CheckPinnedReferences(repo.definitions, plan, /*stored=*/{});
    if (!errors.empty()) return Errors(errors);
    return impl_->Summarize(plan);
  }
  TS_ASSIGN_OR_RETURN(auto reg, registry::Registry::Open(path, impl_->Options(true)));
  TS_ASSIGN_OR_RETURN(registry::Plan plan, reg->ComputePlan(repo.definitions));
  return impl_->Summarize(plan);
}

Result<PlanSummary> FeatureStore::Apply(const std::string& user) {
  TS_ASSIGN_OR_RETURN(registry::LoadedRepo repo, impl_->LoadChecked());
  TS_ASSIGN_OR_RETURN(registry::ApplyResult result,
                      registry::Registry::ApplyTo(impl_->RegistryPath(), impl_->Options(false),
                                                  repo.definitions, user));
  PlanSummary summary = impl_->Summarize(result.plan);
  summary.applied = result.changed;
  summary.registry_version = result.registry_version;
  return summary;
}

Result<IngestSummary> FeatureStore::Ingest(const std::string& source,
                                           const std::vector<std::string>& files) {
  // Rows are checked against the applied definitions, the ones training
  // sets read them with.
  TS_ASSIGN_OR_RETURN(std::unique_ptr<registry::Registry> reg, impl_->OpenRegistry());
  TS_ASSIGN_OR_RETURN(registry::LiveDefinitions live, reg->LiveDefinitionsNow());
  registry::LoadedRepo repo = impl_->config;
  repo.definitions = std::move(live.definitions);
  TS_ASSIGN_OR_RETURN(offline::IngestResult result, offline::Ingest(repo, source, files));
  return IngestSummary{result.log_source, result.num_rows, result.first_seq, result.last_seq,
                       result.ignored_columns};
}

Result<std::unique_ptr<RecordBatchReader>> FeatureStore::OpenSpineFile(
    const std::string& path, const std::string& timestamp_column) {
  std::string ext = Extension(path);
  if (ext != ".parquet" && ext != ".csv") {
    return Status::Invalid("spine file '" + path + "': unknown extension '" + ext +
                           "' (expected .parquet or .csv)");
  }
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    return Status::NotFound("spine file '" + path + "' does not exist");
  if (ext == ".parquet") {
    parquet::ReadOptions options;  // row groups decoded on every core
    options.num_threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    TS_ASSIGN_OR_RETURN(auto reader, parquet::ParquetReader::Open(path, options));
    return std::unique_ptr<RecordBatchReader>(std::move(reader));
  }
  TS_ASSIGN_OR_RETURN(std::unique_ptr<registry::Registry> reg, impl_->OpenRegistry());
  TS_ASSIGN_OR_RETURN(registry::LiveDefinitions live, reg->LiveDefinitionsNow());
  TS_ASSIGN_OR_RETURN(SchemaPtr inferred, csv::InferCsvSchema(path));
  std::vector<Field> fields = inferred->fields();
  for (Field& f : fields) {
    if (f.name == timestamp_column) f.type = DataType::Timestamp();
    for (const registry::Entity& e : live.definitions.entities) {
      for (const registry::JoinKey& k : e.join_keys) {
        if (k.name == f.name) f.type = k.type;
      }
    }
  }
  TS_ASSIGN_OR_RETURN(SchemaPtr schema, Schema::Make(std::move(fields)));
  TS_ASSIGN_OR_RETURN(auto reader, csv::CsvReader::Open(path, schema));
  return std::unique_ptr<RecordBatchReader>(std::move(reader));
}

Result<std::unique_ptr<RecordBatchReader>> FeatureStore::GetHistoricalFeatures(
    std::unique_ptr<RecordBatchReader> spine, const HistoricalRequest& request) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<registry::Registry> reg, impl_->OpenRegistry());
  TS_ASSIGN_OR_RETURN(registry::LiveDefinitions live, reg->LiveDefinitionsNow());
  offline::TrainingSetRequest r;
  r.repo_root = impl_->config.root;
  r.offline_root = offline::OfflineRoot(impl_->config);
  r.project = impl_->config.config.project;
  r.definitions = std::move(live.definitions);
  for (const auto& [ref, version] : live.versions) {
    if (ref.kind == registry::ObjectKind::kFeatureView) r.view_versions[ref.name] = version;
  }
  registry::Registry* raw = reg.get();
  r.view_at = [raw](const std::string& name, int64_t version) {
    return raw->FeatureViewAt(name, version);
  };
  if (!request.features.empty()) {
    r.features = request.features;
  } else {
    TS_ASSIGN_OR_RETURN(r.features,
                        offline::ExpandFeatureService(r.definitions, request.feature_service));
  }
  r.timestamp_column = request.timestamp_column;
  r.full_feature_names = request.full_feature_names;
  r.with_timestamps = request.with_timestamps;
  r.num_threads = request.num_threads > 0
                      ? request.num_threads
                      : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (request.progress) {
    auto progress = request.progress;
    r.progress = [progress](const offline::TrainingSetProgress& p) {
      progress(HistoricalProgress{p.stage, p.done, p.total});
    };
  }
  TS_ASSIGN_OR_RETURN(offline::TrainingSet set, offline::BuildTrainingSet(r, spine.get()));
  if (request.warnings != nullptr) {
    request.warnings->insert(request.warnings->end(), set.warnings.begin(), set.warnings.end());
  }
  return offline::SliceReader(std::move(set.table));
}

}  // namespace tessera
