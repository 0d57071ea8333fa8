// BlockCache (block_cache.h) and the small Buffers and Arrays made from it:
// a freed block is reused by the next allocation of the thread, blocks may
// be freed by another thread than the one that made them, a cached buffer
// resizes within and beyond its block keeping its bytes, and arrays handed
// between threads keep their values. Run under the sanitizer build, a
// block freed twice or to the wrong allocator shows as an error here.
#include "tessera/core/block_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

#include "tessera/core/array.h"
#include "tessera/core/buffer.h"
#include "tessera/core/builder.h"

namespace tessera {
namespace {

using Blocks = internal::BlockCache<64>;

TEST(BlockCache, TheLastFreedBlockIsReusedFirst) {
  void* a = Blocks::Allocate();
  void* b = Blocks::Allocate();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  Blocks::Free(a);
  Blocks::Free(b);
  EXPECT_EQ(Blocks::Allocate(), b);
  EXPECT_EQ(Blocks::Allocate(), a);
  Blocks::Free(a);
  Blocks::Free(b);
}

TEST(BlockCache, KeepsAtMostItsLimitAndFreesTheRest) {
  std::vector<void*> blocks;
  for (int i = 0; i < Blocks::kMaxKept + 50; ++i) blocks.push_back(Blocks::Allocate());
  for (void* p : blocks) Blocks::Free(p);  // the last 50 go back to malloc
  // Every block handed out again is a distinct live block.
  std::vector<void*> again;
  for (int i = 0; i < Blocks::kMaxKept + 50; ++i) {
    again.push_back(Blocks::Allocate());
    std::memset(again.back(), 0x5A, 64);
  }
  std::sort(again.begin(), again.end());
  EXPECT_EQ(std::adjacent_find(again.begin(), again.end()), again.end());
  for (void* p : again) Blocks::Free(p);
}

TEST(BlockCache, BlocksMadeInOneThreadAreFreedInAnother) {
  std::vector<void*> made;
  std::thread maker([&] {
    for (int i = 0; i < 100; ++i) made.push_back(Blocks::Allocate());
  });
  maker.join();  // the maker's own list was drained when it ended
  std::thread freer([&] {
    for (void* p : made) Blocks::Free(p);
    for (int i = 0; i < 100; ++i) Blocks::Free(Blocks::Allocate());
  });
  freer.join();
}

TEST(BlockCache, CachedBuffersResizeKeepingTheirBytes) {
  for (int64_t size : {int64_t{0}, int64_t{1}, int64_t{8}, int64_t{64}, int64_t{65}}) {
    SCOPED_TRACE(size);
    Result<std::unique_ptr<Buffer>> r = Buffer::Allocate(size);
    ASSERT_TRUE(r.ok());
    std::unique_ptr<Buffer> b = r.MoveValueUnsafe();
    EXPECT_EQ(b->size(), size);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b->data()) % 16, 0u);
    for (int64_t i = 0; i < size; ++i) b->mutable_data()[i] = static_cast<uint8_t>(i + 1);
    for (int64_t grown : {size + 1, int64_t{64}, int64_t{100}, int64_t{5000}}) {
      if (grown < size) continue;
      ASSERT_TRUE(b->Resize(grown).ok());
      EXPECT_EQ(b->size(), grown);
      for (int64_t i = 0; i < size; ++i) ASSERT_EQ(b->data()[i], static_cast<uint8_t>(i + 1));
    }
    BufferPtr shared = Buffer::Share(std::move(b));
    EXPECT_EQ(shared.use_count(), 1);
  }
}

TEST(BlockCache, OneRowArraysMadeInOneThreadLiveOnInAnother) {
  std::vector<ArrayPtr> arrays;
  std::thread maker([&] {
    for (int i = 0; i < 500; ++i) {
      NumericBuilder<int64_t> b(DataType::Int64());
      ASSERT_TRUE(b.Append(i).ok());
      Result<ArrayPtr> a = b.Finish();
      ASSERT_TRUE(a.ok());
      arrays.push_back(*a);
    }
  });
  maker.join();
  std::thread reader([&] {
    for (int i = 0; i < 500; ++i) {
      ASSERT_EQ(arrays[static_cast<size_t>(i)]->GetInt64(0), i);
      arrays[static_cast<size_t>(i)].reset();  // freed into this thread's lists
      NumericBuilder<int64_t> b(DataType::Int64());
      ASSERT_TRUE(b.Append(-i).ok());
      Result<ArrayPtr> a = b.Finish();
      ASSERT_TRUE(a.ok());
      ASSERT_EQ((*a)->GetInt64(0), -i);
    }
  });
  reader.join();
}

}  // namespace
}  // namespace tessera
