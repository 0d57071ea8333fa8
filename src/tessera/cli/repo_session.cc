#include "tessera/cli/repo_session.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <system_error>

namespace tessera::cli {

namespace fs = std::filesystem;

Status CheckIsRepo(const std::string& repo_dir) {
  std::error_code ec;
  if (!fs::is_directory(repo_dir, ec)) return Status::NotFound("no such directory: " + repo_dir);
  if (!fs::is_regular_file(fs::path(repo_dir) / "tessera.yaml", ec)) {
    return Status::NotFound("no tessera.yaml in " + repo_dir +
                            ": not a feature repo (pass -r DIR, or create one with tessera init)");
  }
  return Status::OK();
}

std::string RegistryPath(const registry::LoadedRepo& repo) {
  return ResolvePath(repo.root, repo.config.registry_path);
}

Result<registry::LoadedRepo> LoadRepoPrintingErrors(const std::string& repo_dir) {
  TS_RETURN_NOT_OK(CheckIsRepo(repo_dir));
  registry::LoadedRepo repo;
  std::vector<registry::LoadError> errors = registry::LoadRepoCollectErrors(repo_dir, &repo);
  if (errors.empty()) return repo;
  for (const registry::LoadError& e : errors) std::cerr << e.ToString() << "\n";
  std::string count = std::to_string(errors.size());
  return Status::Invalid(count + (errors.size() == 1 ? " error" : " errors") + " in " + repo_dir);
}

registry::RegistryOptions RegistryOptionsFor(const registry::LoadedRepo& repo, bool read_only) {
  registry::RegistryOptions options;
  options.read_only = read_only;
  options.display_name = repo.config.registry_path;
  return options;
}

Result<std::unique_ptr<registry::Registry>> OpenExistingRegistry(const std::string& repo_dir) {
  TS_RETURN_NOT_OK(CheckIsRepo(repo_dir));
  registry::LoadedRepo repo;
  // Only tessera.yaml is read: definition files (however many, or broken)
  // do not matter to a read command. Config errors leave the defaults.
  (void)registry::LoadRepoConfig(repo_dir, &repo);
  if (repo.root.empty()) repo.root = fs::absolute(repo_dir).string();
  return registry::Registry::Open(RegistryPath(repo), RegistryOptionsFor(repo, /*read_only=*/true));
}

std::string DefaultUser() {
  const char* user = std::getenv("USER");
  return user != nullptr && *user != '\0' ? user : "unknown";
}

}  // namespace tessera::cli
