// Test helpers for the registry store tests: the DESIGN.md section 2 fraud
// repo built in code (so store tests do not depend on the YAML loader), a
// scratch folder per test, and dumps of a registry file for before/after
// comparisons.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tessera/core/time.h"
#include "tessera/registry/definitions.h"
#include "tessera/registry/sqlite_db.h"

namespace tessera::registry::testing {

inline ObjectDoc Doc(std::string description, std::string owner = "",
                     std::map<std::string, std::string> tags = {}) {
  return ObjectDoc{std::move(description), std::move(owner), std::move(tags)};
}

inline FeatureDef Feature(std::string name, DataType type, std::string expr = "") {
  FeatureDef f;
  f.name = std::move(name);
  f.type = type;
  f.expr = std::move(expr);
  return f;
}

// The canonical example of DESIGN.md section 2.
inline RepoDefinitions FraudRepo() {
  RepoDefinitions d;
  Entity user;
  user.name = "user";
  user.join_keys = {{"user_id", DataType::Int64()}};
  user.doc = Doc("A customer account.", "risk@example.com", {{"domain", "payments"}});
  Entity merchant;
  merchant.name = "merchant";
  merchant.join_keys = {{"merchant_id", DataType::String()}};
  d.entities = {user, merchant};

  Source profiles;
  profiles.name = "user_profiles";
  profiles.path = "data/sources/user_profiles.parquet";
  profiles.timestamp_field = "event_timestamp";
  profiles.created_timestamp_field = "created_timestamp";
  Source txns;
  txns.name = "transactions";
  txns.path = "data/sources/transactions/*.parquet";
  txns.timestamp_field = "ts";
  Source push;
  push.name = "transactions_push";
  push.kind = SourceKind::kPush;
  push.batch_source = "transactions";
  Source request;
  request.name = "txn_request";
  request.kind = SourceKind::kRequest;
  request.schema = {{"amount", DataType::Double()}};
  d.sources = {profiles, txns, push, request};

  FeatureView profile;
  profile.name = "user_profile";
  profile.entities = {"user"};
  profile.source = "user_profiles";
  profile.ttl = 30 * kMicrosPerDay;
  profile.features = {Feature("age", DataType::Int32()), Feature("country", DataType::String()),
                      Feature("is_new", DataType::Bool(), "tenure_days < 30")};
  profile.validation["age"].min = 0;
  profile.validation["age"].max = 130;
  profile.validation["country"].not_null = true;
  profile.doc = Doc("Profile attributes of a customer.", "growth@example.com",
                    {{"domain", "profile"}, {"tier", "gold"}});
  FeatureView spend;
  spend.name = "user_spend";
  spend.entities = {"user"};
  spend.source = "transactions_push";
  spend.aggregations = {{"amount", "sum", {kMicrosPerHour, 24 * kMicrosPerHour}, {}},
                        {"amount", "count", {24 * kMicrosPerHour}, {}},
                        {"merchant_id", "count_distinct", {7 * kMicrosPerDay}, {}}};
  spend.doc = Doc("Rolling spend of a customer.", "risk@example.com", {{"domain", "payments"}});
  d.feature_views = {profile, spend};

  OnDemandFeatureView scores;
  scores.name = "txn_scores";
  scores.inputs = {"user_spend", "txn_request"};
  scores.features = {
      Feature("amount_vs_day", DataType::Double(), "amount / nullif(amount_sum_24h, 0)")};
  d.on_demand_feature_views = {scores};

  FeatureService service;
  service.name = "fraud_model_v1";
  service.features = {"user_profile:age", "user_profile:country", "user_spend", "txn_scores"};
  service.doc = Doc("", "risk@example.com");
  d.feature_services = {service};
  return d;
}

// A fresh folder under the system temp folder, removed at destruction.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("tessera_registry_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
             std::to_string(NowMicros()));
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every row of every table of the database at `path`, as text: one
// "table|col=value|..." line per row, sorted, so two dumps compare equal
// exactly when the tables hold the same rows.
inline std::vector<std::string> DumpTables(const std::string& path) {
  std::vector<std::string> lines;
  SqliteOpenOptions options;
  options.mode = SqliteOpenOptions::Mode::kRead;  // leaves the file as it is
  auto db = SqliteDb::Open(path, options);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return lines;
  auto tables = (*db)->Prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  EXPECT_TRUE(tables.ok());
  while (tables->Step().ValueOr(false)) {
    std::string table = tables->ColumnText(0);
    auto rows = (*db)->Prepare("SELECT * FROM \"" + table + "\"");
    EXPECT_TRUE(rows.ok());
    while (rows->Step().ValueOr(false)) {
      std::string line = table;
      for (int c = 0; c < rows->ColumnCount(); ++c) {
        line += "|" + rows->ColumnName(c) + "=" +
                (rows->ColumnIsNull(c) ? std::string("NULL") : rows->ColumnText(c));
      }
      lines.push_back(std::move(line));
    }
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace tessera::registry::testing
