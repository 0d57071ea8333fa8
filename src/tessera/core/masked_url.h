// A URL as messages and displays may show it: the credentials a user wrote
// into `scheme://user:password@host...` (a Redis url in tessera.yaml or in a
// push source's `stream:` block) are kept in the stored definition, because
// Tessera needs them to connect, but never printed.
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace tessera {

// `url` with everything between "://" and its last '@' replaced by "***"
// ("redis://***@host:6379/0"); `url` unchanged when it has no "scheme://"
// prefix or no '@' after it. The last '@' (not the first, and not only
// within the authority) so that a password holding an unescaped '@' or '/'
// is masked whole.
std::string MaskUrlCredentials(std::string_view url);

}  // namespace tessera
