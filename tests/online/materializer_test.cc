// online::Materialize (materializer.h) against the training-set code: after
// materializing, every key's online row equals `historical` at END (same
// event_ts, same feature values), on random data with ties and on the edge
// cases: tie-breaks, ttl bounds, late log rows picked up by incremental
// runs, idempotent re-runs, merged interval records, and the errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "materialize_test_util.h"
#include "tessera/online/rocksdb/rocksdb_online_store.h"

namespace tessera::online {
namespace {

using testing::KeyBytes;
using testing::MaterializeRepo;
using testing::Sec;
using testing::Ts;
using Intervals = std::vector<std::pair<int64_t, int64_t>>;

constexpr const char* kDefs = R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
sources:
  - name: users
    kind: batch
    path: "users/*.csv"
    timestamp_field: event_timestamp
    created_timestamp_field: created
feature_views:
  - name: profile
    entities: [user]
    source: users
    features:
      - {name: age, type: int64}
      - {name: tag, type: string}
      - {name: score, type: double, expr: "age * 1.5"}
  - name: recent
    entities: [user]
    source: users
    ttl: 30s
    features:
      - {name: age, type: int64}
  - name: spend
    entities: [user]
    source: users
    aggregations:
      - {column: age, function: sum, windows: [1h]}
  - name: offline_only
    entities: [user]
    source: users
    online: false
    features:
      - {name: age, type: int64}
on_demand_feature_views:
  - name: doubled
    inputs: [profile]
    features:
      - {name: age2, type: int64, expr: "profile.age * 2"}
)";

constexpr const char* kHeader = "user_id,event_timestamp,created,age,tag\n";

// One CSV line; created < 0 leaves it empty (null).
std::string Line(int64_t id, int64_t ts, int64_t created, int64_t age, const std::string& tag) {
  return std::to_string(id) + "," + Ts(ts) + "," + (created < 0 ? "" : Ts(created)) + "," +
         std::to_string(age) + "," + tag + "\n";
}

// Random rows: event times in whole seconds over a short range, so many
// rows of a key tie on event_ts (and some on created too, or null).
std::string RandomRows(std::mt19937_64* rng, int n, int64_t max_id, int64_t max_second) {
  std::string text = kHeader;
  for (int i = 0; i < n; ++i) {
    int64_t id = static_cast<int64_t>((*rng)() % static_cast<uint64_t>(max_id)) + 1;
    int64_t ts = Sec(static_cast<int64_t>((*rng)() % static_cast<uint64_t>(max_second)));
    int64_t created = (*rng)() % 3 == 0 ? -1 : Sec(static_cast<int64_t>((*rng)() % 3));
    int64_t age = static_cast<int64_t>((*rng)() % 100);
    text += Line(id, ts, created, age, "t" + std::to_string(i));
  }
  return text;
}

TEST(Materialize, RandomDataEqualsHistoricalAtEnd) {
  MaterializeRepo repo;
  repo.Write("features/defs.yaml", kDefs);
  std::mt19937_64 rng(20261130);
  // Keys 1..40 have rows; 41..45 never do.
  for (int f = 0; f < 3; ++f) {
    repo.Write("users/part" + std::to_string(f) + ".csv", RandomRows(&rng, 300, 40, 100));
  }
  repo.Apply();
  repo.Ingest("users", RandomRows(&rng, 150, 40, 100));
  repo.Ingest("users", RandomRows(&rng, 150, 40, 100));

  auto first = repo.Run(repo.Spec(Sec(-1), Sec(60)));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 3u);  // every online view, aggregated ones rebuilt at now
  EXPECT_EQ((*first)[0].view, "profile");
  EXPECT_EQ((*first)[1].view, "recent");
  EXPECT_EQ((*first)[2].view, "spend");
  EXPECT_GT(repo.ExpectOnlineEqualsHistorical("profile", 45, Sec(60)), 30);
  EXPECT_GT(repo.ExpectOnlineEqualsHistorical("recent", 45, Sec(60)), 10);

