// Layering probe (CMakeLists.txt, test layering.downward_include_compiles):
// the control of format_includes_registry.cc; compiled with tessera_format's
// include roots, a downward include compiles.
#include "tessera/core/status.h"
#include "tessera/format/parquet/reader.h"
