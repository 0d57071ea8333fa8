#include "tessera/agg/packed_ints.h"

#include <string_view>

namespace tessera::agg {

int PackedWidth(uint64_t range) {
  int width = 0;
  while (range != 0) {
    ++width;
    range >>= 8;
  }
  return width;
}

bool GetPackedInts(PartialReader* in, size_t n, PackedInts* out) {
  uint8_t width = 0;
  int64_t base = 0;
  if (!in->GetByte(&width) || width > 8 || !in->GetZigZag64(&base)) return false;
  if (width > 0 && n > in->remaining() / width) return false;
  std::string_view bytes;
  if (!in->GetBytes(static_cast<uint64_t>(n) * width, &bytes)) return false;
  *out = PackedInts{bytes.data(), n, width, base};
  return true;
}

}  // namespace tessera::agg
