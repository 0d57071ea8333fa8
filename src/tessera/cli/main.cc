// Entry point of the `tessera` binary; the commands live in cli/.
#include "tessera/cli/app.h"
#include "tessera/core/temp_file_registry.h"

int main(int argc, char** argv) {
  // SIGINT/SIGTERM during a write remove its temporary file, then kill us.
  tessera::InstallTempFileSignalHandlers();
  return tessera::cli::Run(argc, argv);
}
