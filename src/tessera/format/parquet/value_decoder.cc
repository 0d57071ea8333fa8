#include "tessera/format/parquet/value_decoder.h"

#include <cstring>
#include <string>

#include "tessera/core/coding.h"
#include "tessera/format/parquet/encoding.h"

namespace tessera::parquet {

namespace {

Status Short(const char* what) {
  return Status::Corruption(std::string(what) + ": values section is shorter than its values");
}

uint32_t LoadU32(const uint8_t* p) { return DecodeFixed32(p); }

Status DecodePlainBinary(const uint8_t* data, int64_t size, int64_t n, PhysicalValues* out) {
  // Each value takes 4 + len bytes, so the page size bounds the data. The
  // reservation must hold any PREFIX of the values, not just all n of them:
  // a hostile page can put one long value first and run out of values
  // later, after that value was appended. Any prefix holds at most size - 4
  // data bytes.
  if (n > size / 4) return Short("PLAIN BYTE_ARRAY");
  TS_RETURN_NOT_OK(out->ReserveBinary(n, n > 0 ? size - 4 : 0));
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  for (int64_t i = 0; i < n; ++i) {
    if (end - p < 4) return Short("PLAIN BYTE_ARRAY");
    uint32_t len = LoadU32(p);
    p += 4;
    if (static_cast<uint64_t>(end - p) < len) return Short("PLAIN BYTE_ARRAY");
    out->UnsafeAppendBinary(p, len);
    p += len;
  }
  return Status::OK();
}

Status DecodePlainBool(const uint8_t* data, int64_t size, int64_t n, PhysicalValues* out) {
  if (BitmapBytes(n) > size) return Short("PLAIN BOOLEAN");
  TS_ASSIGN_OR_RETURN(uint8_t * dst, out->ExtendFixed(n));
  for (int64_t i = 0; i < n; ++i) dst[i] = (data[i >> 3] >> (i & 7)) & 1;
  return Status::OK();
}

Status DecodePlain(const uint8_t* data, int64_t size, int64_t n, PhysicalValues* out) {
  if (out->type() == Type::kBoolean) return DecodePlainBool(data, size, n, out);
  if (out->width() == 0) return DecodePlainBinary(data, size, n, out);
  if (n > size / out->width()) return Short("PLAIN");
  return out->AppendFixed(data, n);
}

Status DecodeRleBool(const uint8_t* data, int64_t size, int64_t n, PhysicalValues* out,
                     std::vector<uint32_t>* scratch) {
  // Boolean RLE values carry a 4-byte length prefix in both page versions.
  if (size < 4) return Short("RLE BOOLEAN");
  uint32_t len = LoadU32(data);
  if (len > static_cast<uint64_t>(size - 4)) return Short("RLE BOOLEAN");
  scratch->resize(static_cast<size_t>(n));
  RleBitPackedDecoder dec(data + 4, len, 1);
  TS_RETURN_NOT_OK(dec.GetBatch(scratch->data(), n));
  TS_ASSIGN_OR_RETURN(uint8_t * dst, out->ExtendFixed(n));
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<uint8_t>((*scratch)[i] & 1);
  return Status::OK();
}

template <typename T>
void Gather(const T* dict, const uint32_t* idx, int64_t n, uint8_t* out) {
  T* dst = reinterpret_cast<T*>(out);
  for (int64_t i = 0; i < n; ++i) dst[i] = dict[idx[i]];
}

Status GatherFixed(const PhysicalValues& dict, const uint32_t* idx, int64_t n,
                   PhysicalValues* out) {
  TS_ASSIGN_OR_RETURN(uint8_t * dst, out->ExtendFixed(n));
  const int w = dict.width();
  switch (w) {
    case 1: Gather(dict.data(), idx, n, dst); break;
    case 4: Gather(reinterpret_cast<const uint32_t*>(dict.data()), idx, n, dst); break;
    case 8: Gather(reinterpret_cast<const uint64_t*>(dict.data()), idx, n, dst); break;
    default:
      for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * w, dict.data() + idx[i] * w, w);
  }
  return Status::OK();
}

Status GatherBinary(const PhysicalValues& dict, const uint32_t* idx, int64_t n,
                    PhysicalValues* out) {
  const int64_t* off = dict.offsets();
  int64_t bytes = 0;
  for (int64_t i = 0; i < n; ++i) {
    bytes += off[idx[i] + 1] - off[idx[i]];
    if (bytes > kMaxDecodedBytes) {
      return Status::OutOfRange("dictionary-encoded strings decode to more than " +
                                std::to_string(kMaxDecodedBytes) + " bytes");
    }
  }
  TS_RETURN_NOT_OK(out->ReserveBinary(n, bytes));
  for (int64_t i = 0; i < n; ++i) {
    out->UnsafeAppendBinary(dict.data() + off[idx[i]], off[idx[i] + 1] - off[idx[i]]);
  }
  return Status::OK();
}

Status DecodeDictionary(const uint8_t* data, int64_t size, int64_t n, const PhysicalValues* dict,
                        PhysicalValues* out, std::vector<uint32_t>* scratch) {
  if (dict == nullptr) {
    return Status::Corruption("dictionary-encoded page without a dictionary page");
  }
  if (n == 0) return Status::OK();
  if (size < 1) return Short("RLE_DICTIONARY");
  int bit_width = data[0];
  if (bit_width > 32) {
    return Status::Corruption("dictionary index bit width " + std::to_string(bit_width));
  }
  scratch->resize(static_cast<size_t>(n));
  uint32_t* idx = scratch->data();
  RleBitPackedDecoder dec(data + 1, size - 1, bit_width);
  TS_RETURN_NOT_OK(dec.GetBatch(idx, n));
  uint32_t max_idx = 0;
  for (int64_t i = 0; i < n; ++i) max_idx = idx[i] > max_idx ? idx[i] : max_idx;
  if (max_idx >= dict->count()) {
    return Status::Corruption("dictionary index " + std::to_string(max_idx) +
                              " out of range (dictionary has " + std::to_string(dict->count()) +
                              " entries)");
  }
  if (dict->width() == 0) return GatherBinary(*dict, idx, n, out);
  return GatherFixed(*dict, idx, n, out);
}

Status DecodeDeltaInts(const uint8_t* data, int64_t size, int64_t n, PhysicalValues* out) {
  if (out->type() != Type::kInt32 && out->type() != Type::kInt64) {
    return Status::Corruption("DELTA_BINARY_PACKED on a non-integer column");
  }
  std::vector<int64_t> tmp(static_cast<size_t>(n));
  int64_t consumed = 0;
  TS_RETURN_NOT_OK(DecodeDeltaBinaryPacked(data, size, n, tmp.data(), &consumed));
  TS_ASSIGN_OR_RETURN(uint8_t * dst, out->ExtendFixed(n));
  if (out->type() == Type::kInt64) {
    std::memcpy(dst, tmp.data(), static_cast<size_t>(n) * 8);
  } else {
    int32_t* d = reinterpret_cast<int32_t*>(dst);
    for (int64_t i = 0; i < n; ++i) d[i] = static_cast<int32_t>(tmp[i]);
  }
  return Status::OK();
}

Status AppendByteArrays(const ByteArrays& arrays, int64_t n, PhysicalValues* out) {
  if (static_cast<int64_t>(arrays.offsets.size()) != n + 1) {
    return Status::Internal("delta decoder returned a wrong value count");
  }
  const uint8_t* base = reinterpret_cast<const uint8_t*>(arrays.data.data());
  if (out->width() == 0) {
    TS_RETURN_NOT_OK(out->ReserveBinary(n, static_cast<int64_t>(arrays.data.size())));
    for (int64_t i = 0; i < n; ++i) {
      out->UnsafeAppendBinary(base + arrays.offsets[i], arrays.offsets[i + 1] - arrays.offsets[i]);
    }
    return Status::OK();
  }
  if (out->type() != Type::kFixedLenByteArray) {
    return Status::Corruption("delta byte-array encoding on a fixed-width column");
  }
  for (int64_t i = 0; i < n; ++i) {
    if (arrays.offsets[i + 1] - arrays.offsets[i] != out->width()) {
      return Status::Corruption("FIXED_LEN_BYTE_ARRAY value of the wrong length");
    }
  }
  return out->AppendFixed(base, n);
}

Status DecodeDeltaBinary(Encoding e, const uint8_t* data, int64_t size, int64_t n,
                         PhysicalValues* out) {
  if (out->type() != Type::kByteArray && out->type() != Type::kFixedLenByteArray) {
    return Status::Corruption(std::string(EncodingName(e)) + " on a non-byte-array column");
  }
  ByteArrays arrays;
  if (e == Encoding::kDeltaLengthByteArray) {
    TS_RETURN_NOT_OK(DecodeDeltaLengthByteArray(data, size, n, &arrays));
  } else {
    TS_RETURN_NOT_OK(DecodeDeltaByteArray(data, size, n, &arrays));
  }
  return AppendByteArrays(arrays, n, out);
}

Status DecodeSplit(const uint8_t* data, int64_t size, int64_t n, PhysicalValues* out) {
  int w = out->width();
  if (w == 0 || out->type() == Type::kBoolean) {
    return Status::Corruption("BYTE_STREAM_SPLIT on a variable-width column");
  }
  if (n > size / w) return Short("BYTE_STREAM_SPLIT");
  TS_ASSIGN_OR_RETURN(uint8_t * dst, out->ExtendFixed(n));
  return DecodeByteStreamSplit(data, size, n, w, dst);
}

}  // namespace

