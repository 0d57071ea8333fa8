// tessera_quickstart_gen: writes the quickstart's source files into a repo.
//
//   tessera_quickstart_gen REPO_DIR [--users N] [--merchants N] [--weeks N]
//
// Writes, under REPO_DIR/data/sources/:
//   user_profiles.parquet          one snapshot per user and week
//   merchant_profiles.parquet      one row per merchant
//   transactions/part-<W>.parquet  one file per week of transactions
//   training_spine.parquet         transactions with their fraud label
//
// Output is deterministic: a fixed seed drives std::mt19937_64 (whose output
// sequence the standard fixes), and every distribution is written here with
// integer arithmetic only, because std::uniform_int_distribution and friends
// differ between standard libraries and floating-point maths between libms.
// Amounts are whole cents, so the doubles written are identical everywhere.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "tessera/core/record_batch.h"
#include "tessera/core/time.h"
#include "tessera/format/parquet/writer.h"

namespace {

using tessera::DataType;
using tessera::Field;
using tessera::RecordBatchBuilder;
using tessera::Schema;
using tessera::SchemaPtr;
using tessera::Status;
using tessera::Value;

constexpr uint64_t kSeed = 20240301;
const int64_t kStart = tessera::DaysFromCivil(2024, 3, 1) * tessera::kMicrosPerDay;
constexpr int64_t kWeek = 7 * tessera::kMicrosPerDay;

struct Options {
  std::string repo;
  int64_t users = 2000;
  int64_t merchants = 300;
  int64_t weeks = 4;
};

// Hand-written distributions over the engine (see the file comment).
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  // Uniform in [0, n); the modulo bias is below 2^-40 for the n used here.
  int64_t Below(int64_t n) { return static_cast<int64_t>(engine_() % static_cast<uint64_t>(n)); }
  int64_t Between(int64_t lo, int64_t hi) { return lo + Below(hi - lo + 1); }  // inclusive
  // True with probability per_mille / 1000.
  bool Chance(int64_t per_mille) { return Below(1000) < per_mille; }
  // Skewed towards 0: the smaller of two uniform draws (density 2(1-x)).
  int64_t SkewedBelow(int64_t n) { return std::min(Below(n), Below(n)); }

 private:
  std::mt19937_64 engine_;
};

const std::vector<std::string> kCountries = {"DE", "FR", "NL", "ES", "IT", "US", "GB", "PL"};
const std::vector<std::string> kCategories = {"grocery", "travel", "electronics",
                                              "fashion", "gaming", "restaurants"};
// Typical amount range in cents per category, same order as kCategories.
const std::vector<std::pair<int64_t, int64_t>> kAmountCents = {
    {300, 15000}, {5000, 120000}, {2000, 250000}, {1500, 40000}, {500, 10000}, {800, 12000}};

std::string MerchantId(int64_t i) {
  std::string digits = std::to_string(i);
  return "m_" + std::string(4 - std::min<size_t>(4, digits.size()), '0') + digits;
}
int64_t MerchantCategory(int64_t m) {
  return (m * 7 + 3) % static_cast<int64_t>(kCategories.size());
}

SchemaPtr MakeSchema(std::vector<Field> fields) { return Schema::Make(std::move(fields)).value(); }

// Writes `rows` to `repo`/`relative` (printing the relative path, which is
// what the definitions refer to).
Status WriteRows(const std::string& repo, const std::string& relative, const SchemaPtr& schema,
                 const std::vector<std::vector<Value>>& rows) {
  std::string path = repo + "/" + relative;
  RecordBatchBuilder builder(schema);
  for (const auto& row : rows) TS_RETURN_NOT_OK(builder.AppendRow(row));
  TS_ASSIGN_OR_RETURN(auto batch, builder.Finish());
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  TS_RETURN_NOT_OK(tessera::parquet::WriteParquetFile(path, schema, {batch}));
  std::cout << "wrote " << relative << " (" << rows.size() << " rows)\n";
  return Status::OK();
}

