// hash_bucket(x, n): XXH64 (seed 0) of a fixed byte encoding of x, modulo
// n. The encoding is part of Tessera's on-disk contract (a bucket computed
// offline must equal the one computed online, on every platform, forever):
// docs/EXPRESSIONS.md "hash_bucket" states it, and tests/expr/ pin it with
// values from an independent XXH64. Never change it.
//
//   bool               1 byte, 0 or 1
//   int32, int64       the value as int64, 8 bytes little-endian (int32 7
//                      and int64 7 hash alike)
//   float, double      the value as double (float widened exactly), -0.0
//                      taken as 0.0 and every NaN as 0x7FF8000000000000,
//                      the IEEE 754 bits as 8 bytes little-endian
//   timestamp          the int64 microseconds, 8 bytes little-endian
//   string, bytes      the bytes themselves (a string's UTF-8)
//   list<T>            the element count as 8 bytes little-endian, then per
//                      element a tag byte, 0 for null (nothing follows) or
//                      1 followed by the element: int64/float/double as
//                      above, string as its byte length (8 bytes little-
//                      endian) and then its bytes (prefix-free)
#include <xxhash.h>

#include <cmath>
#include <cstring>
#include <string>

#include "tessera/expr/kernel_util.h"
#include "tessera/expr/kernels.h"

namespace tessera::expr {

namespace {

void PutLE64(uint64_t v, uint8_t* out) {
  for (int k = 0; k < 8; ++k) out[k] = static_cast<uint8_t>(v >> (8 * k));
}

uint64_t DoubleBits(double d) {
  if (d == 0) d = 0.0;  // -0.0 -> 0.0
  uint64_t bits;
  if (std::isnan(d)) {
    bits = 0x7FF8000000000000ULL;
  } else {
    std::memcpy(&bits, &d, 8);
  }
  return bits;
}

uint64_t Hash64(uint64_t v) {
  uint8_t b[8];
  PutLE64(v, b);
  return XXH64(b, 8, 0);
}

void AppendLE64(uint64_t v, std::string* out) {
  uint8_t b[8];
  PutLE64(v, b);
  out->append(reinterpret_cast<const char*>(b), 8);
}

// Appends list element j of `child` (of the list encoding above).
void AppendElement(const Array& child, int64_t j, std::string* out) {
  if (child.IsNull(j)) {
    out->push_back('\0');
    return;
  }
  out->push_back('\1');
  switch (child.type().id()) {
    case TypeId::kInt64: AppendLE64(static_cast<uint64_t>(child.GetInt64(j)), out); break;
    case TypeId::kFloat: AppendLE64(DoubleBits(child.GetFloat(j)), out); break;
    case TypeId::kDouble: AppendLE64(DoubleBits(child.GetDouble(j)), out); break;
    default: {  // string
      const std::string_view s = child.GetView(j);
      AppendLE64(s.size(), out);
      out->append(s);
    }
  }
}

// The XXH64 of row i of `a` (present), by the encoding above.
uint64_t HashCell(const Array& a, int64_t i, std::string* scratch) {
  switch (a.type().id()) {
    case TypeId::kBool: {
      const uint8_t b = a.GetBool(i) ? 1 : 0;
      return XXH64(&b, 1, 0);
    }
    case TypeId::kInt32: return Hash64(static_cast<uint64_t>(int64_t{a.GetInt32(i)}));
    case TypeId::kInt64:
    case TypeId::kTimestamp: return Hash64(static_cast<uint64_t>(a.GetInt64(i)));
    case TypeId::kFloat: return Hash64(DoubleBits(a.GetFloat(i)));
    case TypeId::kDouble: return Hash64(DoubleBits(a.GetDouble(i)));
    case TypeId::kString:
    case TypeId::kBytes: {
      const std::string_view s = a.GetView(i);
      return XXH64(s.data(), s.size(), 0);
    }
    case TypeId::kList: {
      scratch->clear();
      const ListView list(a);
      AppendLE64(static_cast<uint64_t>(list.End(i) - list.Begin(i)), scratch);
      for (int64_t j = list.Begin(i); j < list.End(i); ++j) AppendElement(list.child, j, scratch);
      return XXH64(scratch->data(), scratch->size(), 0);
    }
  }
  return 0;
}

}  // namespace

TS_DECLARE_KERNEL(KernelHashBucket) {
  FixedOutput<int64_t> o;
  TS_RETURN_NOT_OK(o.Init(length, args));
  int64_t* v = o.values();
  const int64_t* n = args[1]->values<int64_t>();
  std::string scratch;
  for (int64_t i = 0; i < length; ++i) {
    if (!o.IsValid(i)) continue;
    if (n[i] <= 0) {
      TS_RETURN_NOT_OK(o.SetError(ctx, i, "hash_bucket with a bucket count below 1"));
      continue;
    }
    v[i] = static_cast<int64_t>(HashCell(*args[0], i, &scratch) % static_cast<uint64_t>(n[i]));
  }
  return o.Finish(result, out);
}

}  // namespace tessera::expr
