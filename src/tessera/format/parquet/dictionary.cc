// Hashing for the writer's string dictionaries.
#include "tessera/format/parquet/dictionary.h"

#include <cstring>

#include "tessera/core/coding.h"

namespace tessera::parquet {

// A fast non-cryptographic hash (8 bytes at a time, murmur-style finaliser).
// Dictionary keys are compared in full on a hash match, so quality only
// affects speed.
uint64_t HashBytes(const char* data, size_t size) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (size * 0xC2B2AE3D27D4EB4FULL);
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    h = (h ^ MixBits(DecodeFixed64(data + i))) * 0x9E3779B97F4A7C15ULL;
  }
  if (i < size) {
    uint64_t w = 0;
    std::memcpy(&w, data + i, size - i);
    h = (h ^ MixBits(w)) * 0x9E3779B97F4A7C15ULL;
  }
  return MixBits(h);
}

}  // namespace tessera::parquet
