// User text inside messages: every message Tessera shows is one line of
// valid UTF-8, whatever bytes a user or a client sent (DESIGN.md section 3,
// "Bad input").
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace tessera {

// `s` as one line of valid UTF-8: \n, \t and \r become those two-character
// escapes, other control characters (and DEL) and every byte that is not
// part of a well-formed UTF-8 sequence (core/utf8.h) become \xNN (upper-case
// hex); everything else is kept as it is.
std::string EscapeForMessage(std::string_view s);

}  // namespace tessera
