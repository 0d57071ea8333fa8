// Tests of the page codecs (compression.h): round trips of seeded random and
// compressible data for every codec, the framings other writers produce
// (several gzip members, ZSTD frames without a content size, Hadoop LZ4 with
// several chunks, bare LZ4 blocks under the LZ4 id), size mismatches, and
// every truncation of valid input from an exact-size heap copy; and every
// page of the shared test files (written by other implementations).
#include "tessera/format/parquet/compression.h"

#include <gtest/gtest.h>
#include <lz4.h>
#include <zstd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tessera/format/parquet/metadata.h"
#include "test_seed.h"
#include "testdata.h"

namespace tessera::parquet {
namespace {

constexpr Codec kCodecs[] = {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip,  Codec::kBrotli,
                             Codec::kLz4,          Codec::kZstd,   Codec::kLz4Raw};

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }
int64_t Size(const std::string& s) { return static_cast<int64_t>(s.size()); }

std::string RandomBytes(std::mt19937* rng, size_t n, int alphabet) {
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>((*rng)() % alphabet);
  return out;
}

std::string Compressed(Codec codec, const std::string& data, int level = 3) {
  std::string out;
  const Status st = Compress(codec, U8(data), Size(data), level, &out);
  EXPECT_TRUE(st.ok()) << CodecName(codec) << ": " << st.ToString();
  return out;
}

// Decompresses from an exact-size heap copy so ASan sees any overread.
Status DecompressCopy(Codec codec, const std::string& compressed, int64_t size, std::string* out) {
  const std::vector<uint8_t> in(compressed.begin(), compressed.end());
  std::vector<uint8_t> buf(static_cast<size_t>(size));
  const Status st = Decompress(codec, in.data(), static_cast<int64_t>(in.size()), buf.data(), size);
  out->assign(buf.begin(), buf.end());
  return st;
}

TEST(CompressionTest, RoundTripEveryCodec) {
  const ::tessera::testing::RandomTestParams params(17, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937 rng(params.seed);
  for (Codec codec : kCodecs) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{100}, size_t{70000}, size_t{1} << 20}) {
      for (int alphabet : {2, 256}) {
        const std::string data = RandomBytes(&rng, n, alphabet);
        const std::string compressed = Compressed(codec, data);
        std::string got;
        const Status st = DecompressCopy(codec, compressed, Size(data), &got);
        ASSERT_TRUE(st.ok()) << CodecName(codec) << " n " << n << ": " << st.ToString();
        EXPECT_EQ(got, data) << CodecName(codec) << " n " << n;
        if (alphabet == 2 && n >= 70000 && codec != Codec::kUncompressed) {
          EXPECT_LT(compressed.size(), n * 3 / 4) << CodecName(codec);
        }
      }
    }
  }
}

TEST(CompressionTest, AppendsToExistingOutput) {
  const std::string data(1000, 'x');
  for (Codec codec : kCodecs) {
    std::string out = "head";
    ASSERT_TRUE(Compress(codec, U8(data), Size(data), 1, &out).ok());
    ASSERT_EQ(out.substr(0, 4), "head");
    std::string got;
    ASSERT_TRUE(DecompressCopy(codec, out.substr(4), 1000, &got).ok()) << CodecName(codec);
    EXPECT_EQ(got, data);
  }
}

TEST(CompressionTest, LevelsOutOfRangeAreClamped) {
  const std::string data(5000, 'q');
  for (Codec codec : {Codec::kGzip, Codec::kZstd, Codec::kBrotli}) {
    for (int level : {-100, -1, 0, 1, 9, 100}) {
      const std::string compressed = Compressed(codec, data, level);
      std::string got;
      ASSERT_TRUE(DecompressCopy(codec, compressed, 5000, &got).ok())
          << CodecName(codec) << " level " << level;
      EXPECT_EQ(got, data);
    }
  }
}

