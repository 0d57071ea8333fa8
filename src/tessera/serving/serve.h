// Serve: what `tessera serve` runs. Opens the feature repo, takes its
// serve.lock (serve_lock.h), listens, serves the HTTP API (api.h) until
// SIGINT or SIGTERM, lets in-flight requests finish, removes the lock.
//
// Thread-safety: call from one thread; it blocks until the server stops.
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "tessera/core/status.h"
#include "tessera/serving/http_server.h"
#include "tessera/stream/stream_service.h"

namespace tessera::serving {

struct ServeOptions {
  std::string repo_dir = ".";
  HttpServerOptions http;
  std::ostream* log = nullptr;  // one line at start and at stop; may be null
  // `--stream`: run the consumers of the repo's streamed push sources in
  // the server (stream/stream_service.h), with these options (its log and
  // status_dir are set by Serve).
  bool stream = false;
  stream::StreamServiceOptions stream_options;
};

// OK after a clean stop. NotFound when repo_dir is not a feature repo,
// AlreadyExists when a live server holds the repo's lock, IOError when the
// address cannot be bound; nothing is left behind on failure. With
// `stream`, StreamService::Start's errors too (then nothing keeps running).
Status Serve(const ServeOptions& options);

}  // namespace tessera::serving
