// Entry point of the `tessera` binary; the commands live in cli/.
#include "tessera/cli/app.h"

int main(int argc, char** argv) { return tessera::cli::Run(argc, argv); }
