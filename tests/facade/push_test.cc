// FeatureStore::Push end to end: online, offline and both; a bad row
// changes nothing (online values and every stored file byte for byte); a
// source feeding an aggregated view is always logged; pushed values are
// what the next read returns.
#include "online_test_util.h"

namespace tessera::online_test {
namespace {

class PushTest : public OnlineRepoTest {
 protected:
  // The ages `historical` gives users 1 and 2 at time t (seconds).
  std::string HistoricalAges(int64_t t) {
    auto spine = Batch({{"user_id", DataType::Int64()}, {"event_timestamp", DataType::Timestamp()}},
                       {{Value::Int64(1), Value::Timestamp(t * kSec)},
                        {Value::Int64(2), Value::Timestamp(t * kSec)}});
    HistoricalRequest hr;
    hr.features = {"user_profile:age"};
    auto reader = store_->GetHistoricalFeatures(
        std::make_unique<VectorBatchReader>(spine->schema(), std::vector<RecordBatchPtr>{spine}),
        hr);
    if (!reader.ok()) return reader.status().ToString();
    auto batches = ReadAll(reader->get());
    const Array& ages = *(*batches)[0]->GetColumnByName("age");
    return ages.GetValue(0).ToString() + "," + ages.GetValue(1).ToString();
  }
  std::string OnlineAges() {
    auto r = Get(UserIds({1, 2}), {"user_profile:age"});
    if (!r.ok()) return r.status().ToString();
    return r->values[1]->GetValue(0).ToString() + "," + r->values[1]->GetValue(1).ToString();
  }
  fs::path LogDir(const std::string& source) const {
    return dir_ / "data" / "offline" / "p" / "sources" / source;
  }
};

TEST_P(PushTest, OnlineOnlyWritesNoLog) {
  auto r = store_->Push("users_push", UserRows({{1, 100, 30, "a"}, {2, 100, 40, "b"}}),
                        PushTarget::kOnline);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->source, "users_push");
  EXPECT_EQ(r->rows, 2);
  EXPECT_EQ(r->online_rows_written, 2);
  EXPECT_FALSE(r->logged);
  EXPECT_FALSE(fs::exists(LogDir("users")));
  EXPECT_EQ(OnlineAges(), "30,40");
  EXPECT_EQ(HistoricalAges(200), "20,null");  // only users.csv
  // An older row loses online; a newer one wins.
  ASSERT_TRUE(
      store_
          ->Push("users_push", UserRows({{1, 50, 1, "z"}, {2, 150, 41, "b"}}), PushTarget::kOnline)
          .ok());
  EXPECT_EQ(OnlineAges(), "30,41");
}

TEST_P(PushTest, OfflineOnlyLogsAsIngest) {
  auto r = store_->Push("users_push", UserRows({{1, 100, 30, "a"}, {2, 100, 40, "b"}}),
                        PushTarget::kOffline);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->logged);
  EXPECT_EQ(r->first_seq, 1);
  EXPECT_EQ(r->last_seq, 2);
  EXPECT_EQ(r->online_rows_written, 0);
  EXPECT_TRUE(fs::exists(LogDir("users") / "manifest.json"));
  EXPECT_EQ(OnlineAges(), "null,null");
  EXPECT_EQ(HistoricalAges(200), "30,40");
}

TEST_P(PushTest, OnlineAndOfflineLogsThenWritesWithTheSeqs) {
  auto r = store_->Push("users_push", UserRows({{1, 100, 30, "a"}, {2, 100, 40, "b"}}),
                        PushTarget::kOnlineAndOffline);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->logged);
  EXPECT_EQ(r->first_seq, 1);
  EXPECT_EQ(r->last_seq, 2);
  EXPECT_EQ(r->online_rows_written, 2);
  EXPECT_EQ(OnlineAges(), "30,40");
  EXPECT_EQ(HistoricalAges(200), "30,40");
  // A full tie on event time: the later push has the larger seq and wins
  // online as it does in training sets.
  ASSERT_TRUE(
      store_->Push("users_push", UserRows({{1, 100, 31, "a"}}), PushTarget::kOnlineAndOffline)
          .ok());
  EXPECT_EQ(OnlineAges(), "31,40");
  EXPECT_EQ(HistoricalAges(200), "31,40");
}

