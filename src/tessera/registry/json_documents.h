// The registry's JSON documents: what `list --json`, `describe --json`,
// `search --json` and `lineage --json` print, built here (below the CLI) so
// the HTTP discovery endpoints can serve the very same documents.
//
// Every document is pretty-printed (two-space indents) and is always valid
// JSON in valid UTF-8, whatever the registry holds: invalid UTF-8 in a
// string becomes U+FFFD (one per bad byte), a non-finite number becomes
// null, and stored JSON that does not parse (written by an older build) is
// embedded as a string. Kinds are spelled as object_kinds.h shows them.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tessera/registry/registry.h"

namespace tessera::registry {

// [{kind, name, version, owner, description, tags, deleted, updated_at}, ...]
std::string ListDocument(const std::vector<ObjectSummary>& objects);

// {kind, name, version, current_version, deleted, applied_at, applied_by,
//  logic_hash, definition, doc, history: [...]}
std::string DescribeDocument(const ObjectDescription& description);

// [{kind, name, score, matched_field, why}, ...] in rank order.
std::string SearchDocument(const std::vector<SearchResult>& results);

// {"upstream": graph, "downstream": graph} for the graphs given, where a
// graph is {direction, root, nodes: [...], edges: [...]}.
std::string LineageDocument(const std::vector<LineageGraph>& graphs);

// `text` with every byte that is not part of a valid UTF-8 sequence
// replaced by U+FFFD; valid text is returned unchanged.
std::string ToValidUtf8(std::string_view text);

}  // namespace tessera::registry
