// Checks of batch sources against their files, run by plan and apply after
// the repo loaded: a `path` (file or glob, relative to the repo root) that
// matches no file, and a `timestamp_field` / `created_timestamp_field` that
// is not a column of a matched file (read from the Parquet footer or the CSV
// header row; other extensions are not inspected). Each finding is a
// warning for now, in the LoadError shape ("file:line: reason"), so the
// CLI prints it and goes on; a later issue makes them errors.
// Reads files only; thread-safe.
#pragma once

#include <vector>

#include "tessera/registry/loader.h"

namespace tessera::registry {

// One warning per problem found, in source order: per source at most one
// "matches no file", one "cannot read" and one missing column per field.
std::vector<LoadError> CheckSourceFiles(const LoadedRepo& repo);

}  // namespace tessera::registry
