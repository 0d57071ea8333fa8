// StateMemory: where window states keep their buffers (the state itself,
// its event rows, its tile grids). With a million keys the states are
// gigabytes of small blocks touched at random, so an Add is bound by TLB
// misses as much as by cache misses; glibc's malloc only uses huge pages
// when the process starts with a tunable set, which a library cannot do.
// So these blocks come from large regions marked MADV_HUGEPAGE (used when
// transparent huge pages are in `madvise` or `always` mode; without them
// the regions are ordinary memory), cut into size classes (16-byte steps
// up to 128 bytes, then four classes per doubling, at most 25% over the
// request; callers use the whole block: StateBlockBytes).
//
// Freed blocks go to the freeing thread's free list of their class and
// are reused by the next allocation of that class: memory a state gives
// back when it shrinks or its key expires is reused by other states, and
// not returned to the system (like a malloc arena that is never trimmed).
// A thread's free lists pass to a shared list when the thread exits, and
// other threads take them from there. Blocks above the largest class
// (1 MiB) come from operator new.
//
// Thread-safety: StateAlloc and StateFree may be called from any thread;
// a block may be freed on another thread than the one that allocated it.
// The common path takes no lock (per-thread lists); taking a new 2 MiB
// slab or a shared list locks a mutex. Under AddressSanitizer every block
// comes from operator new, so overflows are still caught.
#pragma once

#include <cstddef>

namespace tessera::agg {

// The bytes of the block StateAlloc(bytes) returns (>= bytes; bytes > 0).
size_t StateBlockBytes(size_t bytes);

// A block of StateBlockBytes(bytes) bytes, uninitialized, aligned to 16
// bytes, and to 64 when StateBlockBytes(bytes) is a multiple of 64 (every
// block of 256 bytes or more). REQUIRES: bytes > 0. Never null (throws
// std::bad_alloc like operator new when memory is exhausted).
void* StateAlloc(size_t bytes);

// Gives back a block. REQUIRES: p came from StateAlloc(b) with
// StateBlockBytes(b) == StateBlockBytes(bytes) (passing the same request
// or the block's size both work); null p does nothing.
void StateFree(void* p, size_t bytes);

}  // namespace tessera::agg
