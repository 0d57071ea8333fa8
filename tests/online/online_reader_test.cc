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

// Everything a read returns, as text (for comparing two reads).
std::string Text(const OnlineValues& v) {
  std::string out;
  for (size_t c = 0; c < v.names.size(); ++c) {
    out += v.names[c] + ":";
    for (int64_t r = 0; r < v.values[c]->length(); ++r) {
      out += " " + v.values[c]->GetValue(r).ToString() + "/" +
             std::to_string(static_cast<int>(v.statuses[c][static_cast<size_t>(r)])) + "/" +
             std::to_string(v.event_timestamps[c][static_cast<size_t>(r)]);
    }
    out += " (" + std::to_string(v.statuses[c].size()) + " statuses, " +
           std::to_string(v.event_timestamps[c].size()) + " times)\n";
  }
  return out;
}

// The serving path reads into one OnlineValues per thread, request after
// request, and the reader keeps its buffers per thread: whatever came
// before (more columns, more rows, rows found where now none is), a read
// into a reused output equals a read into a fresh one.
TEST_F(OnlineReaderTest, ReadIntoAReusedOutputEqualsAFreshRead) {
  RowCodec a({DataType::Int64(), DataType::List(TypeId::kFloat)});
  RowCodec b({DataType::String()});
  for (int64_t id : {1, 2, 3}) {
    Int64Builder xb(DataType::Int64());
    ASSERT_TRUE(xb.Append(id * 100).ok());
    ListBuilder eb(DataType::List(TypeId::kFloat));
    ASSERT_TRUE(eb.StartList().ok());
    for (int64_t k = 0; k < id; ++k) {
      ASSERT_TRUE(static_cast<FloatBuilder*>(eb.child())->Append(0.25f * k).ok());
    }
    BinaryBuilder yb(DataType::String());
    ASSERT_TRUE(yb.Append(std::string(static_cast<size_t>(id) * 20, 'y')).ok());
    ArrayPtr xs = *xb.Finish(), es = *eb.Finish(), ys = *yb.Finish();
    std::vector<const Array*> ac = {xs.get(), es.get()};
    std::vector<const Array*> bc = {ys.get()};
    std::string abytes, bbytes;
    ASSERT_TRUE(a.EncodeRow(ac, 0, &abytes).ok());
    ASSERT_TRUE(b.EncodeRow(bc, 0, &bbytes).ok());
    Put("a", id, abytes);
    if (id != 2) Put("b", id, bbytes);
  }
  struct Call {
    std::vector<std::string> features;
    std::vector<int64_t> ids;
  };
  const std::vector<Call> calls = {
      {{"a:emb", "b:y", "a:x"}, {3, 1, 2, 9, 3}},
      {{"b:y"}, {2}},
      {{"a:x"}, {}},
      {{"b:y", "a:x", "a:emb"}, {1}},
      {{"a:emb", "b:y", "a:x"}, {9, 2, 1}},
      {{"a:x", "b:y"}, {3}},
  };
  OnlineValues reused;
  for (size_t i = 0; i < calls.size(); ++i) {
    auto plan = GetReadPlan(snapshot_, calls[i].features, "", true);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    auto fresh = ReadOnlineFeatures(**plan, *Ids(calls[i].ids), &store_, 100);
    ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
    ASSERT_TRUE(ReadOnlineFeatures(**plan, *Ids(calls[i].ids), &store_, 100, &reused).ok());
    EXPECT_EQ(Text(reused), Text(*fresh)) << "call " << i;
    EXPECT_EQ(reused.names.size(), 1 + calls[i].features.size()) << "call " << i;
  }
  // Spot checks against the rows written (not only fresh == reused).
  auto plan = GetReadPlan(snapshot_, {"a:x", "b:y"}, "", false);
  ASSERT_TRUE(ReadOnlineFeatures(**plan, *Ids({2, 3}), &store_, 100, &reused).ok());
  EXPECT_EQ(reused.values[1]->GetValue(0).ToString(), "200");
  EXPECT_EQ(reused.values[1]->GetValue(1).ToString(), "300");
  EXPECT_EQ(reused.statuses[2][0], ValueStatus::kNotFound);
  EXPECT_TRUE(reused.values[2]->IsNull(0));
  EXPECT_EQ(reused.values[2]->GetValue(1).ToString(), "\"" + std::string(60, 'y') + "\"");
  EXPECT_EQ(reused.event_timestamps[2][0], 0);
  EXPECT_EQ(reused.event_timestamps[2][1], 10);
}

}  // namespace
}  // namespace tessera::online
