// A feature repo in a scratch folder for the materialization tests: CSV
// sources, definitions applied to its registry, ingests into source logs,
// runs of online::Materialize into a MemoryOnlineStore, and the reference:
// the training set (offline::BuildTrainingSet, what `historical` runs) for
// a spine of every key at END, compared with the online rows key by key.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tessera/core/entity_key.h"
#include "tessera/core/time.h"
#include "tessera/core/value.h"
#include "tessera/offline/ingest.h"
#include "tessera/offline/training_set.h"
#include "tessera/online/materializer.h"
#include "tessera/online/memory_online_store.h"
#include "tessera/online/row_codec.h"
#include "tessera/online/window_writer.h"
#include "tessera/registry/loader.h"
#include "tessera/registry/registry.h"

namespace tessera::online::testing {

namespace fs = std::filesystem;

inline int64_t Sec(int64_t s) { return s * kMicrosPerSecond; }
inline std::string Ts(int64_t micros) { return FormatTimestamp(micros); }

inline std::string KeyBytes(int64_t id) {
  EntityKey::Builder b;
  b.AppendInt(id);
  return b.Build().bytes();
}

class MaterializeRepo {
 public:
  MaterializeRepo() {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("tessera_materialize_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "features");
    Write("tessera.yaml", "project: p\n");  // the test owns the store
  }
  ~MaterializeRepo() { fs::remove_all(dir_); }

  std::string Path(const std::string& rel) const { return (dir_ / rel).string(); }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }

  // Loads and applies the repo's definitions.
  void Apply() {
    auto repo = registry::LoadRepo(dir_.string());
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = *repo;
    auto applied = registry::Registry::ApplyTo(RegistryPath(), {}, repo_.definitions, "test");
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  }

  // Ingests CSV `text` into `source`'s log (one commit).
  void Ingest(const std::string& source, const std::string& text) {
    std::string file = Path("ingest_" + std::to_string(ingests_++) + ".csv");
    std::ofstream(file) << text;
    auto result = offline::Ingest(repo_, source, {file});
    ASSERT_TRUE(result.ok()) << result.status().ToString();
  }

  std::string RegistryPath() const { return Path("data/registry.db"); }

  MaterializeSpec Spec(int64_t start, int64_t end, std::vector<std::string> views = {}) {
    MaterializeSpec spec;
    spec.repo_root = repo_.root;
    spec.offline_root = offline::OfflineRoot(repo_);
    spec.project = repo_.config.project;
    spec.registry_path = RegistryPath();
    spec.open_store = [this]() -> Result<OnlineStore*> { return &store_; };
    spec.windows = &windows_;
    spec.start_micros = start;
    spec.end_micros = end;
    spec.views = std::move(views);
    spec.num_threads = 2;
    spec.write_batch_rows = 7;  // several Write calls even on small data
    return spec;
  }
  MaterializeSpec Incremental(int64_t end, std::vector<std::string> views = {}) {
    MaterializeSpec spec = Spec(0, end, std::move(views));
    spec.incremental = true;
    return spec;
  }

  Result<std::vector<ViewMaterialized>> Run(const MaterializeSpec& spec) {
    return Materialize(spec);
  }

  std::vector<registry::MaterializedView> Records() {
    registry::RegistryOptions options;
    options.read_only = true;
    auto reg = registry::Registry::Open(RegistryPath(), options);
    EXPECT_TRUE(reg.ok()) << reg.status().ToString();
    if (!reg.ok()) return {};
    auto views = (*reg)->MaterializedViews();
    EXPECT_TRUE(views.ok()) << views.status().ToString();
    return views.ok() ? *views : std::vector<registry::MaterializedView>{};
  }

  const registry::FeatureView& View(const std::string& name) const {
    for (const auto& v : repo_.definitions.feature_views) {
      if (v.name == name) return v;
    }
    static registry::FeatureView none;
    ADD_FAILURE() << "no view " << name;
    return none;
  }

  // The online row of key `id` in `view` version `version`.
  std::optional<OnlineRow> Online(const std::string& view, int64_t id, int64_t version = 1) {
    ViewId vid{view, version};
    std::string key = KeyBytes(id);
    OnlineLookup lookup{&vid, key};
    std::vector<std::optional<OnlineRow>> out;
    EXPECT_TRUE(store_.Read({&lookup, 1}, &out).ok());
    return out.empty() ? std::nullopt : out[0];
  }

