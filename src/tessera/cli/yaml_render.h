// Renders JSON (a stored canonical definition) in the YAML style feature
// repos are written in, for `describe`: block mappings, and flow style
// ("[1h, 1d]", "{name: age, type: int32}") for any value whose flow form
// fits on one line. Output only for people: strings are quoted when YAML
// would misread them, but no round trip is promised.
#pragma once

#include <string>

namespace tessera::cli {

// Each output line is prefixed with `indent` spaces and ends with '\n'.
// Text that is not valid JSON is returned as is.
std::string RenderJsonAsYaml(const std::string& json, int indent = 0);

}  // namespace tessera::cli