Status WriteUserProfiles(const Options& opt, Rng* rng) {
  SchemaPtr schema = MakeSchema({{"user_id", DataType::Int64()},
                                 {"age", DataType::Int32()},
                                 {"country", DataType::String()},
                                 {"tenure_days", DataType::Int32()},
                                 {"credit_limit", DataType::Double()},
                                 {"event_timestamp", DataType::Timestamp()},
                                 {"created_timestamp", DataType::Timestamp()}});
  std::vector<std::vector<Value>> rows;
  for (int64_t u = 0; u < opt.users; ++u) {
    int64_t age = rng->Between(18, 85);
    std::string country = kCountries[static_cast<size_t>(rng->SkewedBelow(8))];
    int64_t tenure = rng->Chance(120) ? rng->Below(30) : rng->Between(30, 3650);
    int64_t limit_cents = rng->Between(5, 100) * 10000;
    for (int64_t w = 0; w < opt.weeks; ++w) {
      int64_t ts = kStart + w * kWeek;
      // The snapshot lands a few minutes after its event time.
      int64_t created = ts + rng->Between(60, 900) * tessera::kMicrosPerSecond;
      Value country_value =
          rng->Chance(5) ? Value::Null(DataType::String()) : Value::String(country);
      rows.push_back({Value::Int64(100000 + u), Value::Int32(static_cast<int32_t>(age)),
                      country_value, Value::Int32(static_cast<int32_t>(tenure + 7 * w)),
                      Value::Double(static_cast<double>(limit_cents) / 100.0), Value::Timestamp(ts),
                      Value::Timestamp(created)});
    }
  }
  return WriteRows(opt.repo, "data/sources/user_profiles.parquet", schema, rows);
}

Status WriteMerchantProfiles(const Options& opt, Rng* rng) {
  SchemaPtr schema = MakeSchema({{"merchant_id", DataType::String()},
                                 {"category", DataType::String()},
                                 {"country", DataType::String()},
                                 {"risk_score", DataType::Double()},
                                 {"event_timestamp", DataType::Timestamp()}});
  std::vector<std::vector<Value>> rows;
  for (int64_t m = 0; m < opt.merchants; ++m) {
    // Risk in thousandths; most merchants are low risk, a few very high.
    int64_t risk = rng->Chance(60) ? rng->Between(800, 1000) : rng->SkewedBelow(600);
    int64_t onboarded = kStart - rng->Between(1, 365) * tessera::kMicrosPerDay;
    rows.push_back({Value::String(MerchantId(m)),
                    Value::String(kCategories[static_cast<size_t>(MerchantCategory(m))]),
                    Value::String(kCountries[static_cast<size_t>(rng->Below(8))]),
                    Value::Double(static_cast<double>(risk) / 1000.0),
                    Value::Timestamp(onboarded)});
  }
  return WriteRows(opt.repo, "data/sources/merchant_profiles.parquet", schema, rows);
}

struct Txn {
  int64_t ts;
  int64_t user;
  int64_t merchant;
  int64_t cents;
  bool fraud;
};

// One week of transactions, sorted by time. Fraud comes in bursts: a
// compromised card makes several large purchases within an hour, at night.
std::vector<Txn> MakeWeek(const Options& opt, int64_t week, Rng* rng) {
  std::vector<Txn> txns;
  int64_t week_start = kStart + week * kWeek;
  int64_t count = opt.users * 5;
  for (int64_t i = 0; i < count; ++i) {
    Txn t;
    t.user = rng->SkewedBelow(opt.users);
    t.merchant = rng->SkewedBelow(opt.merchants);
    auto [lo, hi] = kAmountCents[static_cast<size_t>(MerchantCategory(t.merchant))];
    t.cents = lo + rng->SkewedBelow(hi - lo);
    t.ts = week_start + rng->Below(kWeek / tessera::kMicrosPerSecond) * tessera::kMicrosPerSecond;
    t.fraud = false;
    txns.push_back(t);
  }
  int64_t bursts = std::max<int64_t>(1, opt.users / 100);
  for (int64_t b = 0; b < bursts; ++b) {
    int64_t user = rng->Below(opt.users);
    int64_t day = rng->Below(7);
    int64_t ts = week_start + day * tessera::kMicrosPerDay +
                 rng->Below(5 * 3600) * tessera::kMicrosPerSecond;
    for (int64_t k = rng->Between(3, 8); k > 0; --k) {
      ts += rng->Between(30, 600) * tessera::kMicrosPerSecond;
      txns.push_back({ts, user, rng->Below(opt.merchants), rng->Between(40000, 300000), true});
    }
  }
  std::sort(txns.begin(), txns.end(), [](const Txn& a, const Txn& b) {
    return a.ts != b.ts ? a.ts < b.ts : a.user < b.user;
  });
  return txns;
}

