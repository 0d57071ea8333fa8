// Online = offline at the materialized time (DESIGN.md section 3): after
// Materialize(0, END], GetOnlineFeatures with the clock at END gives every
// key the values `historical` gives a spine row at END (ttl applied on both
// sides), on each backend; and reads go to the version just materialized
// without reopening the store.
#include "online_test_util.h"

namespace tessera::online_test {
namespace {

class OnlineMaterializedTest : public OnlineRepoTest {};

TEST_P(OnlineMaterializedTest, ReadsEqualHistoricalAtEnd) {
  // Several rows per key, ties, a null, rows past END and rows older than
  // the ttl (1h) at END.
  const int64_t end = 10000;
  std::string csv = "user_id,event_timestamp,age,city\n";
  auto row = [&](int id, int64_t ts, const std::string& age, const std::string& city) {
    csv += std::to_string(id) + "," + Ts(ts) + "," + age + "," + city + "\n";
  };
  row(1, 9000, "31", "a");
  row(1, 9500, "32", "b");
  row(1, 10001, "99", "late");  // after END
  row(2, 100, "40", "old");     // outside the ttl at END
  row(3, 9999, "", "c");
  row(3, 9999, "50", "tie");  // full tie: the later file row wins
  row(4, 10000, "60", "");    // exactly END
  Write("users.csv", csv);
  MaterializeRequest m;
  m.start_micros = 0;
  m.end_micros = end * kSec;
  auto done = store_->Materialize(m);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  clock_.Set(end * kSec);

  const std::vector<int64_t> ids = {1, 2, 3, 4, 5};
  const std::vector<std::string> features = {"age", "city", "age2"};
  auto online = Get(UserIds(ids), {"user_profile:age", "user_profile:city", "user_profile:age2"});
  ASSERT_TRUE(online.ok()) << online.status().ToString();

  std::vector<std::vector<Value>> spine_rows;
  for (int64_t id : ids) spine_rows.push_back({Value::Int64(id), Value::Timestamp(end * kSec)});
  auto spine = Batch({{"user_id", DataType::Int64()}, {"event_timestamp", DataType::Timestamp()}},
                     spine_rows);
  HistoricalRequest hr;
  hr.features = {"user_profile:age", "user_profile:city", "user_profile:age2"};
  auto reader = store_->GetHistoricalFeatures(
      std::make_unique<VectorBatchReader>(spine->schema(), std::vector<RecordBatchPtr>{spine}), hr);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto batches = ReadAll(reader->get());
  ASSERT_TRUE(batches.ok());
  for (size_t f = 0; f < features.size(); ++f) {
    const Array& historical = *(*batches)[0]->GetColumnByName(features[f]);
    EXPECT_TRUE(online->values[f + 1]->Equals(historical))
        << features[f] << "\n"
        << Show(online) << (*batches)[0]->ToString();
  }
  // User 2's only row is outside the ttl at END: a spine row at END gets
  // none, so none is materialized.
  EXPECT_EQ(Show(online),
            "user_id: 1 PRESENT@0 | 2 PRESENT@0 | 3 PRESENT@0 | 4 PRESENT@0 | 5 PRESENT@0\n"
            "age: 32 PRESENT@9500 | null NOT_FOUND@0 | 50 PRESENT@9999 | 60 "
            "PRESENT@10000 | null NOT_FOUND@0\n"
            "city: \"b\" PRESENT@9500 | null NOT_FOUND@0 | \"tie\" PRESENT@9999 | null "
            "NULL_VALUE@10000 | null NOT_FOUND@0\n"
            "age2: 64 PRESENT@9500 | null NOT_FOUND@0 | 100 PRESENT@9999 | 120 "
            "PRESENT@10000 | null NOT_FOUND@0\n");
  // Served later, the ttl is applied again at read time.
  clock_.Set((9500 + 3600) * kSec);
  EXPECT_EQ(Show(Get(UserIds({1, 3}), {"user_profile:age"})),
            "user_id: 1 PRESENT@0 | 3 PRESENT@0\n"
            "age: null OUTSIDE_MAX_AGE@9500 | 50 PRESENT@9999\n");
}

TESSERA_ONLINE_BACKENDS(OnlineMaterializedTest);

}  // namespace
}  // namespace tessera::online_test
