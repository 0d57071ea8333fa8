#include "tessera/online/row_cache.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

#include "tessera/agg/state_memory.h"

namespace tessera::online {

// One entry: a block from agg::StateAlloc (huge-page regions: a lookup in
// a cache of gigabytes is bound by TLB misses as much as by cache misses),
// with its key and values bytes right after it.
struct RowCache::Node {
  Node* prev = nullptr;  // the shard's LRU list, most recent first
  Node* next = nullptr;
  uint64_t hash = 0;  // of the key (finds the node's slot)
  uint64_t epoch = 0;
  RowRank rank;
  uint32_t key_size = 0;
  uint32_t values_size = 0;
  bool present = false;  // false: "no row" is cached

  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  std::string_view key() { return {bytes(), key_size}; }
  std::string_view values() { return {bytes() + key_size, values_size}; }
  static size_t Bytes(size_t key_size, size_t values_size) {
    return agg::StateBlockBytes(sizeof(Node) + key_size + values_size);
  }
  size_t Charge() const { return Bytes(key_size, values_size); }
};

// A slot of a shard's hash table (open addressing, linear probing): the
// key's hash beside the node, so a probe compares keys only on a match.
struct RowCache::Slot {
  uint64_t hash = 0;
  Node* node = nullptr;  // null: empty
};

struct alignas(64) RowCache::Shard {
  std::mutex mu;
  Slot* slots = nullptr;  // `size` slots in the cache's table region
  size_t size = 0;
  size_t count = 0;         // entries
  size_t max_count = 0;     // 3/4 of size: probes stay short
  Node head;                // the LRU list's sentinel
  size_t charge = 0;        // the slots and the entries' blocks
  uint64_t generation = 0;  // Erase calls
  Shard() { head.prev = head.next = &head; }

