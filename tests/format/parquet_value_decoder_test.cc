// Unit tests of the page-value decoder on hostile PLAIN byte-array pages.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "tessera/format/parquet/value_decoder.h"

namespace tessera::parquet {
namespace {

void AppendPlainValue(std::string* page, const std::string& v) {
  uint32_t len = static_cast<uint32_t>(v.size());
  page->append(reinterpret_cast<const char*>(&len), 4);
  page->append(v);
}

// The page claims 3 values but holds 2, the second long: the decoder must
// fail as Corruption without writing past what it reserved (found by
// parquet_reader_fuzz; ASan builds catch a regression as an overflow).
TEST(ParquetValueDecoderTest, ShortPlainByteArrayPageWithLongValueFailsCleanly) {
  std::string page;
  AppendPlainValue(&page, "ab");
  AppendPlainValue(&page, std::string(100, 'x'));
  PhysicalValues out;
  ASSERT_TRUE(out.Init(Type::kByteArray, 0).ok());
  std::vector<uint32_t> scratch;
  Status st = DecodeValues(Encoding::kPlain, reinterpret_cast<const uint8_t*>(page.data()),
                           static_cast<int64_t>(page.size()), 3, nullptr, &out, &scratch);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
}

TEST(ParquetValueDecoderTest, PlainByteArrayValuesDecode) {
  std::string page;
  std::vector<std::string> values = {"", "a", std::string(300, 'z'), "tail"};
  for (const auto& v : values) AppendPlainValue(&page, v);
  PhysicalValues out;
  ASSERT_TRUE(out.Init(Type::kByteArray, 0).ok());
  std::vector<uint32_t> scratch;
  ASSERT_TRUE(DecodeValues(Encoding::kPlain, reinterpret_cast<const uint8_t*>(page.data()),
                           static_cast<int64_t>(page.size()), 4, nullptr, &out, &scratch)
                  .ok());
  ASSERT_EQ(out.count(), 4);
  for (int i = 0; i < 4; ++i) {
    int64_t b = out.offsets()[i], e = out.offsets()[i + 1];
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(out.data()) + b, e - b), values[i]);
  }
}

}  // namespace
}  // namespace tessera::parquet
