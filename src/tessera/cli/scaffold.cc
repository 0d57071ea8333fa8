#include "tessera/cli/scaffold.h"

#include <cctype>
#include <filesystem>
#include <set>
#include <system_error>

#include "tessera/core/atomic_file.h"

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
         "# Serving many reads of the same entities: cache rows in memory (MiB)\n"
         "# online_store: {type: rocksdb, path: data/online, row_cache_mb: 256}\n"
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
    # No ttl on an aggregated view: its windows say what is recent.
    aggregations:                    # features amount_sum_1h, ..., amount_count_24h, ...
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

// The temporary folder inside an existing empty folder is
// "<kInsideTempName>.tmp-XXXXXX" (TempPathFor), hidden from `ls`.
constexpr const char* kInsideTempName = ".tessera-init";
constexpr const char* kInsideTempPrefix = ".tessera-init.tmp-";

// The folders of a scaffold below its root ("features", "data",
// "data/sources", ...), parents before children.
std::vector<std::string> Folders(const std::vector<ScaffoldFile>& files) {
  std::set<std::string> folders;
  for (const ScaffoldFile& file : files) {
    for (size_t slash = file.path.find('/'); slash != std::string::npos;
         slash = file.path.find('/', slash + 1)) {
      folders.insert(file.path.substr(0, slash));
    }
  }
  return {folders.begin(), folders.end()};  // sorted: "a" before "a/b"
}

// The first path components of the scaffold ("tessera.yaml", "features").
std::vector<std::string> TopLevelNames(const std::vector<ScaffoldFile>& files) {
  std::set<std::string> names;
  for (const ScaffoldFile& file : files) names.insert(file.path.substr(0, file.path.find('/')));
  return {names.begin(), names.end()};
}

Status WriteDurably(Env* env, const std::string& path, const std::string& contents) {
  TS_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(path, CreateMode::kExclusive));
  TS_RETURN_NOT_OK(file->Append(contents));
  TS_RETURN_NOT_OK(file->Sync());
  return file->Close();
}

// Writes the scaffold under `base` (an existing folder) and syncs every file
// and folder of it, so that one rename makes it durable as a whole.
Status WriteTree(Env* env, const std::string& base, const std::vector<ScaffoldFile>& files) {
  const std::vector<std::string> folders = Folders(files);
  for (const std::string& folder : folders) TS_RETURN_NOT_OK(env->CreateDir(base + "/" + folder));
  for (const ScaffoldFile& file : files) {
    TS_RETURN_NOT_OK(WriteDurably(env, base + "/" + file.path, file.contents));
  }
  for (auto it = folders.rbegin(); it != folders.rend(); ++it) {
    TS_RETURN_NOT_OK(env->SyncDir(base + "/" + *it));
  }
  return env->SyncDir(base);
}

// Removes what WriteTree may have written under `base` (missing entries are
// fine), children before parents; `base` itself when `remove_base`.
void RemoveTree(Env* env, const std::string& base, const std::vector<ScaffoldFile>& files,
                bool remove_base) {
  for (const ScaffoldFile& file : files) (void)env->RemoveFile(base + "/" + file.path);
  const std::vector<std::string> folders = Folders(files);
  for (auto it = folders.rbegin(); it != folders.rend(); ++it) {
    (void)env->RemoveDir(base + "/" + *it);
  }
  if (remove_base) (void)env->RemoveDir(base);
}

// `st` with the temporary folder's name replaced by the one the user gave:
// the temporary folder is gone when the user reads the message.
Status InUserTerms(const Status& st, const std::string& temp, const std::string& dir) {
  std::string message = st.message();
  for (size_t at = message.find(temp); at != std::string::npos;
       at = message.find(temp, at + dir.size())) {
    message.replace(at, temp.size(), dir);
  }
  return Status(st.code(), message);
}

// Whether `path` exists; unlike Env::FileExists, an I/O error is an error
// (a fault must not pass for "absent").
Result<bool> Exists(Env* env, const std::string& path) {
  Result<uint64_t> size = env->GetFileSize(path);
  if (size.ok()) return true;
  if (size.status().IsNotFound()) return false;
  return size.status();
}

// Creates the missing folders above `dir` (init a/b/c creates a and a/b);
// appends each created one to `created`, outermost first.
Status CreateParents(Env* env, const std::string& dir, std::vector<std::string>* created) {
  std::vector<std::string> missing;
  for (std::string p = ParentDir(dir); p != "." && p != "/"; p = ParentDir(p)) {
    TS_ASSIGN_OR_RETURN(bool exists, Exists(env, p));
    if (exists) break;
    missing.push_back(p);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    TS_RETURN_NOT_OK(env->CreateDir(*it));
    created->push_back(*it);
  }
  return Status::OK();
}

// "cannot create '<dir>': <reason>" for a failure to create any folder on
// the way to `dir`, whose own message names another path.
Status CannotCreate(const Status& st, const std::string& dir) {
  const std::string& message = st.message();
  const size_t reason = message.rfind("': ");
  return Status(st.code(),
                "cannot create '" + dir + "'" +
                    (reason == std::string::npos ? ": " + message : message.substr(reason + 1)));
}

