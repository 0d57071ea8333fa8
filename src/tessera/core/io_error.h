// The one mapping from an errno value to a Status for the whole project, so
// every file error reads the same: "<action> '<path>': <reason>", e.g.
// "cannot open 'data.csv': No such file or directory" or
// "cannot write 'out.parquet.tmp-a1B2c3': No space left on device".
//
// Codes: ENOENT and ENOTDIR are NotFound, EEXIST is AlreadyExists, every
// other errno is IOError. The reason is the C library's text for the errno
// (strerror), so permission (EACCES, EPERM), read-only file system (EROFS),
// full disk (ENOSPC) and quota (EDQUOT) failures say so in plain words.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "tessera/core/status.h"

namespace tessera {

// `action` is a short verb phrase ("cannot open"); `path` names the file.
Status ErrnoToStatus(int err, std::string_view action, std::string_view path);

// The text of errno `err` ("No space left on device").
std::string ErrnoText(int err);

}  // namespace tessera
