#include "tessera/agg/state_memory.h"

#include <sys/mman.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

namespace tessera::agg {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPlainNew = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kPlainNew = true;
#else
constexpr bool kPlainNew = false;
#endif
#else
constexpr bool kPlainNew = false;
#endif

constexpr size_t kMaxClassBytes = size_t{1} << 20;
// 8 classes of 16-byte steps up to 128, then 4 per doubling up to 2^20.
constexpr int kClasses = 8 + (19 - 7 + 1) * 4;
constexpr size_t kSlabBytes = size_t{2} << 20;     // one huge page
constexpr size_t kRegionBytes = size_t{64} << 20;  // mapped at once
// Blocks above this are cut from the region directly (under the lock), so
// a slab never wastes more than an eighth of itself at its end.
constexpr size_t kSlabBlockLimit = kSlabBytes / 8;

int ClassOf(size_t bytes, size_t* size) {
  if (bytes <= 128) {
    const size_t s = (bytes + 15) & ~size_t{15};
    *size = s;
    return static_cast<int>(s / 16) - 1;
  }
  const int k = 63 - __builtin_clzll(bytes - 1);  // 2^k < bytes <= 2^(k+1)
  const size_t step = size_t{1} << (k - 2);
  const size_t s = (bytes + step - 1) & ~(step - 1);
  *size = s;
  return 8 + (k - 7) * 4 + static_cast<int>((s >> (k - 2)) - 5);
}

size_t AlignmentOf(size_t size) { return size % 64 == 0 ? 64 : 16; }

char* AlignUp(char* p, size_t align) {
  const auto at = reinterpret_cast<uintptr_t>(p);
  return reinterpret_cast<char*>((at + align - 1) & ~(uintptr_t{align} - 1));
}

struct FreeBlock {
  FreeBlock* next;
};

// What threads share: the mapped regions' unused tail, the slab remainders
// and free lists of exited threads. Never destroyed (threads may free
// blocks while the program's statics are being destroyed).
struct Shared {
  std::mutex mu;
  char* region_next = nullptr;
  char* region_end = nullptr;
  std::vector<std::pair<char*, char*>> spare_slabs;
  std::array<FreeBlock*, kClasses> free{};
  std::array<std::atomic<bool>, kClasses> has_free{};

