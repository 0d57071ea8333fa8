// Layering probe (CMakeLists.txt, test layering.expr_upward_include_fails_to_compile):
// compiled with tessera_expr's include roots, this upward include must
// fail: expr sits below registry (DESIGN.md section 4).
#include "tessera/registry/registry.h"