  // The next stretch: rows after 60 s now win for their keys.
  auto second = repo.Run(repo.Spec(Sec(60), Sec(120)));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_GT(repo.ExpectOnlineEqualsHistorical("profile", 45, Sec(120)), 30);
  EXPECT_GT(repo.ExpectOnlineEqualsHistorical("recent", 45, Sec(120)), 10);
  for (const auto& r : repo.Records()) {
    if (r.view == "spend") continue;  // rebuilt at now: (now - largest window, now]
    EXPECT_EQ(r.intervals, (Intervals{{Sec(-1), Sec(120)}})) << r.view;
  }
}

// Every row of `views` for keys 1..max_id in `store`, as text.
std::string Dump(OnlineStore* store, const std::vector<std::string>& views, int64_t max_id) {
  std::string out;
  for (const std::string& name : views) {
    ViewId id{name, 1};
    for (int64_t k = 1; k <= max_id; ++k) {
      std::string key = KeyBytes(k);
      OnlineLookup lookup{&id, key};
      std::vector<std::optional<OnlineRow>> rows;
      EXPECT_TRUE(store->Read({&lookup, 1}, &rows).ok());
      if (!rows.at(0)) continue;
      const OnlineRow& r = *rows[0];
      out += name + " " + std::to_string(k) + ": " + std::to_string(r.rank.event_ts) + "," +
             std::to_string(r.rank.created_ts) + "," + std::to_string(r.rank.ingest_seq) + "," +
             r.values + "\n";
    }
  }
  return out;
}

