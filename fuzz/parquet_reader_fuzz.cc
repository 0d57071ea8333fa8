// libFuzzer target: writes the input to a temporary file and reads it with
// ParquetReader (footer, schema mapping, pages, decompression, decoding),
// which must end in batches or a Status: never a crash, an out-of-bounds
// access (ASan/UBSan) or an allocation past libFuzzer's -rss_limit_mb.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "tessera/format/parquet/reader.h"

namespace {

// One file per fuzzing process (libFuzzer -jobs/-workers run several).
const std::string& TempPath() {
  static const std::string path =
      "/tmp/tessera_reader_fuzz." + std::to_string(getpid()) + ".parquet";
  return path;
}

bool WriteFile(const std::string& path, const uint8_t* data, size_t size) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(data, 1, size, f) == size;
  return std::fclose(f) == 0 && ok;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!WriteFile(TempPath(), data, size)) return 0;
  auto reader = tessera::parquet::ParquetReader::Open(TempPath());
  if (!reader.ok()) return 0;
  while (true) {
    auto batch = (*reader)->Next();
    if (!batch.ok() || *batch == nullptr) break;
  }
  return 0;
}
