// HttpServer: HTTP/1.1 on Boost.Beast/Asio, handing each request read whole
// to an HttpHandler and writing its HttpResponse.
//
// - Keep-alive: a connection serves requests one after another until the
//   client closes it, asks for `Connection: close`, stays idle longer than
//   idle_timeout, or the server stops.
// - Body limit: a body (declared or received) over body_limit bytes gets
//   413 with a JSON error body and the connection is closed; a header block
//   over 64 KiB gets 431; malformed HTTP gets 400. These never reach the
//   handler (HttpHandler::Refused is told, for metrics).
// - `Expect: 100-continue` is answered before the body is read (curl sends
//   it for bodies over 1 KiB).
// - Stop(): the listening socket is closed at once (new connections are
//   refused), idle connections are closed, a request being received or
//   handled is finished and answered with `Connection: close`; Run()
//   returns when the last connection is gone.
// - The handler runs on the server's threads (--threads sets how many),
//   except for requests it says run long (HttpHandler::RunsLong: a
//   materialization), which run one at a time on a thread of their own,
//   so connections keep being served meanwhile; their answer is written
//   when they are done, and Stop() waits for them like for any request.
//
// Ownership: borrows the handler, which must outlive the server.
// Thread-safety: Stop() may be called from any thread, any number of times;
// Run() from one thread (it runs the others itself).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tessera/core/result.h"
#include "tessera/serving/http_message.h"

namespace tessera::serving {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 6566;  // 0: any free port (see HttpServer::port())
  int threads = 1;
  uint64_t body_limit = 16ull << 20;  // bytes
  int idle_timeout_seconds = 60;      // keep-alive idle and slow-request limit
};

class HttpServer {
 public:
  // Binds and listens (connections queue until Run). InvalidArgument for a
  // malformed host or port; IOError naming host:port when the address
  // cannot be bound (in use, not local).
  static Result<std::unique_ptr<HttpServer>> Open(const HttpServerOptions& options,
                                                  HttpHandler* handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port and "host:port".
  int port() const;
  std::string address() const;

  // Serves until Stop() and the last connection is closed.
  void Run();
  // As Run, and SIGINT or SIGTERM call Stop() (the signals are taken from
  // their previous handlers while it runs, and given back after).
  void RunUntilSignal();
  // Stops as the class comment says. Safe before, during and after Run.
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera::serving
