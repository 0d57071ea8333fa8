// ReadOnlineFeatures against a plan compiled from definitions in memory:
// ONE store read per request, each (view version, distinct key) looked up
// once, a list feature round-trips, and a stored row that does not decode
// is Corruption naming the view and row (never a crash).
#include "tessera/online/online_reader.h"

#include <gtest/gtest.h>

#include "tessera/core/entity_key.h"
#include "tessera/online/memory_online_store.h"
#include "tessera/online/read_plan.h"

namespace tessera::online {
namespace {

// A MemoryOnlineStore that counts Read calls and lookups.
class CountingStore final : public OnlineStore {
 public:
  Result<int64_t> Write(const ViewId& view, std::span<const OnlineWrite> rows) override {
    return inner_.Write(view, rows);
  }
  Status CompareAndWrite(const ViewId& view, std::span<const OnlineCompareWrite> rows,
                         std::vector<uint8_t>* stored) override {
    return inner_.CompareAndWrite(view, rows, stored);
  }
  Status Read(std::span<const OnlineLookup> lookups,
              std::vector<std::optional<OnlineRow>>* out) override {
    ++reads;
    looked_up += static_cast<int64_t>(lookups.size());
    return inner_.Read(lookups, out);
  }
  Status DeleteView(const ViewId& view) override { return inner_.DeleteView(view); }
  Status Ping() override { return Status::OK(); }
  std::string Describe() const override { return "counting"; }

  int reads = 0;
  int64_t looked_up = 0;

 private:
  MemoryOnlineStore inner_;
};

registry::FeatureDef Feature(const std::string& name, DataType type) {
  registry::FeatureDef f;
  f.name = name;
  f.type = type;
  return f;
}

class OnlineReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& defs = snapshot_.repo.definitions;
    defs.entities = {{"user", {{"user_id", DataType::Int64()}}, {}, {}}};
    registry::FeatureView a;
    a.name = "a";
    a.entities = {"user"};
    a.source = "s";
    a.features = {Feature("x", DataType::Int64()), Feature("emb", DataType::List(TypeId::kFloat))};
    registry::FeatureView b = a;
    b.name = "b";
    b.features = {Feature("y", DataType::String())};
    defs.feature_views = {a, b};
    snapshot_.versions[{registry::ObjectKind::kFeatureView, "a"}] = 1;
    snapshot_.versions[{registry::ObjectKind::kFeatureView, "b"}] = 1;
  }

  std::string Key(int64_t id) {
    EntityKey::Builder b;
    b.AppendInt(id);
    return b.Build().bytes();
  }

  void Put(const std::string& view, int64_t id, std::string values) {
    std::string key = Key(id);
    OnlineWrite w{key, RowRank{10, kNullCreatedTs, 0}, values};
    ASSERT_TRUE(store_.Write(ViewId{view, 1}, {&w, 1}).ok());
  }

  static RecordBatchPtr Ids(const std::vector<int64_t>& ids) {
    RecordBatchBuilder builder(*Schema::Make({{"user_id", DataType::Int64()}}));
    for (int64_t id : ids) EXPECT_TRUE(builder.AppendRow({Value::Int64(id)}).ok());
    return *builder.Finish();
  }

  CatalogSnapshot snapshot_;
  CountingStore store_;
};

TEST_F(OnlineReaderTest, OneReadEachDistinctKeyOnce) {
  RowCodec a({DataType::Int64(), DataType::List(TypeId::kFloat)});
  // Encode through builders: x = 7, emb = [0.5, -0.0].
  Int64Builder xb(DataType::Int64());
  ASSERT_TRUE(xb.Append(7).ok());
  ListBuilder eb(DataType::List(TypeId::kFloat));
  ASSERT_TRUE(eb.StartList().ok());
  ASSERT_TRUE(static_cast<FloatBuilder*>(eb.child())->Append(0.5f).ok());
  ASSERT_TRUE(static_cast<FloatBuilder*>(eb.child())->Append(-0.0f).ok());
  ArrayPtr xs = *xb.Finish();
  ArrayPtr es = *eb.Finish();
  std::vector<const Array*> columns = {xs.get(), es.get()};
  std::string bytes;
  ASSERT_TRUE(a.EncodeRow(columns, 0, &bytes).ok());
  Put("a", 1, bytes);

  auto plan = GetReadPlan(snapshot_, {"a:emb", "b:y", "a:x"}, "", false);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  auto out = ReadOnlineFeatures(**plan, *Ids({1, 2, 1, 1, 2}), &store_, 100);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(store_.reads, 1);
  EXPECT_EQ(store_.looked_up, 4);  // 2 views x 2 distinct keys
  ASSERT_EQ(out->names, (std::vector<std::string>{"user_id", "emb", "y", "x"}));
  EXPECT_EQ(out->values[1]->GetValue(0).ToString(), "[0.5, -0]");
  EXPECT_EQ(out->values[1]->GetValue(3).ToString(), "[0.5, -0]");
  EXPECT_TRUE(out->values[1]->IsNull(1));
  EXPECT_EQ(out->values[3]->GetValue(2).ToString(), "7");
  EXPECT_EQ(out->statuses[2][0], ValueStatus::kNotFound);
  EXPECT_EQ(out->event_timestamps[3][4], 0);
  EXPECT_EQ(out->event_timestamps[3][3], 10);

  // The plan is cached in the snapshot: the same request gets the same one.
  auto again = GetReadPlan(snapshot_, {"a:emb", "b:y", "a:x"}, "", false);
  EXPECT_EQ(again->get(), plan->get());
  // No rows: no store read at all.
  auto none = ReadOnlineFeatures(**plan, *Ids({}), &store_, 100);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(store_.reads, 1);
  EXPECT_EQ(none->values[1]->length(), 0);
}

TEST_F(OnlineReaderTest, UndecodableRowIsCorruption) {
  Put("b", 3, std::string("\xff\x01garbage", 9));
  auto plan = GetReadPlan(snapshot_, {"b:y"}, "", false);
  ASSERT_TRUE(plan.ok());
  auto out = ReadOnlineFeatures(**plan, *Ids({4, 3}), &store_, 100);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(out.status().message().rfind(
                "online row of feature view 'b' version 1 for entities.user_id[1]: ", 0),
            0u)
      << out.status().message();
}

}  // namespace
}  // namespace tessera::online
