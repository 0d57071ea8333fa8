#include "tessera/cli/scaffold.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace tessera::cli {
namespace {

namespace fs = std::filesystem;

std::string TesseraYaml(const std::string& project) {
  return "# tessera.yaml: one per repo. Paths are relative to this folder.\n"
         "project: " +
         project +
         "\n"
         "registry: data/registry.db          # SQLite file\n"
         "offline_store: {path: data/offline}\n"
         "online_store: {type: rocksdb, path: data/online}\n"
         "# online_store: {type: redis, url: \"redis://127.0.0.1:6379\"}\n";
}

// Entities and sources in one file, views in another: definitions may be
// split across any number of YAML files under the repo.
constexpr const char* kPaymentsYaml =
    R"yaml(# Entities (what features describe) and sources (where rows come from).
entities:
  - name: user
    join_keys: [{name: user_id, type: int64}]
    description: A customer account.
    owner: risk@example.com
    tags: {domain: payments}
  - name: merchant
    join_keys: [{name: merchant_id, type: string}]
    description: A shop that accepts payments.
    owner: risk@example.com
    tags: {domain: payments}

sources:
  - name: user_profiles
    kind: batch
    path: data/sources/user_profiles.csv
    timestamp_field: event_timestamp
    created_timestamp_field: created_timestamp
    description: Daily snapshot of user profiles.
  - name: transactions
    kind: batch
    path: data/sources/transactions/*.csv
    timestamp_field: ts
    description: Card transactions, one row per payment.
  - name: transactions_push
    kind: push
    batch_source: transactions
    description: Live transactions pushed by the payment service.
  - name: txn_request
    kind: request
    schema: [{name: amount, type: double}]
    description: The amount of the transaction being scored.
)yaml";

constexpr const char* kFeaturesYaml =
    R"yaml(# Feature views, an on-demand view and the service a model reads.
feature_views:
  - name: user_profile
    entities: [user]
    source: user_profiles
    ttl: 30d
    description: Slowly changing facts about a user.
    owner: risk@example.com
    tags: {domain: payments, tier: gold}
    features:
      - {name: age, type: int32}
      - {name: country, type: string}
      - {name: is_new, type: bool, expr: "tenure_days < 30"}
    validation:
      age: {min: 0, max: 130}
      country: {not_null: true}
  - name: user_spend
    entities: [user]
    source: transactions_push
    description: How much and where a user spent recently.
    owner: risk@example.com
    tags: {domain: payments}
    aggregations:
      - {column: amount, function: sum, windows: [1h, 24h, 7d]}
      - {column: amount, function: count, windows: [24h]}
      - {column: merchant_id, function: count_distinct, windows: [7d]}

on_demand_feature_views:
  - name: txn_scores
    inputs: [user_spend, txn_request]
    description: The scored amount relative to the user's day.
    features:
      - {name: amount_vs_day, type: double, expr: "amount / nullif(amount_sum_24h, 0)"}

feature_services:
  - name: fraud_model_v1
    features: [user_profile:age, user_profile:country, user_spend, txn_scores]
    description: Features of the first fraud model.
    owner: risk@example.com
)yaml";

constexpr const char* kUserProfilesCsv =
    "user_id,age,country,tenure_days,event_timestamp,created_timestamp\n"
    "1001,34,DE,412,2024-03-01T00:00:00Z,2024-03-01T00:05:00Z\n"
    "1002,27,FR,12,2024-03-01T00:00:00Z,2024-03-01T00:05:00Z\n"
    "1003,51,US,980,2024-03-01T00:00:00Z,2024-03-01T00:05:00Z\n"
    "1002,27,FR,13,2024-03-02T00:00:00Z,2024-03-02T00:05:00Z\n";

constexpr const char* kTransactionsCsv =
    "user_id,merchant_id,amount,ts\n"
    "1001,m_grocer,23.50,2024-03-01T09:12:00Z\n"
    "1001,m_books,12.00,2024-03-01T17:40:00Z\n"
    "1002,m_travel,640.00,2024-03-01T21:03:00Z\n"
    "1003,m_grocer,54.10,2024-03-02T08:30:00Z\n"
    "1002,m_travel,710.00,2024-03-02T08:31:00Z\n";

constexpr const char* kGitignore =
    "# Local state written by tessera: the registry and the stores.\n"
    "# data/sources/ holds the sample source files and is kept.\n"
    "data/registry.db\n"
    "data/registry.db-*\n"
    "data/offline/\n"
    "data/online/\n"
    "data/serve.lock\n";

std::string Readme(const std::string& project) {
  return "# " + project +
         ": a Tessera feature repo\n"
         "\n"
         "Created by `tessera init`. Definitions are YAML files anywhere in this\n"
         "folder (`tessera.yaml` configures the repo; `features/` holds the\n"
         "entities, sources, feature views and services).\n"
         "\n"
         "```sh\n"
         "tessera plan                 # what apply would change; writes nothing\n"
         "tessera apply                # record the definitions in the registry\n"
         "tessera list views           # what is registered\n"
         "tessera describe user_spend  # one object, its version and history\n"
         "tessera lineage fraud_model_v1 --upstream\n"
         "```\n"
         "\n"
         "`data/sources/` holds a few rows of sample data for the batch sources.\n"
         "`data/registry.db` (the registry) and the offline and online stores are\n"
         "local state, ignored by git.\n";
}

Status WriteFile(const fs::path& path, const std::string& contents) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    return Status::IOError("cannot create '" + path.parent_path().string() + "': " + ec.message());
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return Status::IOError("cannot write '" + path.string() + "': " + std::strerror(errno));
  }
  bool ok = std::fwrite(contents.data(), 1, contents.size(), f) == contents.size();
  int write_errno = errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    write_errno = errno;
  }
  if (!ok) {
    return Status::IOError("cannot write '" + path.string() + "': " + std::strerror(write_errno));
  }
  return Status::OK();
}

}  // namespace

std::vector<ScaffoldFile> ScaffoldFiles(const std::string& project) {
  return {
      {"tessera.yaml", TesseraYaml(project)},
      {"features/payments.yaml", kPaymentsYaml},
      {"features/fraud_features.yaml", kFeaturesYaml},
      {"data/sources/user_profiles.csv", kUserProfilesCsv},
      {"data/sources/transactions/part-0.csv", kTransactionsCsv},
      {"README.md", Readme(project)},
      {".gitignore", kGitignore},
  };
}

std::string ProjectNameFromDir(const std::string& dir_name) {
  std::string name;
  for (char c : dir_name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    name.push_back(ok ? c : '_');
  }
  if (name.size() > 100) name.resize(100);
  if (name.empty()) return "feature_repo";
  if (std::isdigit(static_cast<unsigned char>(name[0]))) name = "p_" + name;
  return name;
}

Status WriteScaffold(const std::string& dir) {
  std::error_code ec;
  fs::path root(dir);
  if (fs::exists(root, ec)) {
    if (!fs::is_directory(root, ec))
      return Status::AlreadyExists("'" + dir + "' exists and is not a directory");
    if (!fs::is_empty(root, ec)) {
      return Status::AlreadyExists("'" + dir +
                                   "' is not empty; tessera init needs a new or empty directory");
    }
  }
  fs::create_directories(root, ec);
  if (ec) return Status::IOError("cannot create '" + dir + "': " + ec.message());
  // The name of the folder, even for "." or a path ending in '/'.
  fs::path absolute = fs::weakly_canonical(fs::absolute(root, ec), ec);
  std::string base = absolute.filename().string();
  if (base.empty()) base = absolute.parent_path().filename().string();
  for (const ScaffoldFile& file : ScaffoldFiles(ProjectNameFromDir(base))) {
    TS_RETURN_NOT_OK(WriteFile(root / file.path, file.contents));
  }
  return Status::OK();
}

}  // namespace tessera::cli
