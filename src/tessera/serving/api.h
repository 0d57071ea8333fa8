// Api: the HTTP API of `tessera serve` (docs/HTTP.md), an HttpHandler over a
// Backend. It routes a request by method and path, parses the body
// (api_requests.h), calls the backend, writes the answer (api_responses.h)
// and maps failures to statuses (ErrorForStatus), recording every request
// in Metrics. It never throws and never answers a client mistake with a
// 5xx; only a store failure (503) or a bug (500) does.
//
//   POST /get-online-features      Feast's request and response shapes
//   POST /push                     {push_source_name, df, to}
//   POST /materialize              {start_ts, end_ts, feature_views}
//   POST /materialize-incremental  {end_ts, feature_views}
//   GET  /health                   200 {"status": "ok", ...} or 503
//   GET  /metrics                  Prometheus text
//   GET  /registry/objects[/NAME], /registry/search?q=, /registry/lineage/NAME
//
// Ownership: borrows the backend and metrics, which must outlive it.
// Thread-safety: Handle may run on many threads at once.
#pragma once

#include <string>

#include "tessera/core/status.h"
#include "tessera/serving/backend.h"
#include "tessera/serving/http_message.h"
#include "tessera/serving/metrics.h"

namespace tessera::serving {

// The HTTP status of a facade failure: InvalidArgument and OutOfRange 400,
// NotFound 404, AlreadyExists 409, Unsupported 501, Unavailable 503,
// anything else (I/O, corruption, internal) 500.
int HttpStatusFor(StatusCode code);
// The ApiError of `status` about request field `field` (dropped for 5xx,
// which are not about a field).
ApiError ErrorForStatus(const Status& status, std::string field);

class Api final : public HttpHandler {
 public:
  Api(Backend* backend, Metrics* metrics) : backend_(backend), metrics_(metrics) {}

  HttpResponse Handle(HttpRequest& request) override;
  // POST /materialize and /materialize-incremental.
  bool RunsLong(const HttpRequest& request) const override;
  void Refused(std::string_view target, int http_status) override;

 private:
  HttpResponse Route(HttpRequest& request, Endpoint* endpoint);
  HttpResponse GetOnlineFeatures(HttpRequest& request);
  HttpResponse Push(const HttpRequest& request);
  HttpResponse Materialize(const HttpRequest& request, bool incremental);
  HttpResponse Health();
  HttpResponse MetricsText();

  Backend* backend_;
  Metrics* metrics_;
};

}  // namespace tessera::serving
