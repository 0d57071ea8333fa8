// Renders JSON (a stored canonical definition) in the YAML style feature
// repos are written in, for `describe`: block mappings, and flow style
// ("[1h, 1d]", "{name: age, type: int32}") for any value whose flow form
// fits on one line. Output only for people: strings are quoted when YAML
// would misread them, but no round trip is promised.
#pragma once

#include <string>

namespace tessera::cli {

// Each output line is prefixed with `indent` spaces and ends with '\n'.
// Text that is not valid JSON is returned as is. With `omit_empty`, object
// members that are null, "", {} or [] (after the same pruning inside them)
// are left out: `describe` shows what is set, not every possible key.
std::string RenderJsonAsYaml(const std::string& json, int indent = 0, bool omit_empty = false);

// The top-level members that differ between two JSON objects, one
// "key: <old> -> <new>" per member in flow style ("(none)" when absent),
// joined by "; ". Empty when either text is not a JSON object.
std::string DiffJsonObjects(const std::string& old_json, const std::string& new_json);

}  // namespace tessera::cli
