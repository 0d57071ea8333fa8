// `tessera historical` end to end on a small repo with CSV sources: the
// output is compared byte for byte with a training set computed here by
// brute force (every source row for every spine row), for CSV and Parquet
// spines and outputs, and each error is one exact line with the output
// file left as it was.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "scratch_cli_test.h"
#include "tessera/core/time.h"

namespace tessera::cli_test {
namespace {

constexpr int64_t kSec = 1000000;
const int64_t kT0 = DaysFromCivil(2024, 3, 1) * kMicrosPerDay;

std::string Ts(int64_t seconds) { return FormatTimestamp(kT0 + seconds * kSec); }

struct Row {
  std::string key;
  int64_t ts;
  int64_t value;
  std::string tier;
};
struct SpineRow {
  int64_t user_id;
  std::string merchant_id;
  int64_t t;
  int64_t extra;
  int64_t label;
};

class HistoricalCliTest : public ScratchCliTest {
 protected:
  void SetUp() override {
    ScratchCliTest::SetUp();
    Write("tessera.yaml", "project: p\n");
    std::filesystem::create_directories(Path("features"));
    Write("features/defs.yaml", R"(entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
  - name: merchant
    join_keys: [{name: merchant_id, type: string}]
sources:
  - {name: users, kind: batch, path: users.csv, timestamp_field: event_timestamp}
  - {name: merchants, kind: batch, path: merchants.csv, timestamp_field: ts}
  - name: req
    kind: request
    schema: [{name: extra, type: int64}]
feature_views:
  - name: user_profile
    entities: [user]
    source: users
    ttl: 5s
    features:
      - {name: age, type: int64}
      - {name: tier, type: string}
  - name: merchant_profile
    entities: [merchant]
    source: merchants
    features:
      - {name: fee, type: int64}
      - {name: tier, type: string}
      - {name: fee_x2, type: int64, expr: "fee * 2"}
  - name: user_spend
    entities: [user]
    source: users
    aggregations:
      - {column: age, function: sum, windows: [1h]}
on_demand_feature_views:
  - name: fees
    inputs: [merchant_profile, req]
    features:
      - {name: total, type: int64, expr: "fee + extra"}
feature_services:
  - name: model
    features: [user_profile:age, merchant_profile:fee, fees]
)");
    std::string users = "user_id,event_timestamp,age,tier\n";
    for (int64_t u = 0; u < 3; ++u) {
      for (int64_t k = 0; k < 5; ++k) {
        Row r{std::to_string(u), 10 * k + u, 10 * u + k, k % 2 ? "gold" : "silver"};
        users_.push_back(r);
        users += r.key + "," + Ts(r.ts) + "," + std::to_string(r.value) + "," + r.tier + "\n";
      }
    }
    Write("users.csv", users);
    std::string merchants = "merchant_id,ts,fee,tier\n";
    for (int64_t m = 0; m < 2; ++m) {
      for (int64_t k = 0; k < 4; ++k) {
        Row r{"m" + std::to_string(m), 15 * k + 3 * m, 100 * m + k, k % 2 ? "a" : "b"};
        merchants_.push_back(r);
        merchants += r.key + "," + Ts(r.ts) + "," + std::to_string(r.value) + "," + r.tier + "\n";
      }
    }
    Write("merchants.csv", merchants);
    // Unsorted, with a duplicate, a key no source has, times before any
    // data and exactly at a row's time and at the ttl edge.
    spine_ = {{2, "m1", 47, 5, 1}, {0, "m0", 0, 1, 0},  {1, "m0", 26, 2, 1}, {9, "m1", 30, 3, 0},
              {0, "m0", -5, 4, 1}, {2, "m1", 47, 5, 1}, {1, "m2", 41, 6, 0}, {0, "m1", 60, 7, 1}};
    std::string spine = "user_id,merchant_id,event_timestamp,extra,label\n";
    for (const SpineRow& s : spine_) {
      spine += std::to_string(s.user_id) + "," + s.merchant_id + "," + Ts(s.t) + "," +
               std::to_string(s.extra) + "," + std::to_string(s.label) + "\n";
    }
    Write("spine.csv", spine);
    CliResult applied = Run({"apply", "--user", "t"});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
  }