// RocksDB's bulk-load path (WriteBulk: table files ingested, keys split
// over threads) stores what Write's path and the in-memory reference store,
// on random data, in many small calls and in one large one, with newer and
// older rows already stored for some keys (as pushes leave them).
TEST(Materialize, BulkLoadStoresWhatWriteStores) {
  MaterializeRepo repo;
  repo.Write("features/defs.yaml", kDefs);
  std::mt19937_64 rng(20261201);
  for (int f = 0; f < 2; ++f) {
    repo.Write("users/part" + std::to_string(f) + ".csv", RandomRows(&rng, 300, 40, 100));
  }
  repo.Apply();
  repo.Ingest("users", RandomRows(&rng, 200, 40, 100));
  const std::vector<std::string> views = {"profile", "recent"};

  struct Target {
    std::string name;
    OnlineStore* store;
    int64_t batch_rows;
  };
  std::vector<std::unique_ptr<RocksDbOnlineStore>> owned;
  auto open = [&](const std::string& dir, size_t bulk_min_rows) -> OnlineStore* {
    RocksDbOnlineStoreOptions options;
    options.path = repo.Path(dir);
    options.block_cache_mb = 8;
    options.bulk_min_rows = bulk_min_rows;
    options.bulk_threads = 2;
    options.bulk_min_part_keys = 2;
    auto store = RocksDbOnlineStore::Open(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    owned.push_back(std::move(*store));
    return owned.back().get();
  };
  std::vector<Target> targets = {{"memory", &repo.store(), 7},
                                 {"write", open("online_write", SIZE_MAX), 7},
                                 {"bulk, calls of 9 rows", open("online_bulk9", 1), 9},
                                 {"bulk, one call", open("online_bulk", 1), 100000}};
  // Stored before: every third key, alternately newer than every source
  // row and older than all of them.
  std::vector<std::string> keys;
  for (int64_t k = 1; k <= 45; k += 3) keys.push_back(KeyBytes(k));
  for (const Target& t : targets) {
    for (const std::string& view : views) {
      std::vector<OnlineWrite> pushed;
      for (size_t i = 0; i < keys.size(); ++i) {
        pushed.push_back({keys[i], RowRank{Sec(i % 2 ? 1000 : -1000), 0, 0}, "pushed"});
      }
      ASSERT_TRUE(t.store->Write(ViewId{view, 1}, pushed).ok()) << t.name;
    }
  }
  for (int64_t end : {Sec(60), Sec(120)}) {
    std::vector<int64_t> written;
    for (const Target& t : targets) {
      MaterializeSpec spec = repo.Spec(end - Sec(60) - 1, end, views);
      spec.open_store = [&t]() -> Result<OnlineStore*> { return t.store; };
      spec.write_batch_rows = t.batch_rows;
      auto done = repo.Run(spec);
      ASSERT_TRUE(done.ok()) << t.name << ": " << done.status().ToString();
      for (const ViewMaterialized& v : *done) written.push_back(v.rows_written);
    }
    const std::string want = Dump(targets[0].store, views, 45);
    EXPECT_NE(want.find("pushed"), std::string::npos);
    for (size_t i = 1; i < targets.size(); ++i) {
      EXPECT_EQ(Dump(targets[i].store, views, 45), want) << targets[i].name;
      for (size_t v = 0; v < views.size(); ++v) {
        EXPECT_EQ(written[i * views.size() + v], written[v]) << targets[i].name << " " << views[v];
      }
    }
  }
  owned.clear();  // closed before the repo folder goes
}

// A first materialization into a fresh RocksDB store skips the tie-break
// read (the store's marks), and pushes that land between its bulk calls
// still win or lose as the tie-break says: the result equals the in-memory
// reference store given the same pushes before the run.
TEST(Materialize, AFirstBulkLoadSkipsTheReadAndKeepsPushesLandingDuringIt) {
  MaterializeRepo repo;
  repo.Write("features/defs.yaml", kDefs);
  std::mt19937_64 rng(20261202);
  repo.Write("users/part.csv", RandomRows(&rng, 400, 40, 100));
  repo.Apply();
  const std::vector<std::string> views = {"profile"};
  const ViewId id{"profile", 1};
  // Newer than every source row (it stays) and older than all (it loses
  // where the key has a row), for keys near the end of the key order.
  const std::string newer_key = KeyBytes(40), older_key = KeyBytes(39);
  const std::vector<OnlineWrite> pushes = {{newer_key, RowRank{Sec(1000), 0, 0}, "pushed"},
                                           {older_key, RowRank{Sec(-1000), 0, 0}, "pushed"}};
  RocksDbOnlineStoreOptions options;
  options.path = repo.Path("online_bulk");
  options.block_cache_mb = 8;
  options.bulk_min_rows = 1;
  options.bulk_threads = 2;
  options.bulk_min_part_keys = 2;
  auto bulk = RocksDbOnlineStore::Open(options);
  ASSERT_TRUE(bulk.ok()) << bulk.status().ToString();
  RocksDbOnlineStore* store = bulk->get();
  MaterializeSpec spec = repo.Spec(Sec(0) - 1, Sec(100), views);
  spec.open_store = [store]() -> Result<OnlineStore*> { return store; };
  spec.write_batch_rows = 5;
  bool pushed = false;
  spec.progress = [&](const MaterializeProgress& p) {
    // After the first bulk call: the pushes, before the calls of their keys.
    if (pushed || !p.stage.starts_with("write") || p.done == 0) return;
    pushed = true;
    EXPECT_EQ(store->bulk_loads_unread(), 1);
    EXPECT_EQ(*store->Write(id, pushes), 2);
  };
  auto done = repo.Run(spec);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_TRUE(pushed);
  EXPECT_EQ(store->bulk_loads_unread(), 1);  // the later calls read
  ASSERT_TRUE(repo.store().Write(id, pushes).ok());
  auto want = repo.Run(repo.Spec(Sec(0) - 1, Sec(100), views));
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  const std::string expected = Dump(&repo.store(), views, 40);
  EXPECT_NE(expected.find("profile 40: 1000000000,0,0,pushed"), std::string::npos) << expected;
  EXPECT_EQ(Dump(store, views, 40), expected);
  bulk->reset();  // closed before the repo folder goes
}

// Views scanned side by side report one scan stage summing their rows
// (alternating stages would make a terminal's progress line start over on
// every batch); each stage runs once, without alternation.
TEST(Materialize, ViewsSideBySideReportOneScanStage) {
  MaterializeRepo repo;
  repo.Write("features/defs.yaml", kDefs);
  std::mt19937_64 rng(5);
  repo.Write("users/a.csv", RandomRows(&rng, 300, 40, 100));
  repo.Write("users/b.csv", RandomRows(&rng, 300, 40, 100));
  repo.Apply();
  MaterializeSpec spec = repo.Spec(Sec(-1), Sec(100), {"profile", "recent"});
  std::vector<std::string> stages;  // consecutive distinct stages
  int64_t last_scanned = 0;
  spec.progress = [&](const MaterializeProgress& p) {
    if (stages.empty() || stages.back() != p.stage) stages.push_back(p.stage);
    if (p.stage.starts_with("scan")) last_scanned = p.done;
  };
  auto done = repo.Run(spec);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_FALSE(stages.empty());
  EXPECT_EQ(stages.front(), "scan profile, recent");
  EXPECT_EQ(last_scanned, (*done)[0].rows_scanned + (*done)[1].rows_scanned);
  std::vector<std::string> sorted = stages;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end())
      << "a stage came back after another";
  for (const std::string& stage : stages) {
    EXPECT_TRUE(stage == "scan profile, recent" || stage == "write profile" ||
                stage == "write recent")
        << stage;
  }
}

