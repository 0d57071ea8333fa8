// BYTE_STREAM_SPLIT (Encodings.md): byte k of every value goes to stream k;
// the streams are stored one after another, each as long as the page's
// encoded value count.
#include "tessera/format/parquet/encoding.h"

namespace tessera::parquet {
namespace {

// Widths known at compile time let the inner loop unroll (FLOAT and DOUBLE).
template <int W>
void Gather(const uint8_t* data, int64_t stride, int64_t n, uint8_t* out) {
  for (int64_t i = 0; i < n; ++i) {
    for (int k = 0; k < W; ++k) out[i * W + k] = data[k * stride + i];
  }
}

void GatherAnyWidth(const uint8_t* data, int64_t stride, int64_t n, int width, uint8_t* out) {
  for (int k = 0; k < width; ++k) {
    const uint8_t* stream = data + k * stride;
    for (int64_t i = 0; i < n; ++i) out[i * width + k] = stream[i];
  }
}

}  // namespace

Status DecodeByteStreamSplit(const uint8_t* data, int64_t size, int64_t n, int width,
                             uint8_t* out) {
  if (width <= 0) return Status::Invalid("BYTE_STREAM_SPLIT width must be positive");
  if (size < 0 || size % width != 0) {
    return Status::Corruption("BYTE_STREAM_SPLIT data of " + std::to_string(size) +
                              " bytes is not a multiple of the value width " +
                              std::to_string(width));
  }
  const int64_t stride = size / width;
  if (n < 0 || n > stride) {
    return Status::Corruption("BYTE_STREAM_SPLIT data holds " + std::to_string(stride) +
                              " values, " + std::to_string(n) + " expected");
  }
  switch (width) {
    case 2: Gather<2>(data, stride, n, out); break;
    case 4: Gather<4>(data, stride, n, out); break;
    case 8: Gather<8>(data, stride, n, out); break;
    default: GatherAnyWidth(data, stride, n, width, out); break;
  }
  return Status::OK();
}

void EncodeByteStreamSplit(const uint8_t* values, int64_t n, int width, std::string* out) {
  if (n <= 0 || width <= 0) return;
  const size_t start = out->size();
  out->resize(start + static_cast<size_t>(n * width));
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data() + start);
  for (int k = 0; k < width; ++k) {
    for (int64_t i = 0; i < n; ++i) dst[k * n + i] = values[i * width + k];
  }
}

}  // namespace tessera::parquet
