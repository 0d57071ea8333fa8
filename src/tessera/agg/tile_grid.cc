#include "tessera/agg/tile_grid.h"

#include <algorithm>

#include "tessera/agg/partial_coding.h"

namespace tessera::agg {

size_t TileGrid::LowerBound(int64_t k) const {
  return static_cast<size_t>(std::lower_bound(index_.begin(), index_.end(), k) - index_.begin());
}

std::string_view TileGrid::Partial(size_t pos, int slot) const {
  PartialReader in(bytes_[pos]);
  std::string_view partial;
  for (int s = 0; s <= slot; ++s) {
    uint64_t length = 0;
    if (!in.GetVarint64(&length) || !in.GetBytes(length, &partial)) return {};
  }
  return partial;
}

void TileGrid::Swap(int64_t k, std::string* bytes) {
  const size_t pos = LowerBound(k);
  if (pos < index_.size() && index_[pos] == k) {
    bytes_[pos].swap(*bytes);
    return;
  }
  index_.insert(index_.begin() + static_cast<ptrdiff_t>(pos), k);
  bytes_.insert(bytes_.begin() + static_cast<ptrdiff_t>(pos), std::string());
  bytes_[pos].swap(*bytes);
}

void TileGrid::Append(int64_t k, std::string bytes) {
  index_.push_back(k);
  bytes_.push_back(std::move(bytes));
}

void TileGrid::EraseBefore(int64_t k) {
  const auto end = static_cast<ptrdiff_t>(LowerBound(k));
  index_.erase(index_.begin(), index_.begin() + end);
  bytes_.erase(bytes_.begin(), bytes_.begin() + end);
  if (index_.size() < index_.capacity() / 4) {
    index_.shrink_to_fit();
    bytes_.shrink_to_fit();
  }
}

size_t TileGrid::MemoryBytes() const {
  size_t bytes = index_.capacity() * sizeof(int64_t) + bytes_.capacity() * sizeof(std::string);
  for (const std::string& b : bytes_) {
    if (b.capacity() > 15) bytes += b.capacity() + 1;  // beyond the inline buffer
  }
  return bytes;
}

}  // namespace tessera::agg