TEST(Materialize, TieBreaksFollowEventThenCreatedThenIngestOrder) {
  MaterializeRepo repo;
  repo.Write("features/defs.yaml", kDefs);
  // Key 1: equal event_ts; the larger created wins although scanned first.
  // Key 2: full tie between two files: the later file (path order) wins.
  // Key 3: full tie between a file row and a log row: the log row wins.
  // Key 4: null created loses to any created.
  repo.Write("users/a.csv", std::string(kHeader) + Line(1, Sec(10), Sec(5), 11, "newer") +
                                Line(2, Sec(10), Sec(1), 21, "first") +
                                Line(3, Sec(10), Sec(1), 31, "file") +
                                Line(4, Sec(10), Sec(0), 41, "created"));
  repo.Write("users/b.csv", std::string(kHeader) + Line(1, Sec(10), Sec(4), 12, "older") +
                                Line(2, Sec(10), Sec(1), 22, "second") +
                                Line(4, Sec(10), -1, 42, "null"));
  repo.Apply();
  repo.Ingest("users", std::string(kHeader) + Line(3, Sec(10), Sec(1), 32, "log"));
  auto done = repo.Run(repo.Spec(Sec(0), Sec(20), {"profile"}));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(repo.ExpectOnlineEqualsHistorical("profile", 4, Sec(20)), 4);
  const auto& view = repo.View("profile");
  EXPECT_EQ(repo.Decode(view, *repo.Online("profile", 1)),
            (std::vector<std::string>{"11", "\"newer\"", "16.5"}));
  EXPECT_EQ(repo.Decode(view, *repo.Online("profile", 2))[1], "\"second\"");
  EXPECT_EQ(repo.Decode(view, *repo.Online("profile", 3))[1], "\"log\"");
  EXPECT_EQ(repo.Decode(view, *repo.Online("profile", 4))[1], "\"created\"");
  // The log row keeps its ingest sequence; file rows have none.
  EXPECT_EQ(repo.Online("profile", 3)->rank.ingest_seq, 1);
  EXPECT_EQ(repo.Online("profile", 2)->rank.ingest_seq, 0);
  EXPECT_EQ(repo.Online("profile", 4)->rank.created_ts, Sec(0));
}

TEST(Materialize, TtlBoundsAreThoseOfHistoricalAtEnd) {
  MaterializeRepo repo;
  repo.Write("features/defs.yaml", kDefs);
  const int64_t end = Sec(100);  // recent's ttl is 30 s: rows must be after 70 s
  repo.Write("users/a.csv", std::string(kHeader) + Line(1, Sec(70), -1, 1, "at-floor") +
                                Line(2, Sec(70) + 1, -1, 2, "just-inside") +
                                Line(3, Sec(65), -1, 3, "old") + Line(3, Sec(95), -1, 30, "new") +
                                Line(4, Sec(100), -1, 4, "at-end") +
                                Line(5, Sec(100) + 1, -1, 5, "after-end"));
  repo.Apply();
  auto done = repo.Run(repo.Spec(Sec(0), end));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(repo.ExpectOnlineEqualsHistorical("recent", 5, end), 3);
  EXPECT_FALSE(repo.Online("recent", 1).has_value());  // event_ts == end - ttl: outside
  EXPECT_EQ(repo.Online("recent", 2)->rank.event_ts, Sec(70) + 1);
  EXPECT_EQ(repo.Online("recent", 3)->rank.event_ts, Sec(95));
  EXPECT_EQ(repo.Online("recent", 4)->rank.event_ts, Sec(100));
  EXPECT_FALSE(repo.Online("recent", 5).has_value());  // after END
  // Without a ttl, every key with rows in (START, END] has its row.
  EXPECT_EQ(repo.ExpectOnlineEqualsHistorical("profile", 5, end), 4);
  EXPECT_EQ(repo.Online("profile", 1)->rank.event_ts, Sec(70));
}

