#include "tessera/serving/api.h"

#include <chrono>
#include <cstring>
#include <optional>
#include <string_view>

#include "tessera/serving/api_registry.h"
#include "tessera/serving/api_requests.h"
#include "tessera/serving/api_responses.h"
#include "tessera/serving/http_target.h"
#include "tessera/serving/json_conform.h"
#include "tessera/serving/json_writer.h"

namespace tessera::serving {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MicrosSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
}

HttpResponse Json(std::string body) {
  HttpResponse r;
  r.body = std::move(body);
  return r;
}

struct RouteEntry {
  const char* path;
  const char* method;
  Endpoint endpoint;
};

constexpr RouteEntry kRoutes[] = {
    {"/get-online-features", "POST", Endpoint::kGetOnlineFeatures},
    {"/push", "POST", Endpoint::kPush},
    {"/materialize", "POST", Endpoint::kMaterialize},
    {"/materialize-incremental", "POST", Endpoint::kMaterializeIncremental},
    {"/health", "GET", Endpoint::kHealth},
    {"/metrics", "GET", Endpoint::kMetrics},
};

// The endpoint a target's path names (kOther when none); `method` the one
// it takes.
Endpoint EndpointOf(const HttpTarget& target, const char** method) {
  for (const RouteEntry& r : kRoutes) {
    if (target.path == r.path) {
      *method = r.method;
      return r.endpoint;
    }
  }
  *method = "GET";
  if (!target.segments.empty() && target.segments[0] == "registry") return Endpoint::kRegistry;
  return Endpoint::kOther;
}

// The endpoint `target` names (kOther when none) and the method it takes.
// A target that percent-decoding leaves as it is (no '%', no query) and
// that is one of kRoutes' paths is found without parsing it (the hot path:
// ParseTarget allocates its decoded path and segments); any other is
// parsed into *parsed. Returns ParseTarget's error.
std::optional<ApiError> ResolveTarget(std::string_view target, HttpTarget* parsed,
                                      Endpoint* endpoint, const char** method) {
  // Two memchr calls: find_first_of("%?") calls memchr once per
  // character of the target (a visible share of a small request's cost).
  if (target.find('%') == std::string_view::npos && target.find('?') == std::string_view::npos) {
    for (const RouteEntry& r : kRoutes) {
      if (target == r.path) {
        *method = r.method;
        *endpoint = r.endpoint;
        return std::nullopt;
      }
    }
  }
  if (auto err = ParseTarget(target, parsed)) return err;
  *endpoint = EndpointOf(*parsed, method);
  return std::nullopt;
}

HttpResponse MethodNotAllowed(const std::string& method, const char* allowed) {
  HttpResponse r =
      ErrorResponse({405, "method", method + " is not allowed here; use " + std::string(allowed)});
  r.headers.emplace_back("Allow", allowed);
  return r;
}

}  // namespace

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kUnsupported: return 501;
    case StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

ApiError ErrorForStatus(const Status& status, std::string field) {
  int http = HttpStatusFor(status.code());
  if (http >= 500) field.clear();
  return ApiError{http, std::move(field), status.message()};
}

HttpResponse Api::Handle(HttpRequest& request) {
  Clock::time_point start = Clock::now();
  Endpoint endpoint = Endpoint::kOther;
  HttpResponse response = Route(request, &endpoint);
  metrics_->RecordRequest(endpoint, response.status, MicrosSince(start));
  return response;
}

bool Api::RunsLong(const HttpRequest& request) const {
  HttpTarget target;
  const char* method = nullptr;
  Endpoint endpoint = Endpoint::kOther;
  if (request.method != "POST" || ResolveTarget(request.target, &target, &endpoint, &method)) {
    return false;
  }
  return endpoint == Endpoint::kMaterialize || endpoint == Endpoint::kMaterializeIncremental;
}

void Api::Refused(std::string_view target, int http_status) {
  HttpTarget parsed;
  const char* method = nullptr;
  Endpoint endpoint = Endpoint::kOther;
  if (ResolveTarget(target, &parsed, &endpoint, &method)) endpoint = Endpoint::kOther;
  metrics_->RecordRequest(endpoint, http_status, 0);
}

