// Buffer: one contiguous, heap-allocated byte region. Arrays hold their
// values, offsets and validity bitmaps in Buffers. A Buffer is mutable only
// while its builder owns it; once shared (std::shared_ptr<const Buffer>) it
// is immutable and may be read from any thread.
//
// Memory: a Buffer of up to kInlineBytes bytes is one heap allocation, the
// Buffer object with its bytes right after it (the one-row serving case
// makes many tiny buffers, and each allocation costs as much as the work);
// a larger one keeps its bytes in a separate allocation. Either way the
// bytes are 16-byte aligned and live exactly as long as the Buffer. Every
// allocation also reserves room for a shared_ptr control block in front of
// the object, which Share() uses: sharing a buffer then allocates nothing.
//
// BufferBuilder grows a Buffer by amortised doubling; allocation failure is
// an expected error (hostile files can ask for absurd sizes) and is returned
// as a Status instead of throwing.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

#include "tessera/core/result.h"

namespace tessera {

class Buffer {
 public:
  // Allocates `size` bytes, uninitialised. Fails with OutOfRange when the
  // allocation cannot be made.
  static Result<std::unique_ptr<Buffer>> Allocate(int64_t size);
  // Copies `size` bytes from `data`.
  static Result<std::unique_ptr<Buffer>> Copy(const void* data, int64_t size);

  // The buffer as a BufferPtr whose control block lives in the room its
  // allocation reserved (no allocation). Prefer it to BufferPtr(std::move(b))
  // on hot paths; both give the same BufferPtr otherwise. Null for null.
  static std::shared_ptr<const Buffer> Share(std::unique_ptr<Buffer> b);

  // Buffers up to this size hold their bytes inline (see above).
  static constexpr int64_t kInlineBytes = 4096;

  ~Buffer();
  // Frees the single allocation Allocate made (every Buffer comes from it).
  static void operator delete(void* p);
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  const uint8_t* data() const { return data_; }
  uint8_t* mutable_data() { return data_; }
  int64_t size() const { return size_; }
  template <typename T>
  const T* data_as() const {
    return reinterpret_cast<const T*>(data_);
  }
  template <typename T>
  T* mutable_data_as() {
    return reinterpret_cast<T*>(data_);
  }

  // Changes the size, keeping the first min(old, new) bytes; data() may
  // move. Fails with OutOfRange when memory cannot be had; the buffer is
  // unchanged then. An inline buffer shrinks in place (its slack is at most
  // kInlineBytes) and moves its bytes to a separate allocation to grow.
  Status Resize(int64_t new_size);

 private:
  Buffer(uint8_t* data, int64_t size, int64_t inline_capacity)
      : data_(data), size_(size), inline_capacity_(inline_capacity) {}
  bool is_inline() const { return inline_capacity_ >= 0; }
  uint8_t* data_;
  int64_t size_;
  // Bytes available inline after the object; -1 when data_ is a separate
  // allocation (owned, freed by the destructor).
  int64_t inline_capacity_;
};

using BufferPtr = std::shared_ptr<const Buffer>;

class BufferBuilder {
 public:
  BufferBuilder() = default;
  // A moved-from builder is empty (no buffer, zero length and capacity), so
  // reusing it allocates afresh instead of writing through a stale pointer.
  BufferBuilder(BufferBuilder&& other) noexcept { *this = std::move(other); }
  BufferBuilder& operator=(BufferBuilder&& other) noexcept {
    if (this != &other) {
      buffer_ = std::move(other.buffer_);
      data_ = std::exchange(other.data_, nullptr);
      length_ = std::exchange(other.length_, 0);
      capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
  }
  BufferBuilder(const BufferBuilder&) = delete;
  BufferBuilder& operator=(const BufferBuilder&) = delete;

  // Makes room for `additional` more bytes without reallocating.
  Status Reserve(int64_t additional) {
    if (additional >= 0 && length_ + additional <= capacity_) return Status::OK();
    return Grow(additional);
  }
  Status Append(const void* data, int64_t n) {
    TS_RETURN_NOT_OK(Reserve(n));
    UnsafeAppend(data, n);
    return Status::OK();
  }
  // REQUIRES: capacity() - length() >= n (after Reserve).
  void UnsafeAppend(const void* data, int64_t n) {
    if (n > 0) std::memcpy(data_ + length_, data, static_cast<size_t>(n));
    length_ += n;
  }
  template <typename T>
  void UnsafeAppend(T value) {
    UnsafeAppend(&value, sizeof(T));
  }
  // Appends n zero bytes.
  Status AppendZeros(int64_t n);
  // Sets length to n; bytes past the old length are uninitialised.
  // REQUIRES: n <= capacity().
  void UnsafeSetLength(int64_t n) { length_ = n; }

  uint8_t* mutable_data() { return data_; }
  const uint8_t* data() const { return data_; }
  int64_t length() const { return length_; }
  int64_t capacity() const { return capacity_; }

  // Hands over the bytes written so far and resets the builder.
  Result<BufferPtr> Finish();

 private:
  Status Grow(int64_t additional);
  std::unique_ptr<Buffer> buffer_;
  uint8_t* data_ = nullptr;
  int64_t length_ = 0;
  int64_t capacity_ = 0;
};

// Validity bitmaps: bit i (LSB-first within each byte) set means value i is
// present (not null), as in Arrow.
inline bool GetBit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void SetBit(uint8_t* bits, int64_t i) {
  bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
}
inline void ClearBit(uint8_t* bits, int64_t i) {
  bits[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7)));
}
inline int64_t BitmapBytes(int64_t bits) { return (bits + 7) / 8; }

}  // namespace tessera
