// Buffer::Share: the BufferPtr it makes behaves as one made from the
// unique_ptr (same bytes, shared ownership, weak pointers), for inline and
// separately allocated buffers. Run under the sanitizer build, a wrong free
// of the shared block shows as an error here.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "tessera/core/buffer.h"

namespace tessera {
namespace {

std::unique_ptr<Buffer> Filled(int64_t size, uint8_t byte) {
  auto r = Buffer::Allocate(size);
  EXPECT_TRUE(r.ok());
  std::unique_ptr<Buffer> b = r.MoveValueUnsafe();
  std::memset(b->mutable_data(), byte, static_cast<size_t>(size));
  return b;
}

TEST(BufferShare, NullStaysNull) { EXPECT_EQ(Buffer::Share(nullptr), nullptr); }

TEST(BufferShare, SharesBytesOfInlineAndSeparateBuffers) {
  for (int64_t size :
       {int64_t{0}, int64_t{1}, Buffer::kInlineBytes, Buffer::kInlineBytes + 1, int64_t{1} << 20}) {
    SCOPED_TRACE(size);
    BufferPtr a = Buffer::Share(Filled(size, 0xAB));
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->size(), size);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a->data()) % 16, 0u);
    BufferPtr copy = a;
    EXPECT_EQ(a.use_count(), 2);
    a.reset();
    for (int64_t i = 0; i < size; ++i) ASSERT_EQ(copy->data()[i], 0xAB) << i;
  }
}

TEST(BufferShare, WeakPointerOutlivesTheBuffer) {
  std::weak_ptr<const Buffer> weak;
  {
    BufferPtr a = Buffer::Share(Filled(100, 1));
    weak = a;
    EXPECT_FALSE(weak.expired());
  }
  EXPECT_TRUE(weak.expired());
  EXPECT_EQ(weak.lock(), nullptr);
}

TEST(BufferShare, ResizedBufferSharesItsNewBytes) {
  std::unique_ptr<Buffer> b = Filled(16, 7);
  ASSERT_TRUE(b->Resize(Buffer::kInlineBytes * 2).ok());  // moves to a separate allocation
  BufferPtr a = Buffer::Share(std::move(b));
  EXPECT_EQ(a->size(), Buffer::kInlineBytes * 2);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(a->data()[i], 7);
}

}  // namespace
}  // namespace tessera