HttpResponse Api::Route(HttpRequest& request, Endpoint* endpoint) {
  HttpTarget target;  // parsed only when the target is not a plain route
  const char* method = nullptr;
  if (auto err = ResolveTarget(request.target, &target, endpoint, &method)) {
    return ErrorResponse(*err);
  }
  if (*endpoint == Endpoint::kOther) {
    return ErrorResponse({404, "path", "no endpoint " + target.path + " (see docs/HTTP.md)"});
  }
  if (request.method != method) return MethodNotAllowed(request.method, method);
  switch (*endpoint) {
    case Endpoint::kGetOnlineFeatures: return GetOnlineFeatures(request);
    case Endpoint::kPush: return Push(request);
    case Endpoint::kMaterialize: return Materialize(request, false);
    case Endpoint::kMaterializeIncremental: return Materialize(request, true);
    case Endpoint::kHealth: return Health();
    case Endpoint::kMetrics: return MetricsText();
    case Endpoint::kRegistry: return HandleRegistry(backend_, target);
    default: break;
  }
  return ErrorResponse({404, "path", "no endpoint " + target.path});
}

HttpResponse Api::GetOnlineFeatures(HttpRequest& request) {
  // One call per thread, reused: its feature strings keep their buffers
  // from one request to the next (a request of the same shape parses
  // without allocating them). Handlers never nest on a thread.
  thread_local OnlineFeaturesCall call;
  if (auto err = ParseOnlineFeaturesBody(request.body, &call)) return ErrorResponse(*err);
  Clock::time_point start = Clock::now();
  // The response, like the call, is the thread's, reused: its vectors keep
  // their buffers from one request to the next.
  thread_local OnlineResponse response;
  Status read = backend_->GetOnlineFeatures(*call.entities, call.request, &response);
  metrics_->RecordOnlineRead(call.entities->num_rows(), MicrosSince(start));
  if (!read.ok()) {
    const Status& st = read;
    std::string field = "entities";
    if (st.IsNotFound()) field = call.request.features.empty() ? "feature_service" : "features";
    return ErrorResponse(ErrorForStatus(st, field));
  }
  std::string body = std::move(request.spare);  // the connection's buffer
  body.clear();
  AppendOnlineResponseJson(response, &body);
  return Json(std::move(body));
}

HttpResponse Api::Push(const HttpRequest& request) {
  PushCall call;
  if (auto err = ParsePushBody(request.body, &call)) return ErrorResponse(*err);
  Result<SchemaPtr> schema = backend_->PushSchema(call.source);
  if (!schema.ok()) return ErrorResponse(ErrorForStatus(schema.status(), "push_source_name"));
  if (auto err = ConformJsonColumns(**schema, "df", &call.df)) return ErrorResponse(*err);
  RecordBatchPtr rows;
  if (auto err = JsonColumnsToBatch(std::move(call.df), "df", &rows)) return ErrorResponse(*err);
  Result<PushSummary> summary = backend_->Push(call.source, rows, call.to);
  if (!summary.ok()) {
    const Status& st = summary.status();
    return ErrorResponse(ErrorForStatus(st, st.IsNotFound() ? "push_source_name" : "df"));
  }
  metrics_->RecordPush(summary->window_events_applied, summary->window_events_too_old,
                       summary->duplicates_dropped);
  return Json(PushSummaryJson(*summary));
}

HttpResponse Api::Materialize(const HttpRequest& request, bool incremental) {
  MaterializeRequest call;
  if (auto err = ParseMaterializeBody(request.body, incremental, &call)) {
    return ErrorResponse(*err);
  }
  Result<MaterializeSummary> summary = backend_->Materialize(call);
  if (!summary.ok()) return ErrorResponse(ErrorForStatus(summary.status(), "feature_views"));
  return Json(MaterializeSummaryJson(*summary));
}

HttpResponse Api::Health() {
  Result<std::string> store = backend_->Health();
  std::string body;
  JsonWriter w(&body);
  w.StartObject();
  w.Key("status");
  w.String(store.ok() ? "ok" : "unavailable");
  w.Key(store.ok() ? "online_store" : "error");
  w.String(store.ok() ? *store : store.status().message());
  w.EndObject();
  HttpResponse r = Json(std::move(body));
  if (!store.ok()) r.status = 503;
  return r;
}

HttpResponse Api::MetricsText() {
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics_->Render();
  // Freshness needs applied definitions; before the first apply there is none.
  Result<std::vector<ViewFreshness>> views = backend_->Freshness();
  if (views.ok()) Metrics::RenderFreshness(*views, &r.body);
  return r;
}

}  // namespace tessera::serving
