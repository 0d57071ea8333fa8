#include "tessera/format/parquet/value_convert.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "tessera/core/coding.h"
#include "tessera/core/time.h"

namespace tessera::parquet {

namespace {

constexpr int64_t kUnixEpochJulianDay = 2440588;

template <typename T>
T Load(const uint8_t* p) {
  return DecodeFixed<T>(p);
}

Status OutOfRange(const std::string& what) {
  return Status::Invalid("value out of range: " + what);
}

// Applies fn(const In&, Out*) -> bool to every value; false is an error.
template <typename In, typename Out, typename Fn>
Result<DenseValues> MapFixed(PhysicalValues* in, const char* what, Fn fn) {
  const int64_t n = in->count();
  TS_ASSIGN_OR_RETURN(std::unique_ptr<Buffer> out, Buffer::Allocate(n * int64_t{sizeof(Out)}));
  Out* dst = out->mutable_data_as<Out>();
  const uint8_t* src = in->data();
  const int w = in->width();
  for (int64_t i = 0; i < n; ++i) {
    if (!fn(src + i * w, &dst[i])) return OutOfRange(what);
  }
  return DenseValues{Buffer::Share(std::move(out)), nullptr, n};
}

// The big-endian bytes of value i (FLBA or BYTE_ARRAY).
struct BytesOf {
  const PhysicalValues* in;
  const uint8_t* Data(int64_t i) const {
    return in->width() ? in->data() + i * in->width() : in->data() + in->offsets()[i];
  }
  int64_t Size(int64_t i) const {
    return in->width() ? in->width() : in->offsets()[i + 1] - in->offsets()[i];
  }
};

// Unscaled integer of value i as big-endian bytes, into `tmp` for INT32/64.
const uint8_t* UnscaledBytes(const PhysicalValues& in, int64_t i, uint8_t* tmp, int64_t* size) {
  if (in.type() == Type::kInt32 || in.type() == Type::kInt64) {
    int64_t v = in.type() == Type::kInt32 ? Load<int32_t>(in.data() + i * 4)
                                          : Load<int64_t>(in.data() + i * 8);
    for (int b = 0; b < 8; ++b) tmp[b] = static_cast<uint8_t>(v >> (8 * (7 - b)));
    *size = 8;
    return tmp;
  }
  BytesOf bytes{&in};
  *size = bytes.Size(i);
  return bytes.Data(i);
}

Result<DenseValues> DecimalsToDouble(const ColumnDesc& desc, PhysicalValues* in) {
  const int64_t n = in->count();
  TS_ASSIGN_OR_RETURN(std::unique_ptr<Buffer> out, Buffer::Allocate(n * 8));
  double* dst = out->mutable_data_as<double>();
  uint8_t tmp[8];
  for (int64_t i = 0; i < n; ++i) {
    int64_t size = 0;
    const uint8_t* be = UnscaledBytes(*in, i, tmp, &size);
    dst[i] = DecimalToDouble(be, size, desc.decimal_scale);
  }
  return DenseValues{Buffer::Share(std::move(out)), nullptr, n};
}

Result<DenseValues> DecimalsToString(const ColumnDesc& desc, PhysicalValues* in) {
  const int64_t n = in->count();
  BufferBuilder data;
  BufferBuilder offsets;
  TS_RETURN_NOT_OK(offsets.Reserve((n + 1) * 8));
  offsets.UnsafeAppend<int64_t>(0);
  uint8_t tmp[8];
  for (int64_t i = 0; i < n; ++i) {
    int64_t size = 0;
    const uint8_t* be = UnscaledBytes(*in, i, tmp, &size);
    std::string s = DecimalToString(be, size, desc.decimal_scale);
    TS_RETURN_NOT_OK(data.Append(s.data(), static_cast<int64_t>(s.size())));
    offsets.UnsafeAppend<int64_t>(data.length());
  }
  DenseValues d;
  TS_ASSIGN_OR_RETURN(d.values, data.Finish());
  TS_ASSIGN_OR_RETURN(d.offsets, offsets.Finish());
  d.count = n;
  return d;
}

Result<DenseValues> FixedToBytes(PhysicalValues* in) {
  const int64_t n = in->count();
  const int64_t w = in->width();
  TS_ASSIGN_OR_RETURN(std::unique_ptr<Buffer> off, Buffer::Allocate((n + 1) * 8));
  int64_t* o = off->mutable_data_as<int64_t>();
  for (int64_t i = 0; i <= n; ++i) o[i] = i * w;
  DenseValues d;
  TS_ASSIGN_OR_RETURN(d.values, in->FinishData());
  d.offsets = Buffer::Share(std::move(off));
  d.count = n;
  return d;
}

Result<DenseValues> Identity(PhysicalValues* in) {
  DenseValues d;
  d.count = in->count();
  TS_ASSIGN_OR_RETURN(d.values, in->FinishData());
  if (in->width() == 0) {
    TS_ASSIGN_OR_RETURN(d.offsets, in->FinishOffsets());
  }
  return d;
}

Result<DenseValues> ConvertInts(ConversionKind kind, PhysicalValues* in) {
  switch (kind) {
    case ConversionKind::kInt32ToInt64:
      return MapFixed<int32_t, int64_t>(in, "int32", [](const uint8_t* p, int64_t* o) {
        *o = Load<int32_t>(p);
        return true;
      });
    case ConversionKind::kUint32ToInt64:
      return MapFixed<uint32_t, int64_t>(in, "uint32", [](const uint8_t* p, int64_t* o) {
        *o = Load<uint32_t>(p);
        return true;
      });
    case ConversionKind::kUint64ToInt64:
      return MapFixed<uint64_t, int64_t>(in, "unsigned 64-bit value above the int64 range",
                                         [](const uint8_t* p, int64_t* o) {
                                           *o = Load<int64_t>(p);
                                           return *o >= 0;
                                         });
    case ConversionKind::kMillisToMicros:
      return MapFixed<int64_t, int64_t>(in, "milliseconds", [](const uint8_t* p, int64_t* o) {
        return !__builtin_mul_overflow(Load<int64_t>(p), int64_t{1000}, o);
      });
    case ConversionKind::kNanosToMicros:
      return MapFixed<int64_t, int64_t>(in, "nanoseconds", [](const uint8_t* p, int64_t* o) {
        *o = FloorDiv(Load<int64_t>(p), 1000);
        return true;
      });
    case ConversionKind::kDaysToMicros:
      return MapFixed<int32_t, int64_t>(in, "date", [](const uint8_t* p, int64_t* o) {
        return !__builtin_mul_overflow(int64_t{Load<int32_t>(p)}, kMicrosPerDay, o);
      });
    case ConversionKind::kTimeMillisToMicros:
      return MapFixed<int32_t, int64_t>(in, "time", [](const uint8_t* p, int64_t* o) {
        *o = int64_t{Load<int32_t>(p)} * 1000;
        return true;
      });
    case ConversionKind::kInt96ToMicros:
      return MapFixed<uint8_t, int64_t>(in, "INT96 timestamp", Int96ToMicros);
    case ConversionKind::kFloat16ToFloat:
      return MapFixed<uint16_t, float>(in, "float16", [](const uint8_t* p, float* o) {
        *o = HalfToFloat(Load<uint16_t>(p));
        return true;
      });
    default: return Status::Internal("unexpected conversion");
  }
}

// Magnitude digits of a big-endian two's-complement integer of any size.
std::string Digits(const uint8_t* be, int64_t size, bool* negative) {
  *negative = size > 0 && (be[0] & 0x80);
  if (size <= 16) {
    unsigned __int128 v = 0;
    for (int64_t i = 0; i < size; ++i) v = (v << 8) | be[i];
    if (*negative)
      v = (~v + 1) &
          (size == 16 ? ~(unsigned __int128){0} : (((unsigned __int128){1} << (8 * size)) - 1));
    std::string d;
    do {
      d.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
      v /= 10;
    } while (v != 0);
    return std::string(d.rbegin(), d.rend());
  }
  std::vector<uint8_t> mag(be, be + size);
  if (*negative) {  // two's complement negation, least significant byte last
    for (auto& b : mag) b = static_cast<uint8_t>(~b);
    for (int64_t i = size - 1; i >= 0 && ++mag[static_cast<size_t>(i)] == 0; --i) {
    }
  }
  std::string d;
  bool nonzero = true;
  while (nonzero) {
    unsigned rem = 0;
    nonzero = false;
    for (auto& b : mag) {
      unsigned cur = (rem << 8) | b;
      b = static_cast<uint8_t>(cur / 10);
      rem = cur % 10;
      nonzero |= b != 0;
    }
    d.push_back(static_cast<char>('0' + rem));
  }
  return std::string(d.rbegin(), d.rend());
}

}  // namespace

std::string DecimalToString(const uint8_t* be, int64_t size, int32_t scale) {
  bool negative = false;
  std::string digits = Digits(be, size, &negative);
  if (digits == "0") negative = false;
  if (scale > 0) {
    if (static_cast<int64_t>(digits.size()) <= scale) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), 1, '.');
  }
  return negative ? "-" + digits : digits;
}