  // The row DESIGN.md section 3 picks (ties: the later row), or nullptr.
  static const Row* Pick(const std::vector<Row>& rows, const std::string& key, int64_t t,
                         int64_t ttl_seconds) {
    const Row* best = nullptr;
    for (const Row& r : rows) {
      if (r.key != key || r.ts > t) continue;
      if (ttl_seconds > 0 && r.ts <= t - ttl_seconds) continue;
      if (best == nullptr || r.ts >= best->ts) best = &r;
    }
    return best;
  }

  // The expected CSV of --features user_profile:age,merchant_profile:fee,
  // merchant_profile:fee_x2,fees:total (+ full names, timestamps).
  std::string Expected(bool full_names, bool with_timestamps) const {
    std::string out = "user_id,merchant_id,event_timestamp,extra,label,";
    out += full_names
               ? "user_profile__age,merchant_profile__fee,merchant_profile__fee_x2,fees__total"
               : "age,fee,fee_x2,total";
    if (with_timestamps) out += ",user_profile__event_timestamp,merchant_profile__event_timestamp";
    out += "\n";
    for (const SpineRow& s : spine_) {
      const Row* u = Pick(users_, std::to_string(s.user_id), s.t, 5);
      const Row* m = Pick(merchants_, s.merchant_id, s.t, 0);
      out += std::to_string(s.user_id) + "," + s.merchant_id + "," + Ts(s.t) + "," +
             std::to_string(s.extra) + "," + std::to_string(s.label) + ",";
      out += (u ? std::to_string(u->value) : "") + ",";
      out += (m ? std::to_string(m->value) : "") + ",";
      out += (m ? std::to_string(m->value * 2) : "") + ",";
      out += m ? std::to_string(m->value + s.extra) : "";
      if (with_timestamps) out += "," + (u ? Ts(u->ts) : "") + "," + (m ? Ts(m->ts) : "");
      out += "\n";
    }
    return out;
  }

