#include "tessera/expr/kernel_util.h"

#include <cstring>

namespace tessera::expr {

Result<std::unique_ptr<Buffer>> AndValidity(const std::vector<const Array*>& inputs,
                                            int64_t length) {
  return AndValidity(inputs.data(), inputs.size(), length);
}

Result<std::unique_ptr<Buffer>> AndValidity(const Array* const* inputs, size_t count,
                                            int64_t length) {
  std::unique_ptr<Buffer> out;
  const int64_t bytes = BitmapBytes(length);
  for (size_t k = 0; k < count; ++k) {
    const Array* a = inputs[k];
    const BufferPtr& v = a->validity_buffer();
    if (v == nullptr) continue;
    if (out == nullptr) {
      TS_ASSIGN_OR_RETURN(out, Buffer::Copy(v->data(), bytes));
      continue;
    }
    uint8_t* dst = out->mutable_data();
    const uint8_t* src = v->data();
    for (int64_t b = 0; b < bytes; ++b) dst[b] &= src[b];
  }
  return out;
}

}  // namespace tessera::expr