Status WriteTransactions(const Options& opt, Rng* rng) {
  SchemaPtr txn_schema = MakeSchema({{"txn_id", DataType::String()},
                                     {"user_id", DataType::Int64()},
                                     {"merchant_id", DataType::String()},
                                     {"amount", DataType::Double()},
                                     {"ts", DataType::Timestamp()}});
  SchemaPtr spine_schema = MakeSchema({{"user_id", DataType::Int64()},
                                       {"merchant_id", DataType::String()},
                                       {"amount", DataType::Double()},
                                       {"event_timestamp", DataType::Timestamp()},
                                       {"is_fraud", DataType::Bool()}});
  std::vector<std::vector<Value>> spine;
  int64_t next_id = 0;
  for (int64_t w = 0; w < opt.weeks; ++w) {
    std::vector<std::vector<Value>> rows;
    for (const Txn& t : MakeWeek(opt, w, rng)) {
      double amount = static_cast<double>(t.cents) / 100.0;
      rows.push_back({Value::String("t_" + std::to_string(next_id++)),
                      Value::Int64(100000 + t.user), Value::String(MerchantId(t.merchant)),
                      Value::Double(amount), Value::Timestamp(t.ts)});
      // Every 20th transaction and every fraud goes into the training spine.
      if (t.fraud || next_id % 20 == 0) {
        spine.push_back({Value::Int64(100000 + t.user), Value::String(MerchantId(t.merchant)),
                         Value::Double(amount), Value::Timestamp(t.ts), Value::Bool(t.fraud)});
      }
    }
    std::string path = "data/sources/transactions/part-" + std::to_string(w) + ".parquet";
    TS_RETURN_NOT_OK(WriteRows(opt.repo, path, txn_schema, rows));
  }
  return WriteRows(opt.repo, "data/sources/training_spine.parquet", spine_schema, spine);
}

int Usage() {
  std::cerr << "usage: tessera_quickstart_gen REPO_DIR [--users N] [--merchants N] [--weeks N]\n";
  return 2;
}

bool ParseArgs(int argc, char** argv, Options* opt) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    int64_t* target = arg == "--users"       ? &opt->users
                      : arg == "--merchants" ? &opt->merchants
                      : arg == "--weeks"     ? &opt->weeks
                                             : nullptr;
    if (target != nullptr) {
      if (i + 1 >= argc) return false;
      char* end = nullptr;
      *target = std::strtoll(argv[++i], &end, 10);
      if (*end != '\0' || *target <= 0 || *target > 1000000) return false;
    } else if (opt->repo.empty() && !arg.empty() && arg[0] != '-') {
      opt->repo = arg;
    } else {
      return false;
    }
  }
  return !opt->repo.empty() && opt->merchants <= 9999;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!ParseArgs(argc, argv, &opt)) return Usage();
  // One generator per file, each seeded from kSeed, so changing one table's
  // size does not reshuffle the others.
  Rng users(kSeed), merchants(kSeed + 1), txns(kSeed + 2);
  Status st = WriteUserProfiles(opt, &users);
  if (st.ok()) st = WriteMerchantProfiles(opt, &merchants);
  if (st.ok()) st = WriteTransactions(opt, &txns);
  if (!st.ok()) {
    std::cerr << "error: " << st.message() << "\n";
    return 1;
  }
  return 0;
}
