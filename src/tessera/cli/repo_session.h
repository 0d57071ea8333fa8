// Opening a feature repo and its registry for a CLI command, with the error
// reporting the commands share: plan and apply list every validation error
// as "file:line: reason"; read-only commands need only tessera.yaml and an
// existing registry, so they work while definitions are being edited.
#pragma once

#include <memory>
#include <string>

#include "tessera/core/result.h"
#include "tessera/registry/loader.h"
#include "tessera/registry/registry.h"

namespace tessera::cli {

// Fails with NotFound unless `repo_dir` holds a tessera.yaml.
Status CheckIsRepo(const std::string& repo_dir);

// The registry file of a repo: tessera.yaml's `registry`, relative to the
// repo root unless absolute.
std::string RegistryPath(const registry::LoadedRepo& repo);

// Loads and validates the repo. On validation errors prints each one to
// stderr as "file:line: reason" and fails with a status saying how many
// there were (the caller prints it as the final "error:" line).
Result<registry::LoadedRepo> LoadRepoPrintingErrors(const std::string& repo_dir);

// How the CLI opens a repo's registry: for reading or writing, named in
// messages as tessera.yaml spells its path.
registry::RegistryOptions RegistryOptionsFor(const registry::LoadedRepo& repo, bool read_only);

// For read-only commands: reads the repo's tessera.yaml only (no definition
// file is opened) and opens its registry for reading (registry.h: nothing
// is written, a read-only registry works). Fails with NotFound when the
// registry does not exist yet, rather than creating an empty one.
Result<std::unique_ptr<registry::Registry>> OpenExistingRegistry(const std::string& repo_dir);

// $USER, else "unknown": who an apply is recorded as by default.
std::string DefaultUser();

}  // namespace tessera::cli