  // The slot a hash starts probing at (its high bits; the shard is picked
  // by its low bits).
  size_t Home(uint64_t hash) const {
    return static_cast<size_t>((static_cast<unsigned __int128>(hash) * size) >> 64);
  }
  size_t Next(size_t i) const { return i + 1 == size ? 0 : i + 1; }
};

namespace {

// Each shard's table has a slot per this many bytes of its capacity (the
// table is 1/16 of the capacity, allocated up front, and never resized: a
// rehash stalls the shard's readers for milliseconds). A shard holding
// entries this small on average hits its count bound before its bytes.
constexpr size_t kBytesPerSlot = 256;
constexpr size_t kHugePage = size_t{2} << 20;

}  // namespace

RowCache::RowCache(size_t capacity_bytes)
    : capacity_(capacity_bytes),
      shard_capacity_(capacity_bytes / kShards),
      shards_(new Shard[kShards]) {
  const size_t slots_per_shard = std::max<size_t>(4, shard_capacity_ / kBytesPerSlot);
  // One region for every shard's slots, aligned to and marked for huge
  // pages (a hint, like agg/state_memory's regions); zero pages are empty
  // slots.
  table_bytes_ = kShards * slots_per_shard * sizeof(Slot) + kHugePage;
  void* m = mmap(nullptr, table_bytes_, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED) throw std::bad_alloc();
  table_ = m;
  const uintptr_t at = (reinterpret_cast<uintptr_t>(m) + kHugePage - 1) & ~(kHugePage - 1);
  (void)madvise(reinterpret_cast<void*>(at), kShards * slots_per_shard * sizeof(Slot),
                MADV_HUGEPAGE);
  Slot* slots = reinterpret_cast<Slot*>(at);
  for (size_t s = 0; s < kShards; ++s) {
    Shard& shard = shards_[s];
    shard.slots = slots + s * slots_per_shard;
    shard.size = slots_per_shard;
    shard.max_count = slots_per_shard * 3 / 4;
    shard.charge = slots_per_shard * sizeof(Slot);
  }
}

RowCache::~RowCache() {
  for (size_t s = 0; s < kShards; ++s) {
    Shard& shard = shards_[s];
    for (Node* n = shard.head.next; n != &shard.head;) {
      Node* next = n->next;
      const size_t bytes = n->Charge();
      n->~Node();
      agg::StateFree(n, bytes);
      n = next;
    }
  }
  munmap(table_, table_bytes_);
}

void RowCache::Unlink(Node* node) {
  node->prev->next = node->next;
  node->next->prev = node->prev;
}

void RowCache::LinkFront(Shard& shard, Node* node) {
  node->prev = &shard.head;
  node->next = shard.head.next;
  shard.head.next->prev = node;
  shard.head.next = node;
}

RowCache::Slot* RowCache::Find(Shard& shard, uint64_t hash, std::string_view key) {
  for (size_t i = shard.Home(hash);; i = shard.Next(i)) {
    Slot& slot = shard.slots[i];
    if (slot.node == nullptr) return nullptr;
    if (slot.hash == hash && slot.node->key() == key) return &slot;
  }
}

void RowCache::Drop(Shard& shard, Node* node) {
  // Its slot, then backward-shift deletion: later slots of the probe run
  // that may move into the hole do, so no probe ever stops early.
  size_t hole = shard.Home(node->hash);
  while (shard.slots[hole].node != node) hole = shard.Next(hole);
  for (size_t j = shard.Next(hole);; j = shard.Next(j)) {
    Slot& slot = shard.slots[j];
    if (slot.node == nullptr) break;
    const size_t home = shard.Home(slot.hash);
    // The entry at j stays when its home lies cyclically in (hole, j].
    const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (stays) continue;
    shard.slots[hole] = slot;
    hole = j;
  }
  shard.slots[hole] = Slot{};
  --shard.count;
  Unlink(node);
  const size_t bytes = node->Charge();
  shard.charge -= bytes;
  node->~Node();
  agg::StateFree(node, bytes);
}

bool RowCache::Lookup(std::string_view key, std::optional<OnlineRow>* row, Ticket* ticket) {
  const uint64_t hash = std::hash<std::string_view>{}(key);
  Shard& shard = shards_[hash % kShards];
  const uint64_t epoch = epoch_.load(std::memory_order_acquire);
  std::lock_guard lock(shard.mu);
  if (Slot* slot = Find(shard, hash, key)) {
    Node* node = slot->node;
    if (node->epoch == epoch) {
      Unlink(node);
      LinkFront(shard, node);
      if (!node->present) {
        row->reset();
      } else {
        if (!row->has_value()) row->emplace();
        (*row)->rank = node->rank;
        (*row)->values.assign(node->values());
      }
      return true;
    }
    Drop(shard, node);  // from before an EraseAll: never a hit again
  }
  ticket->shard = static_cast<uint32_t>(&shard - shards_.get());
  ticket->hash = hash;
  ticket->generation = shard.generation;
  ticket->epoch = epoch;
  return false;
}

void RowCache::Insert(std::string_view key, const std::optional<OnlineRow>& row,
                      const Ticket& ticket) {
  const size_t values_size = row.has_value() ? row->values.size() : 0;
  Shard& shard = shards_[ticket.shard];
  const size_t bytes = Node::Bytes(key.size(), values_size);
  // The slots' charge is fixed: an entry that cannot fit beside them alone
  // is not cached.
  if (shard.size * sizeof(Slot) + bytes > shard_capacity_) return;
  // Built outside the lock; freed unused when the ticket has expired.
  Node* node = new (agg::StateAlloc(bytes)) Node();
  node->hash = ticket.hash;
  node->key_size = static_cast<uint32_t>(key.size());
  node->values_size = static_cast<uint32_t>(values_size);
  node->epoch = ticket.epoch;
  node->present = row.has_value();
  if (row.has_value()) node->rank = row->rank;
  std::memcpy(node->bytes(), key.data(), key.size());
  if (values_size > 0) std::memcpy(node->bytes() + key.size(), row->values.data(), values_size);
  {
    std::lock_guard lock(shard.mu);
    if (shard.generation == ticket.generation &&
        epoch_.load(std::memory_order_acquire) == ticket.epoch) {
      if (Slot* old = Find(shard, node->hash, key)) Drop(shard, old->node);
      while (shard.charge + bytes > shard_capacity_ || shard.count >= shard.max_count) {
        Drop(shard, shard.head.prev);  // the least recently used
      }
      size_t i = shard.Home(node->hash);
      while (shard.slots[i].node != nullptr) i = shard.Next(i);
      shard.slots[i] = Slot{node->hash, node};
      ++shard.count;
      LinkFront(shard, node);
      shard.charge += bytes;
      return;
    }
  }
  node->~Node();
  agg::StateFree(node, bytes);
}

void RowCache::Erase(std::string_view key) {
  const uint64_t hash = std::hash<std::string_view>{}(key);
  Shard& shard = shards_[hash % kShards];
  std::lock_guard lock(shard.mu);
  ++shard.generation;
  if (Slot* slot = Find(shard, hash, key)) Drop(shard, slot->node);
}

void RowCache::EraseAll() { epoch_.fetch_add(1, std::memory_order_acq_rel); }

size_t RowCache::charge() const {
  size_t total = 0;
  for (size_t s = 0; s < kShards; ++s) {
    std::lock_guard lock(shards_[s].mu);
    total += shards_[s].charge;
  }
  return total;
}

}  // namespace tessera::online
