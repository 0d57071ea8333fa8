// ParallelFor: runs fn(part, begin, end) over `num_parts` contiguous parts
// of [0, n), each on its own thread (part 0 on the caller's). For the
// join's per-batch loops, where a part is large enough that starting a
// thread costs little next to it. fn must not throw.
#pragma once

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

namespace tessera::offline {

template <typename Fn>
void ParallelFor(int64_t n, int num_parts, Fn&& fn) {
  num_parts = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(num_parts, n)));
  auto bound = [&](int p) { return n * p / num_parts; };
  std::vector<std::thread> threads;
  for (int p = 1; p < num_parts; ++p) {
    threads.emplace_back([&fn, p, b = bound(p), e = bound(p + 1)] { fn(p, b, e); });
  }
  fn(0, bound(0), bound(1));
  for (auto& t : threads) t.join();
}

}  // namespace tessera::offline
