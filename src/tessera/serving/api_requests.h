// The JSON bodies of the POST endpoints, parsed into the facade's request
// types (shapes: docs/HTTP.md, after Feast's feature server,
// ../shared/FEAST-NOTES.md). A body is parsed whole with RapidJSON
// (iterative, so nesting depth cannot exhaust the stack; UTF-8 validated);
// any mistake gives an ApiError naming the field and the reason, and no
// partial result is used. Unknown top-level fields are ignored, as Feast's
// server does (its clients send extras such as allow_registry_cache).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tessera/core/record_batch.h"
#include "tessera/feature_store.h"
#include "tessera/serving/http_message.h"
#include "tessera/serving/json_columns.h"

namespace tessera::serving {

// POST /get-online-features: {"features": [...]} or {"feature_service":
// "..."}, "entities": {key: [values]}, optional "full_feature_names",
// optional "request_context": {field: [values]} (the same row count; its
// columns follow the entities' in the batch).
struct OnlineFeaturesCall {
  OnlineRequest request;
  RecordBatchPtr entities;
};
// Every field of *out is set (a call reused from an earlier request keeps
// only the capacity of its strings).
[[nodiscard]] std::optional<ApiError> ParseOnlineFeaturesBody(std::string_view body,
                                                              OnlineFeaturesCall* out);

// POST /push: {"push_source_name": "...", "df": {col: [values]}, "to":
// "online" | "offline" | "online_and_offline"} ("to" defaults to online).
// The columns stay as JSON typed them (at least one); the handler converts
// them to the source's types (json_conform.h).
struct PushCall {
  std::string source;
  JsonColumns df;
  PushTarget to = PushTarget::kOnline;
};
[[nodiscard]] std::optional<ApiError> ParsePushBody(std::string_view body, PushCall* out);

// POST /materialize: {"start_ts": "...", "end_ts": "...", "feature_views":
// [...]} and POST /materialize-incremental: {"end_ts": "...",
// "feature_views": [...]}; timestamps are RFC 3339 strings (no zone: UTC),
// feature_views optional (all online views).
[[nodiscard]] std::optional<ApiError> ParseMaterializeBody(std::string_view body, bool incremental,
                                                           MaterializeRequest* out);

}  // namespace tessera::serving
