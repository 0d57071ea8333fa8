// The table `tessera get` prints, made from the JSON response of
// /get-online-features (Feast's shape, docs/HTTP.md), so the table reads
// the same whether the CLI read the store itself (and wrote that response
// with serving::OnlineResponseJson) or a running server answered.
//
//   [entity]  feature  value  status  event_timestamp
//
// One line per entity row and name (the entity column only with more than
// one row). A value is spelled as on the wire: numbers as JSON writes them
// (a double keeps its ".0"), strings (also timestamps and base64 bytes) in
// double quotes with JSON's escapes, lists as JSON arrays, null as null. An
// event time is shown as its RFC 3339 text, or "-" for the epoch (join
// keys, rows not found).
//
// Thread-safety: a pure function.
#pragma once

#include <ostream>
#include <string_view>

#include "tessera/core/status.h"

namespace tessera::cli {

// Corruption when `response_json` is not Feast's response shape (nothing
// printed then).
Status PrintOnlineTable(std::string_view response_json, std::ostream& out);

}  // namespace tessera::cli
