#include "tessera/online/row_cache.h"

#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>

namespace tessera::online {

// One entry, allocated with its key and values bytes right after it.
struct RowCache::Node {
  Node* prev = nullptr;  // the shard's LRU list, most recent first
  Node* next = nullptr;
  uint64_t epoch = 0;
  RowRank rank;
  uint32_t key_size = 0;
  uint32_t values_size = 0;
  bool present = false;  // false: "no row" is cached

  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  std::string_view key() { return {bytes(), key_size}; }
  std::string_view values() { return {bytes() + key_size, values_size}; }
  // What the node costs: itself, its bytes, and its hash-table node and
  // bucket (an unordered_map node of a string_view and a pointer, plus
  // malloc's rounding: about 64 bytes).
  size_t Charge() const { return sizeof(Node) + key_size + values_size + kTableShare; }
  static constexpr size_t kTableShare = 64;
};

namespace {

// No entry is charged less, so a shard never holds more entries than its
// capacity over this: its hash table is sized for that many up front and
// never rehashes (a rehash of a shard of a large cache took milliseconds
// under the shard's lock, stalling every read of the shard).
constexpr size_t kMinCharge = 128;

}  // namespace

struct alignas(64) RowCache::Shard {
  std::mutex mu;
  std::unordered_map<std::string_view, Node*> map;  // views into the nodes' keys
  Node head;                                        // the LRU list's sentinel
  size_t charge = 0;                                // the table's buckets and the entries
  uint64_t generation = 0;                          // Erase calls
  Shard() { head.prev = head.next = &head; }
};

RowCache::RowCache(size_t capacity_bytes)
    : capacity_(capacity_bytes),
      shard_capacity_(capacity_bytes / kShards),
      shards_(new Shard[kShards]) {
  static_assert(sizeof(Node) + Node::kTableShare >= kMinCharge);
  for (size_t s = 0; s < kShards; ++s) {
    Shard& shard = shards_[s];
    shard.map.reserve(shard_capacity_ / kMinCharge);
    shard.charge = shard.map.bucket_count() * sizeof(void*);
  }
}

RowCache::~RowCache() {
  for (size_t s = 0; s < kShards; ++s) {
    Shard& shard = shards_[s];
    for (Node* n = shard.head.next; n != &shard.head;) {
      Node* next = n->next;
      n->~Node();
      ::operator delete(n);
      n = next;
    }
  }
}

RowCache::Shard& RowCache::ShardOf(size_t hash) const {
  // The top bits: the hash table inside the shard uses the low ones.
  return shards_[(hash >> 32) % kShards];
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

void RowCache::Drop(Shard& shard, Node* node) {
  Unlink(node);
  shard.map.erase(node->key());
  shard.charge -= node->Charge();
  node->~Node();
  ::operator delete(node);
}

bool RowCache::Lookup(std::string_view key, std::optional<OnlineRow>* row, Ticket* ticket) {
  const size_t hash = std::hash<std::string_view>{}(key);
  Shard& shard = ShardOf(hash);
  const uint64_t epoch = epoch_.load(std::memory_order_acquire);
  std::lock_guard lock(shard.mu);
  auto it = shard.map.find(key);
  if (it != shard.map.end()) {
    Node* node = it->second;
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
  ticket->generation = shard.generation;
  ticket->epoch = epoch;
  return false;
}

void RowCache::Insert(std::string_view key, const std::optional<OnlineRow>& row,
                      const Ticket& ticket) {
  const size_t values_size = row.has_value() ? row->values.size() : 0;
  Shard& shard = shards_[ticket.shard];
  const size_t buckets = shard.map.bucket_count() * sizeof(void*);  // fixed: never rehashes
  if (buckets + sizeof(Node) + key.size() + values_size + Node::kTableShare > shard_capacity_) {
    return;
  }
  // Built outside the lock; freed unused when the ticket has expired.
  void* memory = ::operator new(sizeof(Node) + key.size() + values_size);
  Node* node = new (memory) Node();
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
      if (auto it = shard.map.find(key); it != shard.map.end()) Drop(shard, it->second);
      shard.map.emplace(node->key(), node);
      LinkFront(shard, node);
      shard.charge += node->Charge();
      while (shard.charge > shard_capacity_) Drop(shard, shard.head.prev);
      return;
    }
  }
  node->~Node();
  ::operator delete(node);
}

void RowCache::Erase(std::string_view key) {
  Shard& shard = ShardOf(std::hash<std::string_view>{}(key));
  std::lock_guard lock(shard.mu);
  ++shard.generation;
  if (auto it = shard.map.find(key); it != shard.map.end()) Drop(shard, it->second);
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
