#include "tessera/agg/state_memory.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <thread>
#include <vector>

namespace tessera::agg {
namespace {

// The size classes, computed independently: 16-byte steps up to 128, then
// four steps per doubling (2^k < n <= 2^(k+1) rounds up to 2^(k-2)), up to
// 1 MiB; larger requests are exact.
size_t ExpectedBlock(size_t n) {
  if (n <= 128) return (n + 15) / 16 * 16;
  if (n > (size_t{1} << 20)) return n;
  size_t pow = 128;
  while (pow * 2 < n) pow *= 2;  // pow < n <= 2 pow
  const size_t step = pow / 4;
  return (n + step - 1) / step * step;
}

TEST(StateMemoryTest, BlockSizesAreTheDocumentedClasses) {
  for (size_t n = 1; n <= 70000; ++n) ASSERT_EQ(StateBlockBytes(n), ExpectedBlock(n)) << n;
  for (size_t n : {size_t{1} << 19, (size_t{1} << 19) + 1, (size_t{1} << 20) - 1, size_t{1} << 20,
                   (size_t{1} << 20) + 1, size_t{3} << 20}) {
    EXPECT_EQ(StateBlockBytes(n), ExpectedBlock(n)) << n;
  }
  EXPECT_EQ(StateBlockBytes(129), 160u);
  EXPECT_EQ(StateBlockBytes(257), 320u);
  EXPECT_EQ(StateBlockBytes(1000), 1024u);
  EXPECT_EQ(StateBlockBytes(1025), 1280u);
}

// Live blocks never overlap and keep what was written into them, through
// interleaved allocations and frees of every class (and some above the
// largest), and they are aligned as documented.
TEST(StateMemoryTest, BlocksAreDisjointAlignedAndKeepTheirBytes) {
  std::mt19937_64 rng(7);
  struct Live {
    char* p;
    size_t request;
    uint8_t fill;
  };
  std::vector<Live> live;
  auto check = [](const Live& b) {
    const size_t block = StateBlockBytes(b.request);
    for (size_t i = 0; i < block; i += 7) {
      if (static_cast<uint8_t>(b.p[i]) != b.fill) return false;
    }
    return static_cast<uint8_t>(b.p[block - 1]) == b.fill;
  };
  for (int step = 0; step < 20000; ++step) {
    if (!live.empty() && rng() % 3 == 0) {
      const size_t at = rng() % live.size();
      ASSERT_TRUE(check(live[at])) << "block of " << live[at].request << " bytes was overwritten";
      // Half the frees name the block's size, half the original request.
      StateFree(live[at].p, rng() % 2 ? live[at].request : StateBlockBytes(live[at].request));
      live[at] = live.back();
      live.pop_back();
      continue;
    }
    const size_t request = rng() % 400 == 0 ? 1 + rng() % (size_t{3} << 20) : 1 + rng() % 3000;
    auto* p = static_cast<char*>(StateAlloc(request));
    const size_t block = StateBlockBytes(request);
    ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
    if (block % 64 == 0) ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u) << block;
    const auto fill = static_cast<uint8_t>(rng());
    std::memset(p, fill, block);
    live.push_back({p, request, fill});
  }
  // Disjoint: sorted by address, each block ends before the next starts.
  std::map<uintptr_t, size_t> by_address;
  for (const Live& b : live) {
    ASSERT_TRUE(check(b));
    by_address[reinterpret_cast<uintptr_t>(b.p)] = StateBlockBytes(b.request);
  }
  uintptr_t end = 0;
  for (const auto& [start, bytes] : by_address) {
    ASSERT_GE(start, end);
    end = start + bytes;
  }
  for (const Live& b : live) StateFree(b.p, b.request);
}

TEST(StateMemoryTest, AFreedBlockIsReusedByTheNextAllocationOfItsClass) {
  void* a = StateAlloc(200);
  StateFree(a, 200);
  void* b = StateAlloc(224);  // the same class (193..224)
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_EQ(a, b);
#endif
  StateFree(b, 224);
}

// Blocks freed on another thread, and the free lists of exited threads,
// are reused: no block is handed out twice while live.
TEST(StateMemoryTest, BlocksCrossThreadsAndOutliveTheirThreads) {
  std::vector<char*> made(2000);
  std::thread maker([&] {
    for (size_t i = 0; i < made.size(); ++i) {
      made[i] = static_cast<char*>(StateAlloc(48));
      std::memset(made[i], static_cast<int>(i & 0x7F), 48);
    }
  });
  maker.join();  // its unused slab and lists go to the shared pool
  for (size_t i = 0; i < made.size(); ++i) {
    for (int j = 0; j < 48; ++j) ASSERT_EQ(made[i][j], static_cast<char>(i & 0x7F));
  }
  std::thread freer([&] {
    for (char* p : made) StateFree(p, 48);
  });
  freer.join();  // its free list goes to the shared pool
  std::vector<char*> again(made.size());
  std::thread taker([&] {
    for (char*& p : again) p = static_cast<char*>(StateAlloc(40));  // same class
    for (size_t i = 0; i < again.size(); ++i) std::memset(again[i], 0x55, 48);
  });
  taker.join();
  std::map<uintptr_t, int> seen;
  for (char* p : again) ASSERT_EQ(++seen[reinterpret_cast<uintptr_t>(p)], 1);
#if !defined(__SANITIZE_ADDRESS__)
  // The exited freer's blocks came back.
  std::map<uintptr_t, int> old;
  for (char* p : made) old[reinterpret_cast<uintptr_t>(p)] = 1;
  size_t reused = 0;
  for (char* p : again) reused += old.count(reinterpret_cast<uintptr_t>(p));
  EXPECT_EQ(reused, made.size());
#endif
  for (char* p : again) StateFree(p, 40);
}

}  // namespace
}  // namespace tessera::agg
