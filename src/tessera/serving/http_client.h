// HttpPost: one blocking HTTP/1.1 POST to a server on this machine, what
// the CLI uses to hand a command to the running `tessera serve` (DESIGN.md
// section 3b). One connection per call, closed after the answer
// (`Connection: close`); the body is JSON.
//
// Built on Boost.Beast; every step is an asynchronous operation run to
// completion on the call's own io_context, since only those honour a
// timeout. Errors are values; nothing throws.
//
// Thread-safety: a pure function; calls on several threads are independent.
#pragma once

#include <chrono>
#include <string>

#include "tessera/core/result.h"

namespace tessera::serving {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};
  // How long the whole exchange may take once connected; zero: no limit
  // (a materialization answers when it is done, however long that is).
  std::chrono::milliseconds response_timeout{0};
  uint64_t response_limit = 1ull << 30;  // largest response body accepted
};

// Any answer the server gave, whatever its status.
struct HttpClientResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

// POSTs `body` (application/json) to http://host:port`target`. The answer,
// whatever its HTTP status; Unavailable "cannot connect to http://host:port:
// <reason>" when the connection is refused or times out; IOError
// "http://host:port<target>: <reason>" when the exchange fails once
// connected (the server closed the connection, a malformed answer, the
// response timeout).
Result<HttpClientResponse> HttpPost(const std::string& host, int port, const std::string& target,
                                    const std::string& body,
                                    const HttpClientOptions& options = HttpClientOptions());

}  // namespace tessera::serving