int PhysicalWidth(Type type, int32_t type_length) {
  switch (type) {
    case Type::kBoolean: return 1;
    case Type::kInt32:
    case Type::kFloat: return 4;
    case Type::kInt64:
    case Type::kDouble: return 8;
    case Type::kInt96: return 12;
    case Type::kFixedLenByteArray: return type_length;
    case Type::kByteArray: return 0;
  }
  return 0;
}

Status PhysicalValues::Init(Type type, int width) {
  type_ = type;
  width_ = width;
  count_ = 0;
  if (width == 0) {
    TS_RETURN_NOT_OK(offsets_.Reserve(8));
    offsets_.UnsafeAppend<int64_t>(0);
  }
  return Status::OK();
}

Status PhysicalValues::CheckLimit(int64_t more_bytes) const {
  if (more_bytes < 0 || more_bytes > kMaxDecodedBytes - data_.length() - offsets_.length()) {
    return Status::OutOfRange("column chunk decodes to more than " +
                              std::to_string(kMaxDecodedBytes) + " bytes");
  }
  return Status::OK();
}

Status PhysicalValues::ReserveFixed(int64_t n) {
  if (n <= 0 || n > kMaxDecodedBytes / (width_ + 1)) return Status::OK();
  return data_.Reserve(n * width_);
}