double DecimalToDouble(const uint8_t* be, int64_t size, int32_t scale) {
  static const double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (size <= 16 && scale >= 0 && scale <= 22) {
    __int128 v = (size > 0 && (be[0] & 0x80)) ? -1 : 0;
    for (int64_t i = 0; i < size; ++i)
      v = static_cast<__int128>(static_cast<unsigned __int128>(v) << 8) | be[i];
    // Exact when |v| < 2^53 (precision <= 15): one correctly rounded division.
    return static_cast<double>(v) / kPow10[scale];
  }
  return std::strtod(DecimalToString(be, size, scale).c_str(), nullptr);
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1;
  const int exp = (h >> 10) & 0x1f;
  const uint32_t mant = h & 0x3ff;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    v = mant ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  } else {
    v = std::ldexp(static_cast<float>(mant | 0x400), exp - 25);
  }
  return sign ? -v : v;
}

bool Int96ToMicros(const uint8_t* p, int64_t* out) {
  int64_t nanos = Load<int64_t>(p);
  int64_t day = Load<int32_t>(p + 8);
  int64_t micros = 0;
  if (__builtin_mul_overflow(day - kUnixEpochJulianDay, kMicrosPerDay, &micros)) return false;
  return !__builtin_add_overflow(micros, FloorDiv(nanos, 1000), out);
}

Result<DenseValues> ConvertValues(const ColumnDesc& desc, PhysicalValues* in) {
  switch (desc.conversion) {
    case ConversionKind::kNone: return Identity(in);
    case ConversionKind::kFixedToBytes: return FixedToBytes(in);
    case ConversionKind::kDecimalToDouble: return DecimalsToDouble(desc, in);
    case ConversionKind::kDecimalToString: return DecimalsToString(desc, in);
    default: return ConvertInts(desc.conversion, in);
  }
}

}  // namespace tessera::parquet
