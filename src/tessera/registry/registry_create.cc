// Registry::ApplyTo: a registry that does not exist yet is built whole in a
// temporary file and linked into place (registry.h), so that `apply` never
// leaves a partial registry behind, whatever fails and wherever it crashes.
#include <filesystem>
#include <string>
#include <vector>

#include "tessera/core/atomic_file.h"
#include "tessera/core/temp_file_registry.h"
#include "tessera/registry/registry.h"
#include "tessera/registry/registry_internal.h"

namespace tessera::registry {
namespace {

// The SQLite files of a registry at `path`: the database and its journals.
constexpr const char* kSqliteSuffixes[] = {"", "-wal", "-shm", "-journal"};

// What a new registry leaves on disk until it is in place: the temporary
// database (and its journals) and the folders created for it. Removes them
// when destroyed, unless the registry was put in place (Keep()). Each path
// is also listed for the signal handler (temp_file_registry.h).
class NewRegistryFiles {
 public:
  explicit NewRegistryFiles(Env* env) : env_(env) {}
  ~NewRegistryFiles() {
    for (size_t i = 0; i < std::size(kSqliteSuffixes); ++i) {
      if (!temp_.empty()) (void)env_->RemoveFile(temp_ + kSqliteSuffixes[i]);
      UnregisterTempFile(slots_[i]);
    }
    if (kept_) return;
    for (auto it = folders_.rbegin(); it != folders_.rend(); ++it) (void)env_->RemoveDir(*it);
  }
  NewRegistryFiles(const NewRegistryFiles&) = delete;
  NewRegistryFiles& operator=(const NewRegistryFiles&) = delete;

  void SetTemp(std::string temp) {
    temp_ = std::move(temp);
    for (size_t i = 0; i < std::size(kSqliteSuffixes); ++i) {
      paths_[i] = temp_ + kSqliteSuffixes[i];
      slots_[i] = RegisterTempFile(paths_[i].c_str());
    }
  }
  const std::string& temp() const { return temp_; }
  void AddFolder(std::string folder) { folders_.push_back(std::move(folder)); }
  // The registry is in place: keep the folders (the temporary name is
  // still removed; the registry keeps its other name).
  void Keep() { kept_ = true; }

 private:
  Env* env_;
  std::string temp_;
  std::string paths_[std::size(kSqliteSuffixes)];
  int slots_[std::size(kSqliteSuffixes)] = {-1, -1, -1, -1};
  std::vector<std::string> folders_;  // outermost first
  bool kept_ = false;
};

// Creates the missing folders of `dir`, outermost first, recording each
// one created (a folder another process creates meanwhile is not ours).
Status CreateFolders(Env* env, const std::string& dir, const std::string& label,
                     NewRegistryFiles* files) {
  std::vector<std::string> created;
  Status st = CreateMissingDirs(env, dir, &created);
  for (const std::string& folder : created) files->AddFolder(folder);
  if (!st.ok()) {
    return Status::IOError(label + ": cannot create its folder '" + dir + "' (" + st.message() +
                           ")");
  }
  return Status::OK();
}

// Builds the registry in a temporary file and links it to `db_path`. Sets
// *lost_race when `db_path` appeared meanwhile (nothing of ours is left).
Result<ApplyResult> CreateAndApply(const std::string& db_path, const RegistryOptions& options,
                                   const RepoDefinitions& defs, const std::string& user, Env* env,
                                   bool* lost_race) {
  const std::string label = internal::RegistryLabel(db_path, options);
  const std::string parent = std::filesystem::path(db_path).parent_path().string();
  NewRegistryFiles files(env);
  TS_RETURN_NOT_OK(CreateFolders(env, parent, label, &files));
  files.SetTemp(TempPathFor(db_path));
  ApplyResult result;
  {
    TS_ASSIGN_OR_RETURN(std::unique_ptr<Registry> reg, Registry::Open(files.temp(), options));
    TS_ASSIGN_OR_RETURN(result, reg->Apply(defs, user));
  }  // Closing merges the -wal file into the database, syncs it and removes it.
  if (env->FileExists(files.temp() + "-wal")) {
    return Status::IOError(label + ": cannot finish writing it (its write-ahead log could not " +
                           "be merged into it)");
  }
  Status linked = env->LinkFile(files.temp(), db_path);
  if (linked.IsAlreadyExists()) {
    *lost_race = true;
    return linked;
  }
  if (!linked.ok()) {
    return Status::IOError(label + ": cannot put it in place (" + linked.message() + ")");
  }
  Status synced = env->SyncDir(parent.empty() ? "." : parent);
  if (!synced.ok()) {
    // Not durable: take the name back, so that a failed apply leaves none.
    (void)env->RemoveFile(db_path);
    return Status::IOError(label + ": cannot make it durable (" + synced.message() + ")");
  }
  files.Keep();
  return result;
}

Result<ApplyResult> OpenAndApply(const std::string& db_path, const RegistryOptions& options,
                                 const RepoDefinitions& defs, const std::string& user) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<Registry> reg, Registry::Open(db_path, options));
  return reg->Apply(defs, user);
}

}  // namespace

Result<ApplyResult> Registry::ApplyTo(const std::string& db_path, RegistryOptions options,
                                      const RepoDefinitions& defs, const std::string& user,
                                      Env* env) {
  // Messages name the registry, never its temporary file.
  if (options.display_name.empty()) options.display_name = db_path;
  if (env->FileExists(db_path)) return OpenAndApply(db_path, options, defs, user);
  bool lost_race = false;
  Result<ApplyResult> created = CreateAndApply(db_path, options, defs, user, env, &lost_race);
  if (lost_race) return OpenAndApply(db_path, options, defs, user);
  return created;
}

}  // namespace tessera::registry
