// HttpRequest / HttpResponse: the server's messages as plain values, so the
// handlers (api.h) are written and tested without sockets or Boost.Beast,
// and ApiError, the one shape of a client-facing error.
//
// Thread-safety: plain values.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tessera::serving {

struct HttpRequest {
  std::string method;  // "GET", "POST", ... as received
  std::string target;  // path and query: "/registry/objects?kind=view"
  std::string body;
  // An empty string the handler may build its response body in (moving it
  // into HttpResponse::body): the server passes the capacity of the
  // connection's previous response body, so a keep-alive connection does
  // not allocate a body per request. Ignoring it is fine.
  std::string spare;
};

struct HttpResponse {
  int status = 200;
  // Always a string literal (static storage): a view, so that a response
  // does not allocate its media type ("application/json" is one character
  // over std::string's inline capacity).
  std::string_view content_type = "application/json";
  std::string body;
  // Extra headers ("Allow" for a 405).
  std::vector<std::pair<std::string, std::string>> headers;
};

// A request the API refuses: the HTTP status, the request field it is about
// ("entities.user_id", "features[2]", "body"; empty when none) and the
// reason, one line a client can act on.
struct ApiError {
  int http_status = 400;
  std::string field;
  std::string reason;
};

// {"error": reason, "field": field} (field omitted when empty); always
// valid JSON in valid UTF-8.
std::string ErrorBody(const ApiError& error);
HttpResponse ErrorResponse(const ApiError& error);

// What the server calls for each request it has read whole (api.h is the
// real one; tests give the server their own).
// Thread-safety: called from the server's threads at once.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual HttpResponse Handle(HttpRequest& request) = 0;
  // True for a request that may take long (a materialization): the server
  // hands it to a thread of its own instead of blocking one of the threads
  // that serve connections (HttpServer). Called before Handle.
  virtual bool RunsLong(const HttpRequest& request) const { return false; }
  // A request the server answered itself without Handle (413 for a body
  // over the limit, 400 for malformed HTTP): `target` as far as it was read
  // (may be empty), for metrics.
  virtual void Refused(std::string_view target, int http_status) {}
};

}  // namespace tessera::serving