TEST(CompressionTest, WrongUncompressedSizeIsCorruption) {
  const ::tessera::testing::RandomTestParams params(1, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937 rng(params.seed);
  const std::string data = RandomBytes(&rng, 4096, 16);
  for (Codec codec : kCodecs) {
    const std::string compressed = Compressed(codec, data);
    for (int64_t size : {int64_t{4095}, int64_t{4097}, int64_t{0}}) {
      std::string got;
      const Status st = DecompressCopy(codec, compressed, size, &got);
      EXPECT_TRUE(st.IsCorruption())
          << CodecName(codec) << " size " << size << ": " << st.ToString();
    }
  }
}

TEST(CompressionTest, EveryTruncationFailsCleanly) {
  const ::tessera::testing::RandomTestParams params(23, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937 rng(params.seed);
  const std::string data = RandomBytes(&rng, 3000, 8) + std::string(3000, 'z');
  for (Codec codec : kCodecs) {
    if (codec == Codec::kUncompressed) continue;
    const std::string compressed = Compressed(codec, data);
    for (size_t len = 0; len < compressed.size(); ++len) {
      std::string got;
      const Status st = DecompressCopy(codec, compressed.substr(0, len), Size(data), &got);
      EXPECT_FALSE(st.ok()) << CodecName(codec) << " prefix " << len;
    }
  }
}

TEST(CompressionTest, GarbageInputFailsCleanly) {
  const ::tessera::testing::RandomTestParams params(29, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937 rng(params.seed);
  for (Codec codec : kCodecs) {
    for (int trial = 0; trial < 50; ++trial) {
      const std::string junk = RandomBytes(&rng, 1 + rng() % 200, 256);
      std::string got;
      const Status st = DecompressCopy(codec, junk, 1000, &got);
      if (!st.ok()) {
        EXPECT_TRUE(st.IsCorruption()) << CodecName(codec) << ": " << st.ToString();
      }
    }
  }
}

TEST(CompressionTest, GzipConcatenatedMembers) {
  const std::string a(10000, 'a'), b = "then something else";
  const std::string both = Compressed(Codec::kGzip, a) + Compressed(Codec::kGzip, b);
  std::string got;
  ASSERT_TRUE(DecompressCopy(Codec::kGzip, both, Size(a + b), &got).ok());
  EXPECT_EQ(got, a + b);
  // Gzip header magic (RFC 1952): 1F 8B, method 8.
  EXPECT_EQ(both.substr(0, 3), std::string("\x1f\x8b\x08", 3));
}

TEST(CompressionTest, ZstdFrameWithoutContentSize) {
  const std::string data(50000, 'k');
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ASSERT_EQ(ZSTD_isError(ZSTD_CCtx_setParameter(ctx, ZSTD_c_contentSizeFlag, 0)), 0u);
  std::string frame(ZSTD_compressBound(data.size()), '\0');
  ZSTD_outBuffer out{frame.data(), frame.size(), 0};
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  ASSERT_EQ(ZSTD_compressStream2(ctx, &out, &in, ZSTD_e_end), 0u);
  ZSTD_freeCCtx(ctx);
  frame.resize(out.pos);
  ASSERT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  std::string got;
  ASSERT_TRUE(DecompressCopy(Codec::kZstd, frame, Size(data), &got).ok());
  EXPECT_EQ(got, data);
  EXPECT_TRUE(DecompressCopy(Codec::kZstd, frame, Size(data) - 1, &got).IsCorruption());
}

std::string BigEndian32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string Lz4Block(const std::string& data) {
  std::string out(static_cast<size_t>(LZ4_compressBound(static_cast<int>(data.size()))), '\0');
  const int n = LZ4_compress_default(data.data(), out.data(), static_cast<int>(data.size()),
                                     static_cast<int>(out.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

TEST(CompressionTest, HadoopLz4Framing) {
  // Two outer blocks; the first split into two inner chunks.
  const std::string p1(3000, 'a'), p2 = "middle chunk", p3(500, 'c');
  const std::string c1 = Lz4Block(p1), c2 = Lz4Block(p2), c3 = Lz4Block(p3);
  const std::string framed = BigEndian32(static_cast<uint32_t>(p1.size() + p2.size())) +
                             BigEndian32(static_cast<uint32_t>(c1.size())) + c1 +
                             BigEndian32(static_cast<uint32_t>(c2.size())) + c2 +
                             BigEndian32(static_cast<uint32_t>(p3.size())) +
                             BigEndian32(static_cast<uint32_t>(c3.size())) + c3;
  const std::string expected = p1 + p2 + p3;
  std::string got;
  ASSERT_TRUE(DecompressCopy(Codec::kLz4, framed, Size(expected), &got).ok());
  EXPECT_EQ(got, expected);
  // Our own writer's form: one block with one chunk.
  const std::string ours = Compressed(Codec::kLz4, expected);
  EXPECT_EQ(ours.substr(0, 4), BigEndian32(static_cast<uint32_t>(expected.size())));
}

TEST(CompressionTest, Lz4FallsBackToRawBlock) {
  const ::tessera::testing::RandomTestParams params(31, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937 rng(params.seed);
  const std::string data = RandomBytes(&rng, 20000, 4);
  std::string got;
  ASSERT_TRUE(DecompressCopy(Codec::kLz4, Lz4Block(data), Size(data), &got).ok());
  EXPECT_EQ(got, data);
}

TEST(CompressionTest, LzoIsUnsupported) {
  std::string out;
  EXPECT_TRUE(Compress(Codec::kLzo, U8("abc"), 3, 0, &out).IsUnsupported());
  uint8_t buf[3];
  EXPECT_TRUE(Decompress(Codec::kLzo, U8("abc"), 3, buf, 3).IsUnsupported());
  EXPECT_TRUE(Decompress(static_cast<Codec>(42), U8("abc"), 3, buf, 3).IsUnsupported());
}

TEST(CompressionTest, HostileSizes) {
  uint8_t buf[4];
  EXPECT_TRUE(Decompress(Codec::kSnappy, U8("abc"), -1, buf, 4).IsCorruption());
  EXPECT_TRUE(Decompress(Codec::kSnappy, U8("abc"), 3, buf, -4).IsCorruption());
  // A snappy preamble announcing 2^31 bytes for a 4-byte page.
  const std::string lying("\x80\x80\x80\x80\x08", 5);
  EXPECT_TRUE(Decompress(Codec::kSnappy, U8(lying), Size(lying), buf, 4).IsCorruption());
}

TEST(CompressionTest, Crc32KnownValues) {
  // The CRC-32 check value of "123456789" (ISO-HDLC / gzip / zlib).
  EXPECT_EQ(Crc32(U8("123456789"), 9), 0xCBF43926u);
  EXPECT_EQ(Crc32(nullptr, 0), 0u);
}

// ---- Pages of files written by other implementations ----

std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Decompresses (and CRC-checks) every page of every column chunk in `file`;
// returns the number of pages, or -1 when the footer is not readable here
// (encrypted files; the footer codec is tested elsewhere).
int64_t DecompressEveryPage(const std::string& name, const std::string& file) {
  const auto* data = reinterpret_cast<const uint8_t*>(file.data());
  if (file.size() < 12 || file.compare(file.size() - 4, 4, "PAR1") != 0) return -1;
  uint32_t footer_len;
  std::memcpy(&footer_len, data + file.size() - 8, 4);
  if (footer_len > file.size() - 12) return -1;
  auto md = DecodeFileMetaData(data + file.size() - 8 - footer_len, footer_len);
  if (!md.ok()) return -1;
  if (name.find("malformed") != std::string::npos) return -1;  // deliberately broken
  const bool corrupt_crc = name.find("corrupt") != std::string::npos;
  int64_t pages = 0;
  for (const RowGroup& rg : md->row_groups) {
    for (const ColumnChunk& cc : rg.columns) {
      if (!cc.meta_data) continue;
      const ColumnMetaData& cm = *cc.meta_data;
      int64_t pos = cm.data_page_offset;
      if (cm.dictionary_page_offset && *cm.dictionary_page_offset > 0 &&
          *cm.dictionary_page_offset < pos) {
        pos = *cm.dictionary_page_offset;
      }
      if (pos < 4) continue;  // offsets some writers leave unset
      const int64_t end = std::min<int64_t>(pos + cm.total_compressed_size, file.size());
      while (pos < end) {
        size_t header_size = 0;
        auto h = DecodePageHeader(data + pos, static_cast<size_t>(end - pos), &header_size);
        if (!h.ok()) {
          ADD_FAILURE() << name << ": page header at " << pos << ": " << h.status().ToString();
          return pages;
        }
        const uint8_t* body = data + pos + header_size;
        const int64_t stored = h->compressed_page_size;
        pos += static_cast<int64_t>(header_size) + stored;
        if (pos > end) {
          ADD_FAILURE() << name << ": page past its chunk";
          return pages;
        }
        if (h->crc && !corrupt_crc) {
          EXPECT_EQ(Crc32(body, stored), static_cast<uint32_t>(*h->crc)) << name;
        }
        // In v2 pages the levels precede the values uncompressed.
        int64_t raw = 0;
        bool compressed = true;
        if (h->data_page_header_v2) {
          raw = h->data_page_header_v2->definition_levels_byte_length +
                h->data_page_header_v2->repetition_levels_byte_length;
          compressed = h->data_page_header_v2->is_compressed;
        }
        const Codec codec = compressed ? cm.codec : Codec::kUncompressed;
        std::vector<uint8_t> out(static_cast<size_t>(h->uncompressed_page_size - raw));
        const std::vector<uint8_t> in(body + raw, body + stored);
        const Status st = Decompress(codec, in.data(), static_cast<int64_t>(in.size()), out.data(),
                                     static_cast<int64_t>(out.size()));
        EXPECT_TRUE(st.ok()) << name << " (" << CodecName(codec) << "): " << st.ToString();
        ++pages;
      }
    }
  }
  return pages;
}

TEST(CompressionTest, EveryPageOfOtherWritersFiles) {
  TESSERA_REQUIRE_TESTDATA("parquet");
  int64_t pages = 0;
  int files = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(tessera::testing::TestDataPath("parquet"))) {
    if (entry.path().extension() != ".parquet") continue;
    const int64_t n =
        DecompressEveryPage(entry.path().filename().string(), ReadWholeFile(entry.path()));
    if (n < 0) continue;
    pages += n;
    ++files;
  }
  // Covers SNAPPY, GZIP (incl. concatenated members), ZSTD, BROTLI, LZ4_RAW,
  // Hadoop LZ4 and bare LZ4 under the LZ4 id.
  EXPECT_GT(files, 20);
  EXPECT_GT(pages, 100);
}

}  // namespace
}  // namespace tessera::parquet
