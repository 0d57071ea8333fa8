// The client's half of the HTTP API (docs/HTTP.md): the request bodies of
// the POST endpoints built from the facade's request types, and the
// answers read back into the facade's result types, so a caller (the CLI
// handing a command to the running server, DESIGN.md section 3b) gets the
// same values it would get from the FeatureStore itself. The mirror of
// api_requests.h (which parses these bodies) and api_responses.h (which
// writes these answers).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "tessera/core/record_batch.h"
#include "tessera/core/result.h"
#include "tessera/feature_store.h"

namespace tessera::serving {

// POST /get-online-features: {"features": [...]} or {"feature_service":
// ...}, "entities": the columns of `entities` (values in the wire's
// spelling), "full_feature_names".
std::string OnlineFeaturesBody(const RecordBatch& entities, const OnlineRequest& request);

// POST /push: {"push_source_name", "df": the columns of `rows`, "to"}.
std::string PushBody(const std::string& source, const RecordBatch& rows, PushTarget to);

// POST /materialize ({"start_ts", "end_ts"}) or /materialize-incremental
// ({"end_ts"}) as request.incremental says, with "feature_views" when
// request.views is not empty. The path is MaterializePath(request).
std::string MaterializeBody(const MaterializeRequest& request);
const char* MaterializePath(const MaterializeRequest& request);

// A 200 answer of /push and of /materialize[-incremental] read back.
// Corruption naming the field when the body is not that shape.
Result<PushSummary> ParsePushSummary(std::string_view body);
Result<MaterializeSummary> ParseMaterializeSummary(std::string_view body);

// The failure an error answer ({"error": reason, "field": f}) reports: the
// StatusCode HttpStatusFor maps to `http_status` (400 and 413 are
// InvalidArgument, 404 NotFound, 409 AlreadyExists, 501 Unsupported, 503
// Unavailable, other 5xx IOError) and the server's reason, led by the field
// when that names a place in the body ("df.age[3]: ...") rather than a
// top-level field (whose reasons name their place themselves). A body that
// is not such an object gives "the server answered HTTP <status>" and the
// first 200 bytes of the body, escaped.
Status StatusOfErrorAnswer(int http_status, std::string_view body);

}  // namespace tessera::serving
