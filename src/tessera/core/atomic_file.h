// AtomicFileWriter: the one crash-safe way to produce an output file. Bytes
// go, through a 1 MiB buffer, to a temporary file "<path>.tmp-XXXXXX" created
// exclusively (O_EXCL, a fresh random suffix per try) in the folder of
// `path`, so the final rename stays on one file system. Commit() writes the
// buffer, syncs and closes the file, renames it over `path` and syncs the
// folder: after a crash `path` holds the old file (or nothing) or the whole
// new one, never a part.
//
// A writer that fails, is Abandon()ed or destroyed before a successful
// Commit() removes its temporary file and never touches `path`. While it
// exists the temporary file is listed in the temp-file registry, so SIGINT
// or SIGTERM removes it too (temp_file_registry.h). A stale temporary file
// left by a killed process does not disturb a later writer (unique names).
//
// Only a failure of the final folder sync leaves the new file in place with
// an error: the rename happened but may not survive a power loss.
//
// Ownership: does not own the Env, which must outlive the writer.
// Thread-safety: none.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tessera/core/env.h"

namespace tessera {

// A fresh name "<path>.tmp-XXXXXX" (six random characters of [0-9A-Za-z])
// for a temporary file or folder next to `path`; create it exclusively and
// try another name when it is taken.
std::string TempPathFor(const std::string& path);

class AtomicFileWriter {
 public:
  // Creates the temporary file next to `path`.
  static Result<std::unique_ptr<AtomicFileWriter>> Create(Env* env, const std::string& path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  // A failed Append abandons the writer (the temporary file is removed) and
  // every later call fails.
  Status Append(std::string_view data);
  Status Append(const void* data, int64_t size) {
    return Append(std::string_view(static_cast<const char*>(data), static_cast<size_t>(size)));
  }
  // Bytes appended so far: the file offset of the next byte.
  int64_t position() const { return position_; }
  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }

  // Makes the file durable at `path`. REQUIRES: called at most once.
  Status Commit();
  // Removes the temporary file; idempotent, a no-op after Commit().
  void Abandon();

 private:
  AtomicFileWriter(Env* env, std::string path, std::string temp_path,
                   std::unique_ptr<WritableFile> file);
  Status WriteBuffer();
  Status Fail(Status st);

  Env* env_;
  std::string path_;
  std::string temp_path_;
  std::unique_ptr<WritableFile> file_;
  int registry_slot_;
  bool done_ = false;
  int64_t position_ = 0;
  std::string buffer_;
};

}  // namespace tessera
