#include "tessera/agg/tile_grid.h"

#include <algorithm>
#include <cstring>

#include "tessera/agg/partial_coding.h"

namespace tessera::agg {

size_t TileGrid::LowerBound(int64_t k) const {
  // Adds mostly touch the newest tile or make a newer one.
  if (size() == 0 || entries_.back().index < k) return size();
  if (entries_.back().index == k) return size() - 1;  // indexes are increasing
  size_t lo = 0, hi = size();
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (index(mid) < k) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

std::string_view TileGrid::Partial(size_t pos, int slot) const {
  PartialReader in(bytes(pos));
  std::string_view partial;
  for (int s = 0; s <= slot; ++s) {
    uint64_t length = 0;
    if (!in.GetVarint64(&length) || !in.GetBytes(length, &partial)) return {};
  }
  return partial;
}

void TileGrid::Set(int64_t k, std::string_view bytes) {
  const size_t pos = head_ + LowerBound(k);
  const uint32_t start = pos == 0 ? 0 : entries_[pos - 1].end;
  uint32_t old_length = 0;
  if (pos < entries_.size() && entries_[pos].index == k) {
    old_length = entries_[pos].end - start;
  } else {
    entries_.insert(entries_.begin() + static_cast<ptrdiff_t>(pos), Entry{k, start});
    if (pos == head_) front_ = k;
  }
  if (bytes.size() == old_length) {  // often (a count's byte, a max): nothing moves
    std::memcpy(arena_.data() + start, bytes.data(), bytes.size());
    return;
  }
  arena_.replace(start, old_length, bytes);
  const auto delta = static_cast<uint32_t>(bytes.size() - old_length);  // modular
  for (size_t j = pos; j < entries_.size(); ++j) entries_[j].end += delta;
}

void TileGrid::Reserve(size_t tiles, size_t bytes) {
  Compact();
  entries_.reserve(tiles);
  arena_.reserve(bytes);
}

void TileGrid::Append(int64_t k, std::string_view bytes) {
  arena_.append(bytes);
  entries_.push_back(Entry{k, static_cast<uint32_t>(arena_.size())});
  if (size() == 1) front_ = k;
}

void TileGrid::EraseBefore(int64_t k) {
  if (front_ >= k) return;  // most calls drop nothing (and an empty grid's front is the largest)
  head_ += LowerBound(k);
  // Compacting once the dead reach a quarter of the live keeps the cost
  // per expired tile constant and the garbage under a quarter (none at all
  // once every tile is gone).
  if (4 * head_ >= size()) Compact();
  front_ = size() > 0 ? index(0) : std::numeric_limits<int64_t>::max();
}

void TileGrid::Compact() {
  if (head_ == 0) return;
  const size_t count = head_;
  head_ = 0;
  const uint32_t cut = entries_[count - 1].end;
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<ptrdiff_t>(count));
  for (Entry& e : entries_) e.end -= cut;
  arena_.erase(0, cut);
  // Sized to the contents, except that small buffers stay: the grid of a
  // short window at a low event rate empties and refills on most Adds, and
  // freeing and reallocating both buffers each time cost more (instructions
  // and, with a million states, the allocator's cache misses) than the few
  // bytes kept.
  constexpr size_t kKeptEntries = 4, kKeptArena = 64;
  if (entries_.capacity() > kKeptEntries && entries_.size() < entries_.capacity() / 4) {
    entries_.shrink_to_fit();
  }
  if (arena_.capacity() > kKeptArena && arena_.size() < arena_.capacity() / 4) {
    arena_.shrink_to_fit();
  }
}

size_t TileGrid::MemoryBytes() const {
  return entries_.capacity() * sizeof(Entry) + (arena_.capacity() > 15 ? arena_.capacity() + 1 : 0);
}

}  // namespace tessera::agg
