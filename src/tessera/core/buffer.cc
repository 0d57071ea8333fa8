#include "tessera/core/buffer.h"

#include <cstdlib>
#include <string>

namespace tessera {

namespace {
// Refuse single allocations beyond this; a hostile file must not make us try.
constexpr int64_t kMaxAllocation = int64_t{1} << 40;

Status AllocationFailed(int64_t size) {
  return Status::OutOfRange("cannot allocate " + std::to_string(size) + " bytes");
}
}  // namespace

Result<std::unique_ptr<Buffer>> Buffer::Allocate(int64_t size) {
  if (size < 0 || size > kMaxAllocation) return AllocationFailed(size);
  void* p = std::malloc(static_cast<size_t>(size > 0 ? size : 1));
  if (p == nullptr) return AllocationFailed(size);
  return std::unique_ptr<Buffer>(new Buffer(static_cast<uint8_t*>(p), size));
}

Result<std::unique_ptr<Buffer>> Buffer::Copy(const void* data, int64_t size) {
  TS_ASSIGN_OR_RETURN(auto buf, Allocate(size));
  if (size > 0) std::memcpy(buf->mutable_data(), data, static_cast<size_t>(size));
  return buf;
}

Buffer::~Buffer() { std::free(data_); }

Status Buffer::Resize(int64_t new_size) {
  if (new_size < 0 || new_size > kMaxAllocation) return AllocationFailed(new_size);
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
