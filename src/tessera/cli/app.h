// The `tessera` command line: parses argv, dispatches to a command, prints
// results to stdout and one clear error line to stderr. Exit codes: 0
// success, 1 failure, 2 usage error.
#pragma once

namespace tessera::cli {

int Run(int argc, char** argv);

}  // namespace tessera::cli
