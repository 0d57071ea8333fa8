// Handing an online-store command to the running `tessera serve` (DESIGN.md
// section 3b): while a server runs for a repo it owns the embedded online
// store, so `get`, `push`, `materialize` and `materialize-incremental` send
// the request its HTTP API takes (docs/HTTP.md) to it over loopback and
// wait for the answer; with no server (no serve.lock, or a stale one whose
// holder died) they open the store themselves.
//
// Thread-safety: a pure function (it blocks until the server answers).
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "tessera/core/result.h"

namespace tessera::cli {

struct ForwardOptions {
  // When not null, "sent to the running server at http://ADDRESS (pid N)"
  // is written there (one line) before the request goes out.
  std::ostream* note = nullptr;
  // No limit on the wait for the answer (a materialization); otherwise
  // ten minutes.
  bool long_running = false;
};

// When a server holds `repo_dir`'s serve.lock: POSTs `body` (made by
// `make_body`, called only then) to `path` and returns the body of its 2xx
// answer; an error answer becomes its Status (serving::StatusOfErrorAnswer:
// the server's reason, the code its HTTP status maps to). nullopt when no
// server runs, also when the connection is refused because the server has
// just stopped (its lock is gone by the time it is checked again).
// Unavailable "the tessera server of this repo (pid N, data/serve.lock)
// does not answer: cannot connect to http://ADDRESS: ..." when the lock is
// held but the connection is refused.
Result<std::optional<std::string>> ForwardToServer(const std::string& repo_dir,
                                                   const std::string& path,
                                                   const std::function<std::string()>& make_body,
                                                   const ForwardOptions& options);

}  // namespace tessera::cli
