// AppendResponseHead: the status line and header block of an HttpResponse,
// byte for byte as Boost.Beast writes them for the message HttpSession used
// to build (Server, Content-Type, the extra headers in order, Connection
// as keep-alive asks, Content-Length last), without building a
// beast::http::response and its per-field allocations on every request.
//
//   HTTP/1.1 200 OK\r\n
//   Server: tessera\r\n
//   Content-Type: application/json\r\n
//   Content-Length: 1207\r\n
//   \r\n
//
// Connection: "close" for HTTP/1.1 without keep-alive, "keep-alive" for
// HTTP/1.0 with it, absent otherwise (as beast's keep_alive()). An extra
// header that repeats a name already set replaces it (beast's set()); the
// writer then falls back to beast itself (rare; no handler does it today).
//
// Thread-safety: a pure function.
#pragma once

#include <string>

#include "tessera/serving/http_message.h"

namespace tessera::serving {

// Appends the head of `r` (everything before the body) to `out`. `version`
// is 10 or 11 (the request's).
void AppendResponseHead(const HttpResponse& r, unsigned version, bool keep_alive, std::string* out);

}  // namespace tessera::serving