  // Every online row of `view` for keys 1..max_id, as text (for exact
  // before/after comparisons).
  std::string DumpOnline(const std::string& view, int64_t max_id, int64_t version = 1) {
    std::string out;
    for (int64_t id = 1; id <= max_id; ++id) {
      auto row = Online(view, id, version);
      if (!row) continue;
      out += std::to_string(id) + ":" + std::to_string(row->rank.event_ts) + "," +
             std::to_string(row->rank.created_ts) + "," + std::to_string(row->rank.ingest_seq) +
             "," + row->values + "\n";
    }
    return out;
  }

  // The decoded values of an online row, as Value::ToString texts.
  std::vector<std::string> Decode(const registry::FeatureView& view, const OnlineRow& row) {
    std::vector<DataType> types;
    for (const auto& f : view.features) types.push_back(f.type);
    RowCodec codec(types);
    std::vector<std::unique_ptr<ArrayBuilder>> builders;
    std::vector<ArrayBuilder*> raw;
    for (DataType t : types) {
      builders.push_back(ArrayBuilder::Make(t));
      raw.push_back(builders.back().get());
    }
    Status s = codec.DecodeRow(row.values, raw);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::vector<std::string> out;
    for (auto& b : builders) {
      auto array = b->Finish();
      EXPECT_TRUE(array.ok());
      out.push_back(array.ok() && (*array)->length() == 1 ? (*array)->GetValue(0).ToString()
                                                          : "<bad>");
    }
    return out;
  }

  // The training set of `view` for a spine of keys 1..max_id at `at`.
  RecordBatchPtr Historical(const std::string& view, int64_t max_id, int64_t at) {
    auto schema =
        *Schema::Make({{"user_id", DataType::Int64()}, {"event_timestamp", DataType::Timestamp()}});
    RecordBatchBuilder builder(schema);
    for (int64_t id = 1; id <= max_id; ++id) {
      EXPECT_TRUE(builder.AppendRow({Value::Int64(id), Value::Timestamp(at)}).ok());
    }
    auto spine_batch = builder.Finish();
    EXPECT_TRUE(spine_batch.ok());
    VectorBatchReader spine(schema, {*spine_batch});
    offline::TrainingSetRequest r;
    r.repo_root = repo_.root;
    r.offline_root = offline::OfflineRoot(repo_);
    r.project = repo_.config.project;
    r.definitions = repo_.definitions;
    r.features = {view};
    r.full_feature_names = true;
    r.with_timestamps = true;
    r.num_threads = 2;
    auto set = offline::BuildTrainingSet(r, &spine);
    EXPECT_TRUE(set.ok()) << set.status().ToString();
    return set.ok() ? set->table : nullptr;
  }

  // For every key 1..max_id: the online row of `view` (as a read at `end`
  // sees it: a row outside max age counts as none) equals the training
  // set's row at `end`: the same event_ts and the same feature values.
  // Returns how many keys have a row.
  int64_t ExpectOnlineEqualsHistorical(const std::string& view_name, int64_t max_id, int64_t end,
                                       int64_t version = 1) {
    const registry::FeatureView& view = View(view_name);
    RecordBatchPtr table = Historical(view_name, max_id, end);
    if (table == nullptr) return -1;
    const int ts_column = table->num_columns() - 1;
    int64_t present = 0;
    for (int64_t i = 0; i < max_id; ++i) {
      const int64_t id = i + 1;
      std::optional<OnlineRow> row = Online(view_name, id, version);
      if (row && view.ttl > 0 && row->rank.event_ts <= end - view.ttl) row.reset();
      if (table->column(ts_column)->IsNull(i)) {
        EXPECT_FALSE(row.has_value()) << view_name << " key " << id << ": online has a row at "
                                      << Ts(row->rank.event_ts) << ", historical none";
        continue;
      }
      ++present;
      if (!row) {
        ADD_FAILURE() << view_name << " key " << id << ": no online row, historical has one";
        continue;
      }
      EXPECT_EQ(row->rank.event_ts, table->column(ts_column)->GetInt64(i))
          << view_name << " key " << id;
      std::vector<std::string> expected;
      for (size_t f = 0; f < view.features.size(); ++f) {
        expected.push_back(table->column(2 + static_cast<int>(f))->GetValue(i).ToString());
      }
      EXPECT_EQ(Decode(view, *row), expected) << view_name << " key " << id;
    }
    return present;
  }

  MemoryOnlineStore& store() { return store_; }
  const registry::LoadedRepo& repo() const { return repo_; }

 private:
  fs::path dir_;
  registry::LoadedRepo repo_;
  MemoryOnlineStore store_;
  WindowWriter windows_;
  int ingests_ = 0;
};

}  // namespace tessera::online::testing
