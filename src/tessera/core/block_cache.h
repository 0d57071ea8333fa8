// BlockCache: a per-thread free list of heap blocks of one small size, for
// the objects the one-row serving path makes and drops thousands of times
// a second (an Array with its shared_ptr count, a Buffer of a few bytes;
// buffer.cc and array.cc use it). A glibc malloc/free pair costs about a
// hundred instructions; taking a block from this list and giving it back
// costs about ten, and a one-row evaluation makes a few such objects.
//
// Blocks come from std::malloc (16-byte aligned) and go back to it when a
// thread's list is full (kMaxKept blocks) or the thread is ending. A block
// may be freed by another thread than the one that allocated it: it then
// joins that thread's list (memory is memory). At most kMaxKept * kBytes
// bytes per thread per size are kept.
//
// Thread-safety: each thread has its own list; nothing is shared.
#pragma once

#include <cstddef>
#include <cstdlib>

// Under AddressSanitizer a kept block is poisoned, so a use after free of
// an Array or Buffer is still reported (as use-after-poison).
#if defined(__SANITIZE_ADDRESS__)
#define TS_BLOCK_CACHE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TS_BLOCK_CACHE_ASAN 1
#endif
#endif
#ifdef TS_BLOCK_CACHE_ASAN
#include <sanitizer/asan_interface.h>
#define TS_BLOCK_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define TS_BLOCK_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define TS_BLOCK_POISON(p, n) ((void)(p), (void)(n))
#define TS_BLOCK_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace tessera::internal {

template <size_t kBytes>
class BlockCache {
 public:
  static constexpr int kMaxKept = 256;

  // A block of kBytes bytes; null when memory runs out.
  static void* Allocate() {
    List& l = list();
    if (l.head != nullptr) {
      Node* n = l.head;
      TS_BLOCK_UNPOISON(n, kBytes);
      l.head = n->next;
      --l.count;
      return n;
    }
    return std::malloc(kBytes);
  }

  // Gives back a block from Allocate (of any thread).
  static void Free(void* block) {
    List& l = list();
    if (l.count < kMaxKept && !l.closed) {
      EnsureDrainAtExit();
      Node* n = static_cast<Node*>(block);
      n->next = l.head;
      TS_BLOCK_POISON(n, kBytes);
      l.head = n;
      ++l.count;
      return;
    }
    std::free(block);
  }

 private:
  static_assert(kBytes >= sizeof(void*) && kBytes % 16 == 0);
  struct Node {
    Node* next;
  };
  // Trivially destructible, so it stays usable while the thread's other
  // thread_local objects are destroyed (a block freed then goes to free()).
  struct List {
    Node* head = nullptr;
    int count = 0;
    bool closed = false;
  };
  static List& list() {
    thread_local List l;
    return l;
  }
  // Frees the thread's kept blocks when the thread ends.
  struct Drain {
    ~Drain() {
      List& l = list();
      while (l.head != nullptr) {
        Node* n = l.head;
        TS_BLOCK_UNPOISON(n, kBytes);
        l.head = n->next;
        std::free(n);
      }
      l.count = 0;
      l.closed = true;
    }
  };
  static void EnsureDrainAtExit() {
    thread_local Drain drain;
    (void)drain;
  }
};

}  // namespace tessera::internal
