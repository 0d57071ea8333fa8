// Layering probe (CMakeLists.txt, test layering.upward_include_fails_to_compile):
// compiled with tessera_format's include roots, this upward include must
// fail: format sits below registry (DESIGN.md section 4).
#include "tessera/registry/registry.h"