TEST_P(PushTest, AggregatedViewSourceIsAlwaysLogged) {
  auto rows = Batch({{"user_id", DataType::Int64()},
                     {"event_timestamp", DataType::Timestamp()},
                     {"amount", DataType::Double()}},
                    {{Value::Int64(1), Value::Timestamp(5 * kSec), Value::Double(2)}});
  auto r = store_->Push("spend_push", rows, PushTarget::kOnline);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->logged);
  EXPECT_EQ(r->online_rows_written, 0);
  EXPECT_TRUE(fs::exists(LogDir("spend") / "manifest.json"));
}

TEST_P(PushTest, BadRowsChangeNothing) {
  ASSERT_TRUE(store_
                  ->Push("users_push", UserRows({{1, 100, 30, "a"}, {2, 100, 40, "b"}}),
                         PushTarget::kOnlineAndOffline)
                  .ok());
  const auto files = DataFiles();
  ASSERT_FALSE(files.empty());
  const std::string online = OnlineAges();

  auto null_ts = Batch({{"user_id", DataType::Int64()},
                        {"event_timestamp", DataType::Timestamp()},
                        {"age", DataType::Int64()}},
                       {{Value::Int64(1), Value::Timestamp(200 * kSec), Value::Int64(1)},
                        {Value::Int64(2), Value::Null(DataType::Timestamp()), Value::Int64(2)}});
  for (PushTarget to : {PushTarget::kOnline, PushTarget::kOffline, PushTarget::kOnlineAndOffline}) {
    auto r = store_->Push("users_push", null_ts, to);
    EXPECT_EQ(r.status().ToString(),
              "Invalid argument: rows.event_timestamp[1]: null, but it is the timestamp field of "
              "source 'users' and may not be null");
  }
  auto null_key =
      Batch({{"user_id", DataType::Int64()}, {"event_timestamp", DataType::Timestamp()}},
            {{Value::Null(DataType::Int64()), Value::Timestamp(200 * kSec)}});
  auto r = store_->Push("users_push", null_key, PushTarget::kOnlineAndOffline);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().substr(0, 38), "rows.user_id[0]: null, but it is a joi");
  auto wrong_type =
      Batch({{"user_id", DataType::String()}, {"event_timestamp", DataType::Timestamp()}},
            {{Value::String("1"), Value::Timestamp(200 * kSec)}});
  r = store_->Push("users_push", wrong_type, PushTarget::kOnlineAndOffline);
  EXPECT_EQ(
      r.status().ToString(),
      "Invalid argument: rows: column 'user_id' is string, but source 'users_push' takes int64");
  auto no_ts = Batch({{"user_id", DataType::Int64()}}, {{Value::Int64(1)}});
  r = store_->Push("users_push", no_ts, PushTarget::kOnline);
  EXPECT_EQ(r.status().ToString(),
            "Invalid argument: rows: column 'event_timestamp' is missing (it is the timestamp "
            "field of source 'users')");
  r = store_->Push("users_pus", no_ts, PushTarget::kOnline);
  EXPECT_EQ(r.status().ToString(),
            "Not found: no push source named 'users_pus' (did you mean 'users_push'?)");
  r = store_->Push("users", no_ts, PushTarget::kOnline);
  EXPECT_EQ(r.status().ToString(),
            "Invalid argument: source 'users' is a batch source; push takes a push source "
            "(tessera ingest appends files to a batch source's log)");

  EXPECT_EQ(OnlineAges(), online);
  EXPECT_TRUE(DataFiles() == files) << "a rejected push changed a stored file";
}

TEST_P(PushTest, ExtraColumnsIgnoredMissingOptionalAreNull) {
  auto rows =
      Batch({{"user_id", DataType::Int64()},
             {"event_timestamp", DataType::Timestamp()},
             {"age", DataType::Int32()},
             {"note", DataType::String()}},
            {{Value::Int64(1), Value::Timestamp(100 * kSec), Value::Int32(5), Value::String("x")}});
  auto r = store_->Push("users_push", rows, PushTarget::kOnline);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Show(Get(UserIds({1}), {"user_profile"})),
            "user_id: 1 PRESENT@0\nage: 5 PRESENT@100\ncity: null NULL_VALUE@100\n"
            "age2: 10 PRESENT@100\n");
}

TESSERA_ONLINE_BACKENDS(PushTest);

}  // namespace
}  // namespace tessera::online_test