// A new folder: the scaffold is written into a temporary folder next to
// `dir`, then renamed into place, so `dir` appears whole or not at all, even
// across a crash.
Status WriteNewFolder(Env* env, const std::string& dir, const std::vector<ScaffoldFile>& files) {
  std::vector<std::string> parents;
  auto undo_parents = [&] {
    for (auto it = parents.rbegin(); it != parents.rend(); ++it) (void)env->RemoveDir(*it);
  };
  Status st = CreateParents(env, dir, &parents);
  // The created parents are made durable first, so that the last call, the
  // sync after the rename, is the one that commits.
  for (size_t i = 0; st.ok() && i < parents.size(); ++i) st = env->SyncDir(ParentDir(parents[i]));
  std::string temp;
  if (st.ok()) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      temp = TempPathFor(dir);
      st = env->CreateDir(temp);
      if (st.code() != StatusCode::kAlreadyExists) break;
    }
  }
  if (!st.ok()) {
    undo_parents();
    return CannotCreate(st, dir);
  }
  st = WriteTree(env, temp, files);
  bool renamed = false;
  if (st.ok()) {
    st = env->RenameFile(temp, dir);
    renamed = st.ok();
    if (!renamed) st = CannotCreate(st, dir);  // not "cannot rename 'x' to 'x'"
  }
  if (st.ok()) {
    st = env->SyncDir(ParentDir(dir));
    if (!st.ok()) st = CannotCreate(st, dir);
  }
  if (st.ok()) return Status::OK();
  // Undo: a rename that may not be durable is taken back too, so a failed
  // init leaves nothing.
  if (renamed && !env->RenameFile(dir, temp).ok()) {
    RemoveTree(env, dir, files, /*remove_base=*/true);
  }
  RemoveTree(env, temp, files, /*remove_base=*/true);
  undo_parents();
  return InUserTerms(st, temp, dir);
}

// An existing empty folder (perhaps the working directory, so it cannot be
// replaced): the scaffold is written into a temporary folder inside it, its
// top-level entries are renamed into place, and the temporary folder is
// removed. A failure removes every entry written; a crash during the few
// final renames may leave some of them.
Status WriteIntoEmptyFolder(Env* env, const std::string& dir,
                            const std::vector<ScaffoldFile>& files) {
  std::string temp;
  Status st;
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp = TempPathFor(dir + "/" + kInsideTempName);
    st = env->CreateDir(temp);
    if (st.code() != StatusCode::kAlreadyExists) break;
  }
  if (!st.ok()) return InUserTerms(st, temp, dir);
  st = WriteTree(env, temp, files);
  std::vector<std::string> moved;
  for (const std::string& name : TopLevelNames(files)) {
    if (!st.ok()) break;
    st = env->RenameFile(temp + "/" + name, dir + "/" + name);
    if (st.ok()) {
      moved.push_back(name);
    } else {
      st = CannotCreate(st, dir + "/" + name);  // not "cannot rename 'x' to 'x'"
    }
  }
  if (st.ok()) {
    st = env->RemoveDir(temp);
    if (!st.ok()) st = CannotCreate(st, dir);  // not "cannot remove '<dir>'"
  }
  if (st.ok()) st = env->SyncDir(dir);
  if (st.ok()) return Status::OK();
  // Undo: move the entries back, then remove the temporary tree.
  for (const std::string& name : moved) {
    if (!env->RenameFile(dir + "/" + name, temp + "/" + name).ok()) {
      (void)env->CreateDir(temp);  // the failed call may have been the removal
      (void)env->RenameFile(dir + "/" + name, temp + "/" + name);
    }
  }
  RemoveTree(env, temp, files, /*remove_base=*/true);
  return InUserTerms(st, temp, dir);
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

Status WriteScaffold(Env* env, const std::string& dir_arg) {
  // "a/" and "a" are one folder; the temporary names are built from it.
  std::string dir = dir_arg;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  TS_ASSIGN_OR_RETURN(const bool exists, Exists(env, dir));
  // Temporary folders a crashed init left inside `dir`: they do not make it
  // "not empty", and are removed as far as they hold scaffold files.
  std::vector<std::string> stale;
  if (exists) {
    Result<std::vector<std::string>> children = env->GetChildren(dir);
    if (children.status().IsNotFound()) {
      return Status::AlreadyExists("'" + dir_arg + "' exists and is not a directory");
    }
    TS_RETURN_NOT_OK(children.status());
    for (const std::string& name : *children) {
      if (!name.starts_with(kInsideTempPrefix)) {
        return Status::AlreadyExists("'" + dir_arg +
                                     "' is not empty; tessera init needs a new or empty directory");
      }
      stale.push_back(name);
    }
  }
  // The name of the folder, even for "." or a path ending in '/'.
  std::error_code ec;
  fs::path absolute = fs::weakly_canonical(fs::absolute(fs::path(dir), ec), ec);
  std::string base = absolute.filename().string();
  if (base.empty()) base = absolute.parent_path().filename().string();
  const std::vector<ScaffoldFile> files = ScaffoldFiles(ProjectNameFromDir(base));
  for (const std::string& name : stale) RemoveTree(env, dir + "/" + name, files, true);
  return exists ? WriteIntoEmptyFolder(env, dir, files) : WriteNewFolder(env, dir, files);
}

}  // namespace tessera::cli
