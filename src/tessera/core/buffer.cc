#include "tessera/core/buffer.h"

#include <cstdlib>
#include <new>
#include <string>

namespace tessera {

namespace {
// Refuse single allocations beyond this; a hostile file must not make us try.
constexpr int64_t kMaxAllocation = int64_t{1} << 40;

Status AllocationFailed(int64_t size) {
  return Status::OutOfRange("cannot allocate " + std::to_string(size) + " bytes");
}

// Where the inline bytes start: after the object, 16-byte aligned (as
// malloc aligns the separate allocation of a large buffer).
constexpr size_t kInlineOffset = (sizeof(void*) * 3 + 15) & ~size_t{15};

}  // namespace

Result<std::unique_ptr<Buffer>> Buffer::Allocate(int64_t size) {
  static_assert(sizeof(Buffer) <= kInlineOffset);
  if (size < 0 || size > kMaxAllocation) return AllocationFailed(size);
  const bool inline_bytes = size <= kInlineBytes;
  void* mem =
      std::malloc(inline_bytes ? kInlineOffset + static_cast<size_t>(size) : sizeof(Buffer));
  if (mem == nullptr) return AllocationFailed(size);
  uint8_t* data = static_cast<uint8_t*>(mem) + kInlineOffset;
  if (!inline_bytes) {
    data = static_cast<uint8_t*>(std::malloc(static_cast<size_t>(size)));
    if (data == nullptr) {
      std::free(mem);
      return AllocationFailed(size);
    }
  }
  return std::unique_ptr<Buffer>(::new (mem) Buffer(data, size, inline_bytes ? size : -1));
}

Result<std::unique_ptr<Buffer>> Buffer::Copy(const void* data, int64_t size) {
  TS_ASSIGN_OR_RETURN(auto buf, Allocate(size));
  if (size > 0) std::memcpy(buf->mutable_data(), data, static_cast<size_t>(size));
  return buf;
}

Buffer::~Buffer() {
  if (!is_inline()) std::free(data_);
}

void Buffer::operator delete(void* p) { std::free(p); }

Status Buffer::Resize(int64_t new_size) {
  if (new_size < 0 || new_size > kMaxAllocation) return AllocationFailed(new_size);
  if (is_inline()) {
    if (new_size <= inline_capacity_) {
      size_ = new_size;
      return Status::OK();
    }
    void* p = std::malloc(static_cast<size_t>(new_size));
    if (p == nullptr) return AllocationFailed(new_size);
    if (size_ > 0) std::memcpy(p, data_, static_cast<size_t>(size_));
    data_ = static_cast<uint8_t*>(p);
    size_ = new_size;
    inline_capacity_ = -1;
    return Status::OK();
  }
  void* p = std::realloc(data_, static_cast<size_t>(new_size > 0 ? new_size : 1));
  if (p == nullptr) return AllocationFailed(new_size);
  data_ = static_cast<uint8_t*>(p);
  size_ = new_size;
  return Status::OK();
}

Status BufferBuilder::Grow(int64_t additional) {
  if (additional < 0) return Status::Invalid("negative reservation");
  int64_t needed = length_ + additional;
  if (needed <= capacity()) return Status::OK();
  int64_t new_capacity = capacity() < 64 ? 64 : capacity();
  while (new_capacity < needed) new_capacity *= 2;
  if (!buffer_) {
    TS_ASSIGN_OR_RETURN(buffer_, Buffer::Allocate(new_capacity));
  } else {
    TS_RETURN_NOT_OK(buffer_->Resize(new_capacity));
  }
  data_ = buffer_->mutable_data();
  capacity_ = new_capacity;
  return Status::OK();
}

Status BufferBuilder::AppendZeros(int64_t n) {
  TS_RETURN_NOT_OK(Reserve(n));
  if (n > 0) std::memset(data_ + length_, 0, static_cast<size_t>(n));
  length_ += n;
  return Status::OK();
}

Result<BufferPtr> BufferBuilder::Finish() {
  if (!buffer_) {
    TS_ASSIGN_OR_RETURN(buffer_, Buffer::Allocate(0));
  } else if (buffer_->size() != length_) {
    // Shrink to fit so long-lived batches do not carry slack.
    TS_RETURN_NOT_OK(buffer_->Resize(length_));
  }
  BufferPtr out(std::move(buffer_));
  data_ = nullptr;
  length_ = 0;
  capacity_ = 0;
  return out;
}

}  // namespace tessera
