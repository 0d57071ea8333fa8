// GET /registry/...: read-only discovery of the registry (docs/HTTP.md),
// answered with the documents the CLI prints with --json:
//
//   /registry/objects[?kind=K]                 list
//   /registry/objects/NAME[?kind=K&version=N]  describe (with history)
//   /registry/search?q=TEXT                    ranked search
//   /registry/lineage/NAME[?kind=K&direction=upstream|downstream|both
//                          &transitive=true|false]
//
// An unknown query parameter, a malformed value or an unknown path is a
// 400/404 naming it. Thread-safety: as Backend.
#pragma once

#include "tessera/serving/backend.h"
#include "tessera/serving/http_message.h"
#include "tessera/serving/http_target.h"

namespace tessera::serving {

// REQUIRES: target.segments[0] == "registry".
HttpResponse HandleRegistry(Backend* backend, const HttpTarget& target);

}  // namespace tessera::serving
