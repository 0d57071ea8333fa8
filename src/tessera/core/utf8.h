// UTF-8 validation (RFC 3629): what Tessera accepts as text wherever text
// must be valid UTF-8 (CSV string columns, names, JSON output).
//
// Well-formed means: shortest-form sequences only (no overlong encodings),
// no UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no
// truncated sequence at the end. NUL and other control characters are valid
// UTF-8; callers that want text without them check separately.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tessera {

// The offset of the first byte of `s` that does not start a well-formed
// UTF-8 sequence, or std::string_view::npos when all of `s` is well formed.
size_t FindInvalidUtf8(std::string_view s);

// The length (1 to 4) of the well-formed sequence starting at s[i], or 0
// when the byte there starts none (a stray continuation byte, an overlong
// or surrogate form, a code point above U+10FFFF, a sequence cut short).
// REQUIRES: i < s.size().
size_t Utf8SequenceLength(std::string_view s, size_t i);

inline bool IsValidUtf8(std::string_view s) { return FindInvalidUtf8(s) == std::string_view::npos; }

// "0x" and two upper-case hex digits: how messages name one raw byte (they
// never print it).
std::string ByteHex(unsigned char byte);

}  // namespace tessera