  // REQUIRES: mu held. `bytes` from a region, aligned to `align`.
  char* Carve(size_t bytes, size_t align) {
    char* p = AlignUp(region_next, align);
    if (region_next == nullptr || p + bytes > region_end) {
      // Aligned to a huge page, so that the kernel can back it with them.
      const size_t map_bytes = kRegionBytes + kSlabBytes;
      void* m = mmap(nullptr, map_bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (m == MAP_FAILED) throw std::bad_alloc();
      char* start = AlignUp(static_cast<char*>(m), kSlabBytes);
      (void)madvise(start, kRegionBytes, MADV_HUGEPAGE);  // a hint: fails without THP
      region_next = start;
      region_end = start + kRegionBytes;
      p = AlignUp(region_next, align);
    }
    region_next = p + bytes;
    return p;
  }

  // REQUIRES: mu held.
  void PushFree(int c, FreeBlock* head, FreeBlock* tail) {
    tail->next = free[c];
    free[c] = head;
    has_free[c].store(true, std::memory_order_relaxed);
  }
};

Shared& GetShared() {
  static Shared* shared = new Shared;
  return *shared;
}

// Per thread, trivially destructible (no guard on the fast path); the
// Reaper below hands its contents to Shared when the thread exits.
struct ThreadCache {
  std::array<FreeBlock*, kClasses> free;
  char* next;
  char* end;
  bool reaper_armed;
  bool dead;  // the thread is exiting: go through Shared
};
thread_local ThreadCache tls_cache{};

struct Reaper {
  bool armed = false;
  ~Reaper() {
    ThreadCache& t = tls_cache;
    Shared& s = GetShared();
    std::lock_guard<std::mutex> lock(s.mu);
    for (int c = 0; c < kClasses; ++c) {
      FreeBlock* head = t.free[c];
      if (head == nullptr) continue;
      FreeBlock* tail = head;
      while (tail->next != nullptr) tail = tail->next;
      s.PushFree(c, head, tail);
      t.free[c] = nullptr;
    }
    if (t.next != nullptr && t.next < t.end) s.spare_slabs.emplace_back(t.next, t.end);
    t.next = t.end = nullptr;
    t.dead = true;
  }
};
thread_local Reaper tls_reaper;

// Makes the thread's Reaper exist, so that it runs at the thread's exit.
void Arm(ThreadCache& t) {
  t.reaper_armed = true;
  tls_reaper.armed = true;
}

void* AllocShared(int c, size_t size) {
  Shared& s = GetShared();
  std::lock_guard<std::mutex> lock(s.mu);
  if (FreeBlock* b = s.free[c]) {
    s.free[c] = b->next;
    if (s.free[c] == nullptr) s.has_free[c].store(false, std::memory_order_relaxed);
    return b;
  }
  return s.Carve(size, AlignmentOf(size));
}

void* AllocSlow(ThreadCache& t, int c, size_t size) {
  if (!t.reaper_armed) Arm(t);
  if (t.dead) return AllocShared(c, size);
  Shared& s = GetShared();
  if (s.has_free[c].load(std::memory_order_relaxed)) {
    std::lock_guard<std::mutex> lock(s.mu);
    if (FreeBlock* b = s.free[c]) {  // take the whole list
      s.free[c] = nullptr;
      s.has_free[c].store(false, std::memory_order_relaxed);
      t.free[c] = b->next;
      return b;
    }
  }
  const size_t align = AlignmentOf(size);
  char* p = t.next == nullptr ? nullptr : AlignUp(t.next, align);
  if (p != nullptr && p + size <= t.end) {
    t.next = p + size;
    return p;
  }
  if (size > kSlabBlockLimit) return AllocShared(c, size);
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (!s.spare_slabs.empty()) {
      std::tie(t.next, t.end) = s.spare_slabs.back();
      s.spare_slabs.pop_back();
    } else {
      t.next = s.Carve(kSlabBytes, kSlabBytes);
      t.end = t.next + kSlabBytes;
    }
  }
  p = AlignUp(t.next, align);
  if (p + size > t.end) return AllocShared(c, size);  // a small spare slab
  t.next = p + size;
  return p;
}

}  // namespace

size_t StateBlockBytes(size_t bytes) {
  if (bytes > kMaxClassBytes) return bytes;
  size_t size = 0;
  (void)ClassOf(bytes, &size);
  return size;
}

void* StateAlloc(size_t bytes) {
  if (kPlainNew || bytes > kMaxClassBytes) {
    return ::operator new (StateBlockBytes(bytes), std::align_val_t{64});
  }
  size_t size = 0;
  const int c = ClassOf(bytes, &size);
  ThreadCache& t = tls_cache;
  if (FreeBlock* b = t.free[c]) {
    t.free[c] = b->next;
    return b;
  }
  return AllocSlow(t, c, size);
}

void StateFree(void* p, size_t bytes) {
  if (p == nullptr) return;
  if (kPlainNew || bytes > kMaxClassBytes) {
    ::operator delete (p, std::align_val_t{64});
    return;
  }
  size_t size = 0;
  const int c = ClassOf(bytes, &size);
  auto* b = static_cast<FreeBlock*>(p);
  ThreadCache& t = tls_cache;
  if (!t.reaper_armed) Arm(t);
  if (t.dead) {
    Shared& s = GetShared();
    std::lock_guard<std::mutex> lock(s.mu);
    s.PushFree(c, b, b);
    return;
  }
  b->next = t.free[c];
  t.free[c] = b;
}

}  // namespace tessera::agg
