#include "tessera/agg/tile_grid.h"

#include <algorithm>

#include "tessera/agg/partial_coding.h"

namespace tessera::agg {

size_t TileGrid::LowerBound(int64_t k) const {
  // Adds mostly touch the newest tile or make a newer one.
  if (size() == 0 || index_.back() < k) return size();
  if (index_.back() == k) return size() - 1;  // indexes are increasing
  const auto live = index_.begin() + static_cast<ptrdiff_t>(head_);
  return static_cast<size_t>(std::lower_bound(live, index_.end(), k) - live);
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
  const uint32_t start = pos == 0 ? 0 : end_[pos - 1];
  uint32_t old_length = 0;
  if (pos < index_.size() && index_[pos] == k) {
    old_length = end_[pos] - start;
  } else {
    index_.insert(index_.begin() + static_cast<ptrdiff_t>(pos), k);
    end_.insert(end_.begin() + static_cast<ptrdiff_t>(pos), start);
  }
  arena_.replace(start, old_length, bytes);
  const auto delta = static_cast<uint32_t>(bytes.size() - old_length);  // modular
  for (size_t j = pos; j < end_.size(); ++j) end_[j] += delta;
}

void TileGrid::Reserve(size_t tiles, size_t bytes) {
  Compact();
  index_.reserve(tiles);
  end_.reserve(tiles);
  arena_.reserve(bytes);
}

void TileGrid::Append(int64_t k, std::string_view bytes) {
  index_.push_back(k);
  arena_.append(bytes);
  end_.push_back(static_cast<uint32_t>(arena_.size()));
}

void TileGrid::EraseBefore(int64_t k) {
  if (size() == 0 || index(0) >= k) return;  // most calls drop nothing
  head_ += LowerBound(k);
  // Compacting once the dead reach a quarter of the live keeps the cost
  // per expired tile constant and the garbage under a quarter (none at all
  // once every tile is gone).
  if (4 * head_ >= size()) Compact();
}

void TileGrid::Compact() {
  if (head_ == 0) return;
  const size_t count = head_;
  head_ = 0;
  const uint32_t cut = end_[count - 1];
  index_.erase(index_.begin(), index_.begin() + static_cast<ptrdiff_t>(count));
  end_.erase(end_.begin(), end_.begin() + static_cast<ptrdiff_t>(count));
  for (uint32_t& end : end_) end -= cut;
  arena_.erase(0, cut);
  if (index_.size() < index_.capacity() / 4) {
    index_.shrink_to_fit();
    end_.shrink_to_fit();
    arena_.shrink_to_fit();
  }
}

size_t TileGrid::MemoryBytes() const {
  return index_.capacity() * sizeof(int64_t) + end_.capacity() * sizeof(uint32_t) +
         (arena_.capacity() > 15 ? arena_.capacity() + 1 : 0);
}

}  // namespace tessera::agg