TEST(Materialize, OnlyKeysWithRowsInTheIntervalAreWritten) {
  MaterializeRepo repo;
  repo.Write("features/defs.yaml", kDefs);
  repo.Write("users/a.csv", std::string(kHeader) + Line(1, Sec(5), -1, 1, "before") +
                                Line(2, Sec(5), -1, 2, "before") + Line(2, Sec(15), -1, 20, "in"));
  repo.Apply();
  auto done = repo.Run(repo.Spec(Sec(10), Sec(20), {"profile"}));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_EQ(done->size(), 1u);
  EXPECT_EQ((*done)[0].rows_written, 1);
  EXPECT_FALSE(repo.Online("profile", 1).has_value());
  EXPECT_EQ(repo.Online("profile", 2)->rank.event_ts, Sec(15));
}

TEST(Materialize, IncrementalAppliesLateLogRowsBySequence) {
  MaterializeRepo repo;
  repo.Write("features/defs.yaml", kDefs);
  repo.Write("users/a.csv", std::string(kHeader) + Line(1, Sec(40), -1, 1, "file") +
                                Line(2, Sec(90), -1, 2, "file"));
  repo.Apply();
  repo.Ingest("users", std::string(kHeader) + Line(3, Sec(20), -1, 3, "log") +
                           Line(4, Sec(150), -1, 4, "future"));
  // The first incremental run starts before the earliest row.
  auto first = repo.Run(repo.Incremental(Sec(100), {"profile"}));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ((*first)[0].start_micros, Sec(20) - 1);
  EXPECT_EQ(repo.ExpectOnlineEqualsHistorical("profile", 4, Sec(100)), 3);
  auto records = repo.Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].intervals, (Intervals{{Sec(20) - 1, Sec(100)}}));
  EXPECT_EQ(records[0].log_seq, 2);

  // Committed late, with old event times: key 1's row wins (50 > 40), key
  // 2's does not (50 < 90), key 5 is new.
  repo.Ingest("users", std::string(kHeader) + Line(1, Sec(50), -1, 10, "late") +
                           Line(2, Sec(50), -1, 20, "late") + Line(5, Sec(30), -1, 50, "late"));
  auto second = repo.Run(repo.Incremental(Sec(120), {"profile"}));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ((*second)[0].start_micros, Sec(100));
  EXPECT_EQ(repo.ExpectOnlineEqualsHistorical("profile", 5, Sec(120)), 4);
  EXPECT_EQ(repo.Decode(repo.View("profile"), *repo.Online("profile", 1))[1], "\"late\"");
  EXPECT_EQ(repo.Decode(repo.View("profile"), *repo.Online("profile", 2))[1], "\"file\"");
  EXPECT_EQ(repo.Online("profile", 5)->rank.ingest_seq, 5);
  EXPECT_FALSE(repo.Online("profile", 4).has_value());  // 150 s is after END
  records = repo.Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].intervals, (Intervals{{Sec(20) - 1, Sec(120)}}));
  EXPECT_EQ(records[0].log_seq, 5);

  // Up to 160 s: the row committed first with a future event time is
  // applied by event time.
  auto third = repo.Run(repo.Incremental(Sec(160), {"profile"}));
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(repo.ExpectOnlineEqualsHistorical("profile", 5, Sec(160)), 5);
}

TEST(Materialize, ReRunIsIdempotent) {
  MaterializeRepo repo;
  repo.Write("features/defs.yaml", kDefs);
  std::mt19937_64 rng(7);
  repo.Write("users/a.csv", RandomRows(&rng, 200, 20, 50));
  repo.Apply();
  repo.Ingest("users", RandomRows(&rng, 50, 20, 50));
  // Views named: an aggregated view's record moves with now.
  const std::vector<std::string> views = {"profile", "recent"};
  ASSERT_TRUE(repo.Run(repo.Spec(Sec(0), Sec(40), views)).ok());
  std::string profile = repo.DumpOnline("profile", 20);
  std::string recent = repo.DumpOnline("recent", 20);
  auto records = repo.Records();
  ASSERT_FALSE(profile.empty());
  auto again = repo.Run(repo.Spec(Sec(0), Sec(40), views));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(repo.DumpOnline("profile", 20), profile);
  EXPECT_EQ(repo.DumpOnline("recent", 20), recent);
  auto records_after = repo.Records();
  ASSERT_EQ(records_after.size(), records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records_after[i].intervals, records[i].intervals);
    EXPECT_EQ(records_after[i].log_seq, records[i].log_seq);
  }
}

