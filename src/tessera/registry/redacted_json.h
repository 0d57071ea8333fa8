// Stored definition JSON as the registry shows it (Describe, History): the
// same JSON with the credentials of every "url" member masked
// (core/masked_url.h). The stored text keeps them, because `tessera stream`
// and `serve --stream` connect with them; `describe`, `history` and the
// server's /registry endpoints never print them.
//
// Thread-safety: a pure function.
#pragma once

#include <string>

namespace tessera::registry {

// `json` with the string value of every member named "url", at any depth,
// replaced by MaskUrlCredentials of it. Returns `json` byte for byte when
// nothing changes (no such member, or none with credentials) or when it is
// not valid JSON (the registry's readers report that themselves).
std::string RedactUrlCredentials(const std::string& json);

}  // namespace tessera::registry
