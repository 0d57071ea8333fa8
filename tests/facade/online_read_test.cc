// FeatureStore::GetOnlineFeatures end to end on a memory online store:
// every status (ttl expiry with the clock set through StoreOptions.env),
// several views and entities in one request, composite keys, services,
// on-demand views at request time against `historical`, key coercion and
// every error, and many threads at once.
#include <thread>

#include "online_test_util.h"

namespace tessera::online_test {
namespace {

class OnlineReadTest : public OnlineRepoTest {
 protected:
  void PushUsers() {
    // user 1 twice (the later row wins), user 2 with a null city.
    auto pushed = store_->Push(
        "users_push", UserRows({{1, 100, 30, "paris"}, {2, 100, 40, ""}, {1, 90, 99, "x"}}),
        PushTarget::kOnline);
    ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  }
};

TEST_P(OnlineReadTest, EveryStatusAndTtlAtTheBoundary) {
  PushUsers();
  clock_.Set(100 * kSec + 3600 * kSec - 1);  // 1 us inside the ttl of 1h
  auto r = Get(UserIds({1, 2, 3}), {"user_profile:age", "user_profile:city", "user_profile:age2"});
  EXPECT_EQ(Show(r),
            "user_id: 1 PRESENT@0 | 2 PRESENT@0 | 3 PRESENT@0\n"
            "age: 30 PRESENT@100 | 40 PRESENT@100 | null NOT_FOUND@0\n"
            "city: \"paris\" PRESENT@100 | null NULL_VALUE@100 | null NOT_FOUND@0\n"
            "age2: 60 PRESENT@100 | 80 PRESENT@100 | null NOT_FOUND@0\n");
  clock_.Set(100 * kSec + 3600 * kSec);  // event_ts <= now - ttl: expired
  r = Get(UserIds({1, 2, 3}), {"user_profile:age", "user_profile:city"});
  EXPECT_EQ(Show(r),
            "user_id: 1 PRESENT@0 | 2 PRESENT@0 | 3 PRESENT@0\n"
            "age: null OUTSIDE_MAX_AGE@100 | null OUTSIDE_MAX_AGE@100 | null NOT_FOUND@0\n"
            "city: null OUTSIDE_MAX_AGE@100 | null OUTSIDE_MAX_AGE@100 | null NOT_FOUND@0\n");
}

TEST_P(OnlineReadTest, ViewNeverWrittenIsNotFound) {
  auto r = Get(UserIds({1}), {"user_profile:age"});
  EXPECT_EQ(Show(r), "user_id: 1 PRESENT@0\nage: null NOT_FOUND@0\n");
}

TEST_P(OnlineReadTest, SeveralViewsCompositeKeysAndRepeatedEntities) {
  PushUsers();
  auto txn = Batch(
      {{"user_id", DataType::Int64()},
       {"merchant_id", DataType::String()},
       {"event_timestamp", DataType::Timestamp()},
       {"spend", DataType::Double()}},
      {{Value::Int64(1), Value::String("m1"), Value::Timestamp(50 * kSec), Value::Double(1.5)},
       {Value::Int64(2), Value::String("m1"), Value::Timestamp(60 * kSec), Value::Double(2.5)}});
  ASSERT_TRUE(store_->Push("txn_push", txn, PushTarget::kOnline).ok());
  auto entities = Batch({{"merchant_id", DataType::String()}, {"user_id", DataType::Int64()}},
                        {{Value::String("m1"), Value::Int64(2)},
                         {Value::String("m1"), Value::Int64(1)},
                         {Value::String("m2"), Value::Int64(1)},
                         {Value::String("m1"), Value::Int64(2)}});
  auto r = Get(entities, {"user_merchant:spend", "user_profile:age"}, /*full_names=*/true);
  EXPECT_EQ(
      Show(r),
      "user_id: 2 PRESENT@0 | 1 PRESENT@0 | 1 PRESENT@0 | 2 PRESENT@0\n"
      "merchant_id: \"m1\" PRESENT@0 | \"m1\" PRESENT@0 | \"m2\" PRESENT@0 | \"m1\" PRESENT@0\n"
      "user_merchant__spend: 2.5 PRESENT@60 | 1.5 PRESENT@50 | null NOT_FOUND@0 | 2.5 "
      "PRESENT@60\n"
      "user_profile__age: 40 PRESENT@100 | 30 PRESENT@100 | 30 PRESENT@100 | 40 "
      "PRESENT@100\n");
}

TEST_P(OnlineReadTest, WholeViewAndService) {
  PushUsers();
  auto r = Get(UserIds({2}), {"user_profile"});
  EXPECT_EQ(Show(r),
            "user_id: 2 PRESENT@0\nage: 40 PRESENT@100\ncity: null NULL_VALUE@100\n"
            "age2: 80 PRESENT@100\n");
  OnlineRequest request;
  request.feature_service = "svc";
  auto entities =
      Batch({{"user_id", DataType::Int64()}, {"amount", DataType::Double()}},
            {{Value::Int64(1), Value::Double(0.5)}, {Value::Int64(3), Value::Double(2.0)}});
  EXPECT_EQ(Show(store_->GetOnlineFeatures(*entities, request)),
            "user_id: 1 PRESENT@0 | 3 PRESENT@0\n"
            "age: 30 PRESENT@100 | null NOT_FOUND@0\n"
            "score: 15 PRESENT@0 | null NULL_VALUE@0\n");
}

// The on-demand view served equals the one `historical` computes at the
// same time from the same rows (pushed online and logged offline).
TEST_P(OnlineReadTest, OnDemandAtRequestTimeEqualsHistorical) {
  auto pushed =
      store_->Push("users_push", UserRows({{1, 100, 30, "a"}, {2, 100, -1, "b"}, {3, 200, 7, "c"}}),
                   PushTarget::kOnlineAndOffline);
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  const int64_t now = 300;
  clock_.Set(now * kSec);
  std::vector<std::vector<Value>> rows;
  const std::vector<int64_t> ids = {1, 2, 3, 4, 1};
  const std::vector<double> amounts = {2.5, 1.0, -3.0, 1.0, 0.0};
  for (size_t i = 0; i < ids.size(); ++i) {
    rows.push_back({Value::Int64(ids[i]), Value::Double(amounts[i])});
  }
  auto entities = Batch({{"user_id", DataType::Int64()}, {"amount", DataType::Double()}}, rows);
  auto online = Get(entities, {"scored:score"});
  ASSERT_TRUE(online.ok()) << online.status().ToString();

  std::vector<std::vector<Value>> spine_rows;
  for (size_t i = 0; i < ids.size(); ++i) {
    spine_rows.push_back(
        {Value::Int64(ids[i]), Value::Timestamp(now * kSec), Value::Double(amounts[i])});
  }
  auto spine = Batch({{"user_id", DataType::Int64()},
                      {"event_timestamp", DataType::Timestamp()},
                      {"amount", DataType::Double()}},
                     spine_rows);
  HistoricalRequest hr;
  hr.features = {"scored:score"};
  auto reader = store_->GetHistoricalFeatures(
      std::make_unique<VectorBatchReader>(spine->schema(), std::vector<RecordBatchPtr>{spine}), hr);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto batches = ReadAll(reader->get());
  ASSERT_TRUE(batches.ok());
  ASSERT_EQ(batches->size(), 1u);
  const Array& historical = *(*batches)[0]->GetColumnByName("score");
  ASSERT_EQ(online->names[1], "score");
  EXPECT_TRUE(online->values[1]->Equals(historical))
      << Show(online) << "historical: " << (*batches)[0]->ToString();
  // Not vacuous: some scores are values, some null.
  EXPECT_EQ(online->values[1]->GetValue(0).ToString(), "75");
  EXPECT_TRUE(online->values[1]->IsNull(1));
}

TEST_P(OnlineReadTest, KeysCoercedFromStringsAndInt32) {
  PushUsers();
  auto as_strings =
      Batch({{"user_id", DataType::String()}}, {{Value::String("1")}, {Value::String("-5")}});
  EXPECT_EQ(Show(Get(as_strings, {"user_profile:age"})),
            "user_id: 1 PRESENT@0 | -5 PRESENT@0\nage: 30 PRESENT@100 | null NOT_FOUND@0\n");
  auto as_int32 = Batch({{"user_id", DataType::Int32()}}, {{Value::Int32(2)}});
  auto r = Get(as_int32, {"user_profile:age"});
  EXPECT_EQ(Show(r), "user_id: 2 PRESENT@0\nage: 40 PRESENT@100\n");
  EXPECT_EQ(r->values[0]->type(), DataType::Int64());  // shown as the entity's type

  // An int32 key (shop_id) from int64 within range and from strings.
  auto shops = Batch({{"shop_id", DataType::Int32()},
                      {"event_timestamp", DataType::Timestamp()},
                      {"visits", DataType::Int64()}},
                     {{Value::Int32(7), Value::Timestamp(5 * kSec), Value::Int64(70)}});
  auto pushed = store_->Push("shops_push", shops, PushTarget::kOnline);
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  auto ids = Batch({{"shop_id", DataType::Int64()}}, {{Value::Int64(7)}});
  EXPECT_EQ(Show(Get(ids, {"shop_stats:visits"})), "shop_id: 7 PRESENT@0\nvisits: 70 PRESENT@5\n");
  auto text = Batch({{"shop_id", DataType::String()}}, {{Value::String("7")}});
  EXPECT_EQ(Show(Get(text, {"shop_stats:visits"})), "shop_id: 7 PRESENT@0\nvisits: 70 PRESENT@5\n");
  auto big =
      Batch({{"shop_id", DataType::Int64()}}, {{Value::Int64(7)}, {Value::Int64(1LL << 31)}});
  EXPECT_EQ(Show(Get(big, {"shop_stats:visits"})),
            "Invalid argument: entities.shop_id[1]: 2147483648 is outside the range of int32 "
            "(join key of entity 'shop' of feature view 'shop_stats')");
}

TEST_P(OnlineReadTest, EveryError) {
  PushUsers();
  auto bad_text =
      Batch({{"user_id", DataType::String()}}, {{Value::String("1")}, {Value::String("1x")}});
  EXPECT_EQ(Show(Get(bad_text, {"user_profile:age"})),
            "Invalid argument: entities.user_id[1]: '1x' is not an int64 (join key of entity "
            "'user' of feature view 'user_profile')");
  auto wrong_type = Batch({{"user_id", DataType::Double()}}, {{Value::Double(1)}});
  EXPECT_EQ(Show(Get(wrong_type, {"user_profile:age"})),
            "Invalid argument: entities.user_id is double, but join key of entity 'user' of "
            "feature view 'user_profile' is int64");
  auto null_key = Batch({{"user_id", DataType::Int64()}},
                        {{Value::Int64(1)}, {Value::Null(DataType::Int64())}});
  EXPECT_EQ(Show(Get(null_key, {"user_profile:age"})),
            "Invalid argument: entities.user_id[1]: null, but a join key of entity 'user' of "
            "feature view 'user_profile' may not be null");
  auto missing = Batch({{"usr_id", DataType::Int64()}}, {{Value::Int64(1)}});
  EXPECT_EQ(Show(Get(missing, {"user_profile:age"})),
            "Invalid argument: missing join key 'user_id' (join key of entity 'user' of feature "
            "view 'user_profile') (did you mean 'usr_id'?); the entities have: usr_id");
  auto string_for_merchant =
      Batch({{"user_id", DataType::Int64()}, {"merchant_id", DataType::Int64()}},
            {{Value::Int64(1), Value::Int64(5)}});
  EXPECT_EQ(Show(Get(string_for_merchant, {"user_merchant:spend"})),
            "Invalid argument: entities.merchant_id is int64, but join key of entity 'merchant' "
            "of feature view 'user_merchant' is string");
  EXPECT_EQ(Show(Get(UserIds({1}), {"scored:score"})),
            "Invalid argument: missing request field 'amount' (request field of 'req' read by "
            "on-demand view 'scored'); the entities have: user_id");

  auto unknown_view = Get(UserIds({1}), {"user_profil:age"});
  EXPECT_EQ(unknown_view.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Show(unknown_view),
            "Not found: unknown feature view 'user_profil' in 'user_profil:age' (did you mean "
            "'user_profile'?)");
  auto unknown_feature = Get(UserIds({1}), {"user_profile:agee"});
  EXPECT_EQ(unknown_feature.status().code(), StatusCode::kNotFound);
  EXPECT_NE(Show(unknown_feature).find("has no feature 'agee'"), std::string::npos)
      << Show(unknown_feature);
  EXPECT_NE(Show(unknown_feature).find("(did you mean 'age'?)"), std::string::npos);
  OnlineRequest request;
  request.feature_service = "svcc";
  auto unknown_service = store_->GetOnlineFeatures(*UserIds({1}), request);
  EXPECT_EQ(unknown_service.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(unknown_service.status().message(),
            "no feature service named 'svcc' (did you mean 'svc'?)");
  EXPECT_EQ(Show(Get(UserIds({1}), {"user_profile:age", "user_profile:age"})).substr(0, 17),
            "Invalid argument:");
  auto clash = Get(Batch({{"user_id", DataType::Int64()}, {"merchant_id", DataType::String()}},
                         {{Value::Int64(1), Value::String("m")}}),
                   {"user_profile:city", "user_merchant:spend", "user_profile:age"});
  EXPECT_TRUE(clash.ok());
  EXPECT_EQ(
      Show(Get(UserIds({1}), {})),
      "Invalid argument: no features asked for: give feature references or a feature service");
  // An aggregated view with no window state yet reads as the empty window.
  EXPECT_EQ(Show(Get(UserIds({1}), {"user_spend:amount_sum_1h"})),
            "user_id: 1 PRESENT@0\namount_sum_1h: null NOT_FOUND@0\n");
}

TEST_P(OnlineReadTest, NothingAppliedYet) {
  fs::remove(dir_ / "data" / "registry.db");
  auto store = FeatureStore::Open(dir_.string());
  ASSERT_TRUE(store.ok());
  OnlineRequest request;
  request.features = {"user_profile:age"};
  auto r = (*store)->GetOnlineFeatures(*UserIds({1}), request);
  EXPECT_EQ(r.status().ToString(),
            "Not found: registry 'data/registry.db' does not exist yet: run tessera apply first");
}

// A new apply is seen by the next read of the same FeatureStore.
TEST_P(OnlineReadTest, SeesANewApplyWithoutReopening) {
  PushUsers();
  ASSERT_TRUE(Get(UserIds({1}), {"user_profile:age"}).ok());
  EXPECT_EQ(Get(UserIds({1}), {"shop_stats:visits"}).status().code(), StatusCode::kInvalidArgument);
  Write("features/more.yaml", R"(feature_views:
  - name: user_profile_copy
    entities: [user]
    source: users_push
    features:
      - {name: age, type: int64}
)");
  ASSERT_TRUE(store_->Apply("t").ok());
  EXPECT_EQ(Show(Get(UserIds({1}), {"user_profile_copy:age"})),
            "user_id: 1 PRESENT@0\nage: null NOT_FOUND@0\n");
}

TEST_P(OnlineReadTest, ManyThreadsAtOnce) {
  PushUsers();
  auto entities = Batch({{"user_id", DataType::Int64()}, {"amount", DataType::Double()}},
                        {{Value::Int64(1), Value::Double(2)},
                         {Value::Int64(2), Value::Double(3)},
                         {Value::Int64(9), Value::Double(4)}});
  const std::vector<std::string> features = {"user_profile:age", "scored:score",
                                             "user_profile:city"};
  const std::string expected = Show(Get(entities, features));
  ASSERT_EQ(expected.substr(0, 8), "user_id:");
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (Show(Get(entities, features)) != expected) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// Reads on many threads while another thread pushes ever newer rows of one
// key: every read sees a pushed value, and no thread ever sees it go back.
TEST_P(OnlineReadTest, ReadsWhilePushing) {
  ASSERT_TRUE(store_->Push("users_push", UserRows({{1, 1, 1, "a"}}), PushTarget::kOnline).ok());
  clock_.Set(10 * kSec);
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      int64_t last = 0;
      while (!done.load()) {
        auto r = Get(UserIds({1}), {"user_profile:age", "user_profile:age2"});
        if (!r.ok() || r->values[1]->IsNull(0)) {
          ++bad;
          continue;
        }
        const int64_t age = r->values[1]->GetInt64(0);
        // age2 comes from the same stored row, so it is always 2 * age.
        if (age < last || age > 200 || r->values[2]->GetInt64(0) != 2 * age) ++bad;
        last = age;
      }
    });
  }
  for (int64_t i = 2; i <= 200; ++i) {
    auto pushed = store_->Push("users_push", UserRows({{1, i, i, "a"}}), PushTarget::kOnline);
    if (!pushed.ok()) ++bad;
  }
  done.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(Show(Get(UserIds({1}), {"user_profile:age"})),
            "user_id: 1 PRESENT@0\nage: 200 PRESENT@200\n");
}

TESSERA_ONLINE_BACKENDS(OnlineReadTest);

}  // namespace
}  // namespace tessera::online_test