TEST(Materialize, NeverReplacesAWinningOnlineRow) {
  MaterializeRepo repo;
  repo.Write("features/defs.yaml", kDefs);
  repo.Write("users/a.csv", std::string(kHeader) + Line(1, Sec(10), -1, 1, "old"));
  repo.Apply();
  // A newer row already online (as a push would leave it).
  ViewId id{"profile", 1};
  std::string key = KeyBytes(1);
  OnlineWrite pushed{key, RowRank{Sec(30), kNullCreatedTs, 0}, "pushed"};
  ASSERT_TRUE(repo.store().Write(id, {&pushed, 1}).ok());
  auto done = repo.Run(repo.Spec(Sec(0), Sec(20), {"profile"}));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ((*done)[0].rows_written, 0);
  EXPECT_EQ(repo.Online("profile", 1)->values, "pushed");
}

TEST(Materialize, IntervalsAreRecordedMerged) {
  MaterializeRepo repo;
  repo.Write("features/defs.yaml", kDefs);
  repo.Write("users/a.csv", std::string(kHeader) + Line(1, Sec(10), -1, 1, "x"));
  repo.Apply();
  ASSERT_TRUE(repo.Run(repo.Spec(Sec(0), Sec(10), {"profile"})).ok());
  ASSERT_TRUE(repo.Run(repo.Spec(Sec(10), Sec(20), {"profile"})).ok());
  ASSERT_TRUE(repo.Run(repo.Spec(Sec(30), Sec(40), {"profile"})).ok());
  auto records = repo.Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].view, "profile");
  EXPECT_EQ(records[0].version, 1);
  EXPECT_EQ(records[0].intervals, (Intervals{{0, Sec(20)}, {Sec(30), Sec(40)}}));
  // An incremental run continues from the last end.
  auto next = repo.Run(repo.Incremental(Sec(50), {"profile"}));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ((*next)[0].start_micros, Sec(40));
  EXPECT_EQ(repo.Records()[0].intervals, (Intervals{{0, Sec(20)}, {Sec(30), Sec(50)}}));
}

TEST(Materialize, ANewVersionIsMaterializedForItself) {
  MaterializeRepo repo;
  repo.Write("features/defs.yaml", kDefs);
  repo.Write("users/a.csv", std::string(kHeader) + Line(1, Sec(10), -1, 7, "x"));
  repo.Apply();
  ASSERT_TRUE(repo.Run(repo.Incremental(Sec(20), {"profile"})).ok());
  std::string defs = kDefs;
  defs.replace(defs.find("age * 1.5"), 9, "age * 2.5");
  repo.Write("features/defs.yaml", defs);
  repo.Apply();
  // Version 2 has no record: its first incremental run starts over.
  auto v2 = repo.Run(repo.Incremental(Sec(20), {"profile"}));
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ((*v2)[0].version, 2);
  EXPECT_EQ(repo.Decode(repo.View("profile"), *repo.Online("profile", 1, 2))[2], "17.5");
  EXPECT_EQ(repo.Decode(repo.View("profile"), *repo.Online("profile", 1, 1))[2], "10.5");
  EXPECT_EQ(repo.Records().size(), 2u);
}

