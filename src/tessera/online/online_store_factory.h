// OpenOnlineStore: the OnlineStore tessera.yaml's `online_store` names
// (DESIGN.md section 2): rocksdb (the default; `path` relative to the repo
// root), redis (`url`), memory (tests). The one place that knows the
// backends; everything above takes an OnlineStore*.
#pragma once

#include <memory>
#include <string>

#include "tessera/core/env.h"
#include "tessera/core/result.h"
#include "tessera/online/online_store.h"
#include "tessera/registry/definitions.h"

namespace tessera::online {

// `project` namespaces the keys of stores shared between repos (Redis).
// InvalidArgument naming tessera.yaml's field for an unknown type or a
// malformed setting; IOError/Unavailable when the store cannot be opened or
// reached (the message names the path or address).
Result<std::unique_ptr<OnlineStore>> OpenOnlineStore(const registry::OnlineStoreConfig& config,
                                                     const std::string& repo_root,
                                                     const std::string& project, Env* env);

}  // namespace tessera::online