Status PhysicalValues::AppendFixed(const uint8_t* src, int64_t n) {
  TS_ASSIGN_OR_RETURN(uint8_t * dst, ExtendFixed(n));
  if (n > 0) std::memcpy(dst, src, static_cast<size_t>(n * width_));
  return Status::OK();
}

Result<uint8_t*> PhysicalValues::ExtendFixed(int64_t n) {
  if (n < 0 || n > kMaxDecodedBytes / width_) return CheckLimit(-1);
  TS_RETURN_NOT_OK(CheckLimit(n * width_));
  TS_RETURN_NOT_OK(data_.Reserve(n * width_));
  uint8_t* dst = data_.mutable_data() + data_.length();
  data_.UnsafeSetLength(data_.length() + n * width_);
  count_ += n;
  return dst;
}

Status PhysicalValues::ReserveBinary(int64_t values, int64_t bytes) {
  if (values < 0 || values > kMaxDecodedBytes / 8) return CheckLimit(-1);
  TS_RETURN_NOT_OK(CheckLimit(values * 8 + bytes));
  TS_RETURN_NOT_OK(data_.Reserve(bytes));
  return offsets_.Reserve(values * 8);
}

Status DecodeValues(Encoding encoding, const uint8_t* data, int64_t size, int64_t n,
                    const PhysicalValues* dict, PhysicalValues* out,
                    std::vector<uint32_t>* scratch) {
  switch (encoding) {
    case Encoding::kPlain: return DecodePlain(data, size, n, out);
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: return DecodeDictionary(data, size, n, dict, out, scratch);
    case Encoding::kRle:
      if (out->type() != Type::kBoolean) break;
      return DecodeRleBool(data, size, n, out, scratch);
    case Encoding::kDeltaBinaryPacked: return DecodeDeltaInts(data, size, n, out);
    case Encoding::kDeltaLengthByteArray:
    case Encoding::kDeltaByteArray: return DecodeDeltaBinary(encoding, data, size, n, out);
    case Encoding::kByteStreamSplit: return DecodeSplit(data, size, n, out);
    default: break;
  }
  return Status::Unsupported(std::string("encoding ") + EncodingName(encoding) + " for " +
                             TypeName(out->type()));
}

}  // namespace tessera::parquet