// A plain run vouches for the log's sequence only when its interval covers
// every recorded one: otherwise late rows in the older intervals would be
// skipped by the next incremental run.
TEST(Materialize, PlainRunsRecordTheLogSeqOnlyWhenCoveringTheRecords) {
  MaterializeRepo repo;
  repo.Write("features/defs.yaml", kDefs);
  repo.Write("users/a.csv", std::string(kHeader) + Line(1, Sec(5), -1, 1, "file"));
  repo.Apply();
  repo.Ingest("users", std::string(kHeader) + Line(2, Sec(5), -1, 2, "log"));  // seq 1
  ASSERT_TRUE(repo.Run(repo.Spec(Sec(0), Sec(10), {"profile"})).ok());
  EXPECT_EQ(repo.Records()[0].log_seq, 1);  // the first record covers everything recorded
  // Committed late into (0, 10], then a run over (20, 30] only.
  repo.Ingest("users", std::string(kHeader) + Line(1, Sec(6), -1, 10, "late"));  // seq 2
  ASSERT_TRUE(repo.Run(repo.Spec(Sec(20), Sec(30), {"profile"})).ok());
  EXPECT_EQ(repo.Records()[0].log_seq, 1);
  EXPECT_EQ(repo.Decode(repo.View("profile"), *repo.Online("profile", 1))[1], "\"file\"");
  // So the next incremental run still applies the late row.
  ASSERT_TRUE(repo.Run(repo.Incremental(Sec(40), {"profile"})).ok());
  EXPECT_EQ(repo.Decode(repo.View("profile"), *repo.Online("profile", 1))[1], "\"late\"");
  EXPECT_EQ(repo.Records()[0].log_seq, 2);
  EXPECT_EQ(repo.ExpectOnlineEqualsHistorical("profile", 2, Sec(40)), 2);
  // A plain run covering every recorded interval records the sequence.
  repo.Ingest("users", std::string(kHeader) + Line(2, Sec(7), -1, 20, "late"));  // seq 3
  ASSERT_TRUE(repo.Run(repo.Spec(Sec(-1), Sec(40), {"profile"})).ok());
  EXPECT_EQ(repo.Records()[0].log_seq, 3);
  EXPECT_EQ(repo.Records()[0].intervals, (Intervals{{Sec(-1), Sec(40)}}));
}

// Every refusal happens before anything is written: the store stays empty
// and no interval is recorded.
class MaterializeErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_.Write("features/defs.yaml", kDefs);
    repo_.Write("users/a.csv", std::string(kHeader) + Line(1, Sec(10), -1, 1, "x"));
    repo_.Apply();
  }
  std::string Fails(MaterializeSpec spec) {
    int opened = 0;
    auto open = spec.open_store;
    spec.open_store = [&]() {
      ++opened;
      return open();
    };
    auto result = repo_.Run(spec);
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(opened, 0);  // refused before the store was opened
    EXPECT_EQ(repo_.store().size(), 0);
    EXPECT_TRUE(repo_.Records().empty());
    return result.ok() ? "" : result.status().ToString();
  }
  MaterializeRepo repo_;
};

TEST_F(MaterializeErrors, UnknownView) {
  EXPECT_EQ(Fails(repo_.Spec(0, Sec(20), {"profil"})),
            "Not found: no feature view named 'profil' (did you mean 'profile'?)");
}

TEST_F(MaterializeErrors, OnDemandAndOfflineViews) {
  EXPECT_EQ(Fails(repo_.Spec(0, Sec(20), {"doubled"})),
            "Invalid argument: 'doubled' is an on-demand view: its features are computed when "
            "read, not materialized");
  EXPECT_EQ(Fails(repo_.Spec(0, Sec(20), {"offline_only"})),
            "Invalid argument: feature view 'offline_only' is not online (online: false): it has "
            "no online rows");
}

TEST_F(MaterializeErrors, EndNotAfterStart) {
  EXPECT_EQ(Fails(repo_.Spec(Sec(20), Sec(20))),
            "Invalid argument: END 1970-01-01T00:00:20.000000Z is not after START "
            "1970-01-01T00:00:20.000000Z");
  EXPECT_EQ(Fails(repo_.Spec(Sec(30), Sec(20))),
            "Invalid argument: END 1970-01-01T00:00:20.000000Z is not after START "
            "1970-01-01T00:00:30.000000Z");
}

TEST_F(MaterializeErrors, IncrementalEndNotAfterLastEnd) {
  ASSERT_TRUE(repo_.Run(repo_.Incremental(Sec(20), {"profile"})).ok());
  std::string before = repo_.DumpOnline("profile", 1);
  auto again = repo_.Run(repo_.Incremental(Sec(20), {"profile"}));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().ToString(),
            "Invalid argument: feature view 'profile' (version 1) is materialized up to "
            "1970-01-01T00:00:20.000000Z; END 1970-01-01T00:00:20.000000Z must be later");
  EXPECT_EQ(repo_.DumpOnline("profile", 1), before);
}

}  // namespace
}  // namespace tessera::online
