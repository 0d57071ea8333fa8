// Fixed-width little-endian integers in byte buffers (after LevelDB's
// util/coding.h): the one place that knows the byte order of Parquet's
// PLAIN values, length prefixes and footer length. Loads and stores go
// through memcpy (no alignment needed, no aliasing issues) and swap bytes
// only on a big-endian host.
//
// Thread-safety: pure functions.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

namespace tessera {

inline void EncodeFixed32(void* dst, uint32_t value) {
  if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap32(value);
  std::memcpy(dst, &value, sizeof(value));
}

inline void EncodeFixed64(void* dst, uint64_t value) {
  if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap64(value);
  std::memcpy(dst, &value, sizeof(value));
}

inline uint16_t DecodeFixed16(const void* src) {
  uint16_t value;
  std::memcpy(&value, src, sizeof(value));
  if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap16(value);
  return value;
}

inline uint32_t DecodeFixed32(const void* src) {
  uint32_t value;
  std::memcpy(&value, src, sizeof(value));
  if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap32(value);
  return value;
}

inline uint64_t DecodeFixed64(const void* src) {
  uint64_t value;
  std::memcpy(&value, src, sizeof(value));
  if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap64(value);
  return value;
}

inline void PutFixed32(std::string* dst, uint32_t value) {
  char buf[4];
  EncodeFixed32(buf, value);
  dst->append(buf, sizeof(buf));
}

inline void PutFixed64(std::string* dst, uint64_t value) {
  char buf[8];
  EncodeFixed64(buf, value);
  dst->append(buf, sizeof(buf));
}

// A 1-, 2-, 4- or 8-byte arithmetic value (int32, int64, float, double,
// unsigned, FLOAT16 bits) stored little-endian at `src`.
template <typename T>
inline T DecodeFixed(const void* src) {
  static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
  if constexpr (sizeof(T) == 1)
    return std::bit_cast<T>(*static_cast<const uint8_t*>(src));
  else if constexpr (sizeof(T) == 2)
    return std::bit_cast<T>(DecodeFixed16(src));
  else if constexpr (sizeof(T) == 4)
    return std::bit_cast<T>(DecodeFixed32(src));
  else
    return std::bit_cast<T>(DecodeFixed64(src));
}

// Stores `value` (4 or 8 bytes) little-endian at `dst`.
template <typename T>
inline void EncodeFixed(void* dst, T value) {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8);
  if constexpr (sizeof(T) == 4)
    EncodeFixed32(dst, std::bit_cast<uint32_t>(value));
  else
    EncodeFixed64(dst, std::bit_cast<uint64_t>(value));
}

}  // namespace tessera