  std::vector<std::string> Historical(std::vector<std::string> more) {
    std::vector<std::string> args = {
        "historical", "--entities", "spine.csv", "--features",
        "user_profile:age,merchant_profile:fee,merchant_profile:fee_x2,fees:total"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  // Runs `args`, expects exit 1 with `message`, and out.csv unchanged.
  void ExpectFailure(const std::vector<std::string>& args, const std::string& message,
                     int exit_code = 1) {
    Write("out.csv", "before\n");
    CliResult r = Run(args);
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    EXPECT_EQ(r.err, "error: " + message + "\n");
    EXPECT_EQ(Slurp("out.csv"), "before\n");
  }

  std::vector<Row> users_;
  std::vector<Row> merchants_;
  std::vector<SpineRow> spine_;
};

TEST_F(HistoricalCliTest, CsvSpineToCsvMatchesBruteForce) {
  CliResult r = Run(Historical({"--out", "out.csv"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "wrote 8 rows to out.csv\n");
  EXPECT_EQ(r.err, "");  // not a terminal: no progress
  EXPECT_EQ(Slurp("out.csv"), Expected(false, false));
}

TEST_F(HistoricalCliTest, ParquetSpineToParquetWithFullNamesAndTimestamps) {
  ASSERT_EQ(Run({"convert", "spine.csv", "spine.parquet"}).exit_code, 0);
  std::vector<std::string> args =
      Historical({"--out", "out.parquet", "--full-feature-names", "--with-timestamps", "--quiet"});
  args[2] = "spine.parquet";
  CliResult r = Run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // convert infers the spine's int columns as int64 and so the same types.
  ASSERT_EQ(Run({"convert", "out.parquet", "out.csv"}).exit_code, 0);
  EXPECT_EQ(Slurp("out.csv"), Expected(true, true));
}

TEST_F(HistoricalCliTest, ServiceGivesItsFeatures) {
  CliResult r = Run({"historical", "--entities", "spine.csv", "--service", "model", "--out",
                     "out.csv", "--repo", dir_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string text = Slurp("out.csv");
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "user_id,merchant_id,event_timestamp,extra,label,age,fee,total");
}

TEST_F(HistoricalCliTest, ErrorsAreOneLineAndLeaveTheOutputAlone) {
  ExpectFailure({"historical", "--entities", "spine.csv", "--features",
                 "user_profile:tier,merchant_profile:tier", "--out", "out.csv"},
                "output column 'tier' would come from both feature 'user_profile:tier' and "
                "feature 'merchant_profile:tier'; use --full-feature-names (view__feature)");
  ExpectFailure({"historical", "--entities", "spine.csv", "--features", "user_profile:agee",
                 "--out", "out.csv"},
                "feature view 'user_profile' has no feature 'agee' (in 'user_profile:agee') (did "
                "you mean 'age'?)");
  Write("no_extra.csv", "user_id,merchant_id,event_timestamp\n1,m0," + Ts(5) + "\n");
  ExpectFailure(
      {"historical", "--entities", "no_extra.csv", "--features", "fees:total", "--out", "out.csv"},
      "the spine has no column 'extra' (request field of 'req' read by on-demand view "
      "'fees'); its columns: user_id, merchant_id, event_timestamp");
  Write("no_key.csv", "user_id,event_timestamp\n1," + Ts(5) + "\n");
  ExpectFailure({"historical", "--entities", "no_key.csv", "--features", "merchant_profile:fee",
                 "--out", "out.csv"},
                "the spine has no column 'merchant_id' (join key of entity 'merchant' of feature "
                "view 'merchant_profile'); its columns: user_id, event_timestamp");
  ExpectFailure({"historical", "--entities", "spine.csv", "--features", "user_profile:age",
                 "--service", "model", "--out", "out.csv"},
                "give exactly one of --features and --service", 2);
  ExpectFailure({"historical", "--entities", "spine.csv", "--features", "user_profile:age",
                 "--timestamp-column", "ts", "--out", "out.csv"},
                "the spine has no column 'ts' (the spine's timestamp column); its columns: "
                "user_id, merchant_id, event_timestamp, extra, label");
}

// On a terminal (script(1) gives the command one) progress lines go to
// stderr, redrawn with \r; --quiet silences them. (Not a terminal: the
// other tests check stderr is empty.)
TEST_F(HistoricalCliTest, ProgressOnATerminalOnly) {
  auto under_tty = [&](const std::string& extra) {
    std::string command = std::string(TESSERA_BINARY) + " -r " + dir_ + " historical --entities " +
                          Path("spine.csv") + " --features user_profile:age --out " +
                          Path("tty.csv") + extra;
    std::string shell = "script -qec '" + command + "' /dev/null > " + Path("tty.txt") + " 2>&1";
    EXPECT_EQ(std::system(shell.c_str()), 0) << shell;
    return Slurp("tty.txt");
  };
  std::string shown = under_tty("");
  EXPECT_NE(shown.find("\rwriting: 8/8 rows, "), std::string::npos) << shown;
  EXPECT_NE(shown.find("ETA "), std::string::npos) << shown;
  EXPECT_NE(shown.find("wrote 8 rows to "), std::string::npos) << shown;
  std::string quiet = under_tty(" --quiet");
  EXPECT_EQ(quiet.find("\r"), quiet.find("\r\n")) << quiet;  // only line ends from the tty
  EXPECT_EQ(quiet.find("writing:"), std::string::npos) << quiet;
}

}  // namespace
}  // namespace tessera::cli_test
