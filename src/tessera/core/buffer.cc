#include "tessera/core/buffer.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "tessera/core/block_cache.h"

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

// The room reserved in front of every Buffer for the control block Share()
// makes (libstdc++'s _Sp_counted_deleter with an empty deleter and a
// one-pointer allocator is 32 bytes); a multiple of 16 keeps the object and
// its inline bytes aligned as malloc's block.
constexpr size_t kSlotBytes = 48;

// The last 8 bytes of the slot (never used by the control block, checked in
// Share) say where the block came from, so that freeing it needs no Buffer
// object (already destroyed by then): a small inline buffer's block comes
// from the thread's BlockCache (block_cache.h), any other from malloc.
constexpr size_t kTagOffset = kSlotBytes - 8;
constexpr uint64_t kFromMalloc = 0;
constexpr uint64_t kFromCache = 0x7e55e7a0b10c4ull;

// Blocks of kCachedBlockBytes hold every inline buffer of up to
// kCachedBytes bytes (a one-row column's values, bitmap or offsets).
constexpr size_t kInlineOffsetForCache = (sizeof(void*) * 3 + 15) & ~size_t{15};
constexpr size_t kCachedBlockBytes = 144;
constexpr int64_t kCachedBytes =
    static_cast<int64_t>(kCachedBlockBytes - kSlotBytes - kInlineOffsetForCache);
using SmallBlocks = internal::BlockCache<kCachedBlockBytes>;

void SetTag(void* block, uint64_t tag) {
  std::memcpy(static_cast<uint8_t*>(block) + kTagOffset, &tag, sizeof(tag));
}

// Frees a whole Buffer allocation (its slot's address) where it came from.
void FreeBlock(void* block) {
  uint64_t tag;
  std::memcpy(&tag, static_cast<uint8_t*>(block) + kTagOffset, sizeof(tag));
  if (tag == kFromCache) {
    SmallBlocks::Free(block);
  } else {
    std::free(block);
  }
}

// Ends a shared Buffer's life without freeing its memory: the control block
// still lives in it, and SlotAllocator frees the whole allocation when the
// control block goes.
struct DestroyInPlace {
  void operator()(const Buffer* b) const { b->~Buffer(); }
};

// Hands out the reserved slot to the control block (falling back to the
// heap if a standard library needs more room than reserved), and frees the
// Buffer's whole allocation when that block is deallocated.
template <typename T>
struct SlotAllocator {
  using value_type = T;
  void* slot;
  explicit SlotAllocator(void* s) : slot(s) {}
  template <typename U>
  SlotAllocator(const SlotAllocator<U>& other) : slot(other.slot) {}  // NOLINT: rebinding
  T* allocate(size_t n) {
    // Up to the tag: the control block must leave it intact.
    if (n * sizeof(T) <= kTagOffset && alignof(T) <= 16) return static_cast<T*>(slot);
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }
  void deallocate(T* p, size_t) {
    if (static_cast<void*>(p) == slot) {
      FreeBlock(slot);
    } else {
      ::operator delete(p);
    }
  }
  template <typename U>
  bool operator==(const SlotAllocator<U>& other) const {
    return slot == other.slot;
  }
};

}  // namespace

Result<std::unique_ptr<Buffer>> Buffer::Allocate(int64_t size) {
  static_assert(sizeof(Buffer) <= kInlineOffset);
  if (size < 0 || size > kMaxAllocation) return AllocationFailed(size);
  static_assert(kInlineOffsetForCache == kInlineOffset && kCachedBytes >= 64);
  if (size <= kCachedBytes) {  // the usual one-row buffer: a cached block
    void* block = SmallBlocks::Allocate();
    if (block == nullptr) return AllocationFailed(size);
    SetTag(block, kFromCache);
    uint8_t* mem = static_cast<uint8_t*>(block) + kSlotBytes;
    return std::unique_ptr<Buffer>(::new (mem) Buffer(mem + kInlineOffset, size, kCachedBytes));
  }
  const bool inline_bytes = size <= kInlineBytes;
  void* block = std::malloc(
      kSlotBytes + (inline_bytes ? kInlineOffset + static_cast<size_t>(size) : sizeof(Buffer)));
  if (block == nullptr) return AllocationFailed(size);
  SetTag(block, kFromMalloc);
  uint8_t* mem = static_cast<uint8_t*>(block) + kSlotBytes;
  uint8_t* data = mem + kInlineOffset;
  if (!inline_bytes) {
    data = static_cast<uint8_t*>(std::malloc(static_cast<size_t>(size)));
    if (data == nullptr) {
      std::free(block);
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

void Buffer::operator delete(void* p) { FreeBlock(static_cast<uint8_t*>(p) - kSlotBytes); }

std::shared_ptr<const Buffer> Buffer::Share(std::unique_ptr<Buffer> b) {
#ifdef __GLIBCXX__
  // The control block must fit the slot, or every Share would allocate.
  static_assert(sizeof(std::_Sp_counted_deleter<Buffer*, DestroyInPlace, SlotAllocator<char>,
                                                __gnu_cxx::_S_atomic>) <= kTagOffset);
#endif
  if (b == nullptr) return nullptr;
  Buffer* raw = b.release();
  void* slot = reinterpret_cast<uint8_t*>(raw) - kSlotBytes;
  return std::shared_ptr<const Buffer>(raw, DestroyInPlace{}, SlotAllocator<char>(slot));
}

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
  BufferPtr out = Buffer::Share(std::move(buffer_));
  data_ = nullptr;
  length_ = 0;
  capacity_ = 0;
  return out;
}

}  // namespace tessera
