// The JSON bodies the endpoints answer with (shapes: docs/HTTP.md), written
// with JsonWriter (DESIGN.md 3b spellings).
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "tessera/feature_store.h"
#include "tessera/serving/json_writer.h"

namespace tessera::serving {

// Value `i` of `array` in the wire's spelling (the table below): null,
// a number, a string, base64 bytes, an RFC 3339 timestamp or an array.
void WriteJsonValue(const Array& array, int64_t i, JsonWriter* w);

// Feast's column-oriented response:
// {"metadata": {"feature_names": [...]}, "results": [{"values": [...],
//  "statuses": [...], "event_timestamps": [...]}, ...]}, one results entry
// per name. Values by type: int32/int64 numbers, float/double numbers (or
// "NaN"/"Infinity"/"-Infinity"), bool, string, bytes as base64, timestamp
// as an RFC 3339 string, lists as arrays; nulls as null.
std::string OnlineResponseJson(const OnlineResponse& response);
// The same, appended to `out` (the server writes it into a buffer it keeps
// per connection).
void AppendOnlineResponseJson(const OnlineResponse& response, std::string* out);

// {"push_source_name", "rows", "online_rows_written", "logged"[, "first_seq",
// "last_seq"][, "duplicates_dropped"][, "window_events_applied",
// "window_events_too_old"]} (retries dropped by event_id when any; the
// window counts when the push fed an aggregated view's state).
std::string PushSummaryJson(const PushSummary& summary);

// {"views": [{"view", "version", "start_ts", "end_ts", "rows_scanned",
// "rows_written"}, ...]}.
std::string MaterializeSummaryJson(const MaterializeSummary& summary);

}  // namespace tessera::serving
