// File globs: the files a path pattern matches, found through an Env (so
// tests can inject faults), in one deterministic order.
//
// A pattern is a '/'-separated path; each component may hold the wildcards
//   *      any run of characters (not '/')
//   ?      one character
//   [...]  one character of the set: [abc], ranges [a-z], negated [!a] or
//          [^a]; a ']' first in the set is literal; an unclosed '[' is a
//          literal '['
//   **     a whole component: any number of folders, zero included
// There are no escapes. As in POSIX glob(3), a wildcard never matches a
// name starting with '.' (hidden files, temporary files), and `**` never
// enters a hidden folder. Only regular files (not folders) are returned.
//
// Pure functions of the Env's answers; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/result.h"

namespace tessera {

// True when `component` holds '*', '?' or '['.
bool HasGlobChars(std::string_view component);

// True when the name `name` (one path component) matches `pattern` (one
// component, no "**" meaning).
bool GlobMatchName(std::string_view pattern, std::string_view name);

// The components of `path` split at '/', empty ones (from "//" or a
// trailing '/') dropped.
std::vector<std::string> SplitPathComponents(std::string_view path);

// The regular files matching `pattern`, relative to `root` unless
// `pattern` is absolute, as paths spelled like the pattern (its components
// joined by '/', a leading '/' kept), sorted in byte order. An empty list
// when nothing matches, including when a folder of the pattern is missing.
// A listing that fails for a reason other than "no such folder" is an
// error; so is `**` nested deeper than 64 folders (a symlink loop).
Result<std::vector<std::string>> GlobFiles(Env* env, const std::string& root,
                                           const std::string& pattern);

}  // namespace tessera
