// Layering probe (CMakeLists.txt, test layering.expr_downward_include_compiles):
// the control of expr_includes_registry.cc; compiled with tessera_expr's
// include roots, a format header is visible.
#include "tessera/format/convert.h"
