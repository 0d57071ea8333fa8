// Tests of the Parquet value encodings (encoding.h). Expectations come from
// the examples in the specification (Encodings.md), hand-assembled, and from
// round trips of seeded random data; every decoder is also fed every
// truncation of valid input from an exact-size heap copy, so that a read past
// the end shows up under ASan.
#include "tessera/format/parquet/encoding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tessera/format/parquet/compression.h"
#include "tessera/format/parquet/metadata.h"
#include "test_seed.h"
#include "testdata.h"

namespace tessera::parquet {
namespace {

std::vector<uint8_t> Bytes(std::initializer_list<int> bytes) {
  std::vector<uint8_t> out;
  for (int b : bytes) out.push_back(static_cast<uint8_t>(b));
  return out;
}

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

// Reference unpacker: one bit at a time, LSB-first.
uint64_t BitAt(const std::vector<uint8_t>& data, int64_t bit) {
  return (data[static_cast<size_t>(bit / 8)] >> (bit % 8)) & 1;
}
std::vector<uint64_t> NaiveUnpack(const std::vector<uint8_t>& data, int64_t n, int width) {
  std::vector<uint64_t> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    for (int b = 0; b < width; ++b) out[i] |= BitAt(data, i * width + b) << b;
  }
  return out;
}

uint64_t Mask(int width) { return width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1; }

std::vector<uint32_t> DecodeRle(const std::vector<uint8_t>& data, int bit_width, int64_t n,
                                Status* status) {
  std::vector<uint32_t> out(static_cast<size_t>(n));
  RleBitPackedDecoder decoder(data.data(), static_cast<int64_t>(data.size()), bit_width);
  *status = decoder.GetBatch(out.data(), n);
  return out;
}

// ---- ULEB128, bit widths ----

TEST(EncodingTest, BitWidth) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(2), 2);
  EXPECT_EQ(BitWidth(7), 3);
  EXPECT_EQ(BitWidth(8), 4);
  EXPECT_EQ(BitWidth(~uint64_t{0}), 64);
}

TEST(EncodingTest, Uleb128RoundTripAndLimits) {
  for (uint64_t v :
       {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{300}, ~uint64_t{0}}) {
    std::string s;
    AppendUleb128(v, &s);
    const uint8_t* p = reinterpret_cast<const uint8_t*>(s.data());
    uint64_t got = 0;
    ASSERT_TRUE(ReadUleb128(&p, p + s.size(), &got));
    EXPECT_EQ(got, v);
  }
  std::string s;
  AppendUleb128(300, &s);
  EXPECT_EQ(Bytes(s), Bytes({0xAC, 0x02}));
  // Overlong: 11 continuation bytes, and a 10th byte carrying bits past 64.
  const auto overlong = Bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01});
  const auto too_big = Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02});
  const auto truncated = Bytes({0x80, 0x80});
  for (const auto* bad : {&overlong, &too_big, &truncated}) {
    const uint8_t* p = bad->data();
    uint64_t got;
    EXPECT_FALSE(ReadUleb128(&p, bad->data() + bad->size(), &got));
  }
}

// ---- Bit unpacking ----

TEST(EncodingTest, UnpackBitsSpecExample) {
  // Encodings.md, RLE/bit-packing hybrid: 0..7 at width 3 packs to
  // 10001000 11000110 11111010.
  const auto packed = Bytes({0x88, 0xC6, 0xFA});
  uint32_t out[8];
  UnpackBits(packed.data(), 8, 3, out);
  for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(out[i], i);
  std::string repacked;
  const uint64_t values[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  PackBits(values, 8, 3, &repacked);
  EXPECT_EQ(Bytes(repacked), packed);
}

TEST(EncodingTest, UnpackBitsEveryWidthMatchesReference) {
  const ::tessera::testing::RandomTestParams params(42, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  for (int width = 0; width <= 64; ++width) {
    for (int64_t n : {0, 1, 7, 8, 9, 31, 64, 65, 1000}) {
      std::vector<uint64_t> values(static_cast<size_t>(n));
      for (auto& v : values) v = rng() & Mask(width);
      std::string packed;
      PackBits(values.data(), n, width, &packed);
      ASSERT_EQ(static_cast<int64_t>(packed.size()), (n * width + 7) / 8);
      const std::vector<uint8_t> exact = Bytes(packed);  // exact size for ASan
      ASSERT_EQ(NaiveUnpack(exact, n, width), values) << "width " << width << " n " << n;
      std::vector<uint64_t> got64(static_cast<size_t>(n));
      UnpackBits64(exact.data(), n, width, got64.data());
      EXPECT_EQ(got64, values) << "width " << width << " n " << n;
      if (width <= 32) {
        std::vector<uint32_t> got32(static_cast<size_t>(n));
        UnpackBits(exact.data(), n, width, got32.data());
        EXPECT_EQ(std::vector<uint64_t>(got32.begin(), got32.end()), values)
            << "width " << width << " n " << n;
      }
    }
  }
}

// ---- RLE / bit-packing hybrid ----

TEST(RleTest, SpecBitPackedRun) {
  // One bit-packed group: header (1 << 1) | 1, then the spec's 3 bytes.
  Status st;
  const auto out = DecodeRle(Bytes({0x03, 0x88, 0xC6, 0xFA}), 3, 8, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(RleTest, RleRunThenBitPackedRun) {
  // 100 x 5 at width 3 (header 200 = C8 01, value in one byte), then 0..7.
  Status st;
  const auto out = DecodeRle(Bytes({0xC8, 0x01, 0x05, 0x03, 0x88, 0xC6, 0xFA}), 3, 108, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  for (int i = 0; i < 100; ++i) ASSERT_EQ(out[i], 5u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(out[100 + i], static_cast<uint32_t>(i));
}

TEST(RleTest, WideRleValueIsLittleEndian) {
  // Width 20 stores the run value in 3 bytes.
  Status st;
  const auto out = DecodeRle(Bytes({0x06, 0x56, 0x34, 0x02}), 20, 3, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, (std::vector<uint32_t>{0x23456, 0x23456, 0x23456}));
}

TEST(RleTest, BitWidthZeroYieldsZeros) {
  Status st;
  // A bit-packed run of 2 groups at width 0 has no bytes; then an RLE run.
  const auto out = DecodeRle(Bytes({0x05, 0x08}), 0, 20, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, std::vector<uint32_t>(20, 0));
}

TEST(RleTest, BatchesAcrossRunsAndGroups) {
  const ::tessera::testing::RandomTestParams params(7, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937 rng(params.seed);
  std::vector<uint32_t> values(5000);
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = (i / 100) % 2 == 0 ? static_cast<uint32_t>(rng() % 13) : 9u;
  }
  std::string enc;
  EncodeRleBitPacked(values.data(), static_cast<int64_t>(values.size()), 4, &enc);
  const auto data = Bytes(enc);
  RleBitPackedDecoder decoder(data.data(), static_cast<int64_t>(data.size()), 4);
  std::vector<uint32_t> got(values.size());
  int64_t done = 0;
  for (int64_t step = 1; done < static_cast<int64_t>(values.size()); step = step % 37 + 3) {
    const int64_t k = std::min<int64_t>(step, static_cast<int64_t>(values.size()) - done);
    ASSERT_TRUE(decoder.GetBatch(got.data() + done, k).ok());
    done += k;
  }
  EXPECT_EQ(got, values);
}

TEST(RleTest, EncoderUsesRleRunsForRepeats) {
  const std::vector<uint32_t> values(1000, 3);
  std::string enc;
  EncodeRleBitPacked(values.data(), 1000, 2, &enc);
  EXPECT_EQ(Bytes(enc), Bytes({0xD0, 0x0F, 0x03}));  // 1000 << 1 = 2000 = D0 0F
}

TEST(RleTest, RoundTripRandomEveryWidth) {
  const ::tessera::testing::RandomTestParams params(1234, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  for (int width = 0; width <= 32; ++width) {
    for (int64_t n : {0, 1, 8, 13, 100, 4097}) {
      std::vector<uint32_t> values(static_cast<size_t>(n));
      for (size_t i = 0; i < values.size(); ++i) {
        // Mix of random stretches and repeats of random length.
        values[i] =
            (rng() % 4 == 0 && i > 0) ? values[i - 1] : static_cast<uint32_t>(rng() & Mask(width));
      }
      std::string enc;
      EncodeRleBitPacked(values.data(), n, width, &enc);
      Status st;
      const auto got = DecodeRle(Bytes(enc), width, n, &st);
      ASSERT_TRUE(st.ok()) << st.ToString() << " width " << width << " n " << n;
      EXPECT_EQ(got, values) << "width " << width << " n " << n;
    }
  }
}

TEST(RleTest, EveryTruncationFailsCleanly) {
  const ::tessera::testing::RandomTestParams params(99, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937 rng(params.seed);
  std::vector<uint32_t> values(300);
  for (size_t i = 0; i < values.size(); ++i) values[i] = i % 50 < 20 ? 6 : rng() % 1000;
  std::string enc;
  EncodeRleBitPacked(values.data(), 300, 10, &enc);
  for (size_t len = 0; len < enc.size(); ++len) {
    Status st;
    DecodeRle(Bytes(enc.substr(0, len)), 10, 300, &st);
    EXPECT_TRUE(st.IsCorruption()) << "prefix " << len << ": " << st.ToString();
  }
}

TEST(RleTest, HostileRunHeaders) {
  Status st;
  // A bit-packed run of 2^40 groups at width 8 with 2 bytes behind it.
  std::string huge;
  AppendUleb128((uint64_t{1} << 41) | 1, &huge);
  huge += "ab";
  DecodeRle(Bytes(huge), 8, 4, &st);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  // A bit-packed run of 3 groups at width 5 (15 bytes) with 14 bytes.
  std::string short_run = "\x07" + std::string(14, '\x11');
  DecodeRle(Bytes(short_run), 5, 8, &st);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  // An RLE run count beyond any page.
  std::string rle;
  AppendUleb128(uint64_t{1} << 62, &rle);
  rle += '\x01';
  DecodeRle(Bytes(rle), 1, 4, &st);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  // A header whose ULEB128 never ends.
  DecodeRle(std::vector<uint8_t>(12, 0xFF), 1, 4, &st);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  // Zero-length runs forever, then the data ends.
  DecodeRle(std::vector<uint8_t>(64, 0x00), 1, 4, &st);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  // Bit width outside 0..32.
  DecodeRle(Bytes({0x02, 0x01}), 33, 1, &st);
  EXPECT_FALSE(st.ok());
}

// ---- DELTA_BINARY_PACKED ----

std::vector<int64_t> DecodeDelta(const std::vector<uint8_t>& data, int64_t n, Status* status,
                                 int64_t* consumed = nullptr) {
  std::vector<int64_t> out(static_cast<size_t>(n));
  int64_t used = -1;
  *status =
      DecodeDeltaBinaryPacked(data.data(), static_cast<int64_t>(data.size()), n, out.data(), &used);
  if (consumed != nullptr) *consumed = used;
  return out;
}

TEST(DeltaTest, SpecExample1) {
  // header 8, 1, 5, zigzag(1) = 2; block: zigzag(1) = 2, width 0.
  Status st;
  int64_t consumed = 0;
  const auto out = DecodeDelta(Bytes({0x08, 0x01, 0x05, 0x02, 0x02, 0x00}), 5, &st, &consumed);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(consumed, 6);
}

TEST(DeltaTest, SpecExample2) {
  // header 8, 1, 8, zigzag(7) = 14; block: zigzag(-2) = 3, width 2, then
  // 0,0,0,3 | 3,3,3,(pad 0) at 2 bits LSB-first = C0 3F.
  Status st;
  int64_t consumed = 0;
  const auto out =
      DecodeDelta(Bytes({0x08, 0x01, 0x08, 0x0E, 0x03, 0x02, 0xC0, 0x3F}), 8, &st, &consumed);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, (std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}));
  EXPECT_EQ(consumed, 8);
}

TEST(DeltaTest, SingleValueHasNoBlock) {
  Status st;
  int64_t consumed = 0;
  const auto out = DecodeDelta(Bytes({0x80, 0x01, 0x04, 0x01, 0x7F, 0xEE}), 1, &st, &consumed);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, (std::vector<int64_t>{-64}));
  EXPECT_EQ(consumed, 5);
}

TEST(DeltaTest, WrapsModulo2To64) {
  const std::vector<int64_t> values = {std::numeric_limits<int64_t>::max(),
                                       std::numeric_limits<int64_t>::min(),
                                       0,
                                       std::numeric_limits<int64_t>::min(),
                                       std::numeric_limits<int64_t>::max(),
                                       -1,
                                       1};
  std::string enc;
  EncodeDeltaBinaryPacked(values.data(), static_cast<int64_t>(values.size()), &enc);
  Status st;
  int64_t consumed = 0;
  const auto out = DecodeDelta(Bytes(enc), static_cast<int64_t>(values.size()), &st, &consumed);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, values);
  EXPECT_EQ(consumed, static_cast<int64_t>(enc.size()));
}

TEST(DeltaTest, RoundTripRandomWithTrailingBytes) {
  const ::tessera::testing::RandomTestParams params(2024, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  for (int64_t n : {0, 1, 2, 31, 32, 33, 127, 128, 129, 1000, 10000}) {
    for (int spread : {0, 3, 20, 40, 63}) {
      std::vector<int64_t> values(static_cast<size_t>(n));
      // Steps of up to 2^spread around zero; sums wrap (in unsigned math).
      uint64_t v = rng();
      for (auto& x : values) {
        x = static_cast<int64_t>(v);
        v += (rng() >> (63 - spread)) - (uint64_t{1} << std::max(0, spread - 1));
      }
      std::string enc;
      EncodeDeltaBinaryPacked(values.data(), n, &enc);
      const size_t size = enc.size();
      enc += "trailing";
      Status st;
      int64_t consumed = 0;
      const auto out = DecodeDelta(Bytes(enc), n, &st, &consumed);
      ASSERT_TRUE(st.ok()) << st.ToString() << " n " << n;
      EXPECT_EQ(out, values) << "n " << n << " spread " << spread;
      EXPECT_EQ(consumed, static_cast<int64_t>(size));
    }
  }
}

TEST(DeltaTest, StreamingBatches) {
  std::vector<int64_t> values(3000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int64_t>(i * i % 977) - 400;
  std::string enc;
  EncodeDeltaBinaryPacked(values.data(), 3000, &enc);
  const auto data = Bytes(enc);
  DeltaBinaryPackedDecoder decoder;
  ASSERT_TRUE(decoder.Init(data.data(), static_cast<int64_t>(data.size())).ok());
  EXPECT_EQ(decoder.total_values(), 3000);
  std::vector<int64_t> got(3000);
  int64_t done = 0;
  for (int64_t step = 1; done < 3000; step = step * 3 % 101 + 1) {
    const int64_t k = std::min<int64_t>(step, 3000 - done);
    ASSERT_TRUE(decoder.GetBatch(got.data() + done, k).ok());
    done += k;
  }
  EXPECT_EQ(got, values);
  int64_t extra;
  EXPECT_TRUE(decoder.GetBatch(&extra, 1).IsCorruption());
  int64_t consumed = 0;
  ASSERT_TRUE(decoder.SkipToEnd(&consumed).ok());
  EXPECT_EQ(consumed, static_cast<int64_t>(enc.size()));
}

TEST(DeltaTest, SkipToEndWithoutDecoding) {
  std::vector<int64_t> values(700, 5);
  values[300] = 1 << 20;
  std::string enc;
  EncodeDeltaBinaryPacked(values.data(), 700, &enc);
  const auto data = Bytes(enc + "xyz");
  DeltaBinaryPackedDecoder decoder;
  ASSERT_TRUE(decoder.Init(data.data(), static_cast<int64_t>(data.size())).ok());
  int64_t consumed = 0;
  ASSERT_TRUE(decoder.SkipToEnd(&consumed).ok());
  EXPECT_EQ(consumed, static_cast<int64_t>(enc.size()));
}

TEST(DeltaTest, UnusedMiniblockWidthsAreIgnored) {
  // Block of 16 values in 2 miniblocks of 8; only the first is needed, the
  // second's width byte is garbage (the spec says readers accept that).
  Status st;
  const auto out = DecodeDelta(Bytes({0x10, 0x02, 0x03, 0x00, 0x02, 0x00, 0xFF}), 3, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out, (std::vector<int64_t>{0, 1, 2}));
}

TEST(DeltaTest, EveryTruncationFailsCleanly) {
  std::vector<int64_t> values(300);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int64_t>(i * 7919 % 1013);
  std::string enc;
  EncodeDeltaBinaryPacked(values.data(), 300, &enc);
  for (size_t len = 0; len < enc.size(); ++len) {
    Status st;
    const auto out = DecodeDelta(Bytes(enc.substr(0, len)), 300, &st);
    // A last miniblock cut inside its padding still holds every value.
    if (st.ok()) {
      EXPECT_EQ(out, values) << "prefix " << len;
    } else {
      EXPECT_TRUE(st.IsCorruption()) << "prefix " << len << ": " << st.ToString();
    }
  }
}

TEST(DeltaTest, HostileHeaders) {
  Status st;
  // Block size 0, block size not a multiple of the miniblock count, miniblock
  // of 4 values, miniblock count 0.
  for (const auto& bad : {Bytes({0x00, 0x01, 0x02, 0x00}), Bytes({0x08, 0x03, 0x02, 0x00}),
                          Bytes({0x08, 0x02, 0x02, 0x00}), Bytes({0x08, 0x00, 0x02, 0x00})}) {
    DecodeDelta(bad, 2, &st);
    EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  }
  // More values requested than the header holds.
  DecodeDelta(Bytes({0x08, 0x01, 0x01, 0x00}), 2, &st);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  // A miniblock bit width of 65.
  DecodeDelta(Bytes({0x08, 0x01, 0x02, 0x00, 0x00, 0x41}), 2, &st);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  // A billion values claimed by a 6-byte stream: fails, allocates nothing.
  std::string huge;
  AppendUleb128(128, &huge);
  AppendUleb128(4, &huge);
  AppendUleb128(1'000'000'000, &huge);
  AppendUleb128(0, &huge);
  DeltaBinaryPackedDecoder decoder;
  const auto data = Bytes(huge);
  ASSERT_TRUE(decoder.Init(data.data(), static_cast<int64_t>(data.size())).ok());
  int64_t consumed;
  EXPECT_TRUE(decoder.SkipToEnd(&consumed).IsCorruption());
}

// ---- DELTA_LENGTH_BYTE_ARRAY / DELTA_BYTE_ARRAY ----

std::vector<std::string> Values(const ByteArrays& arrays) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < arrays.offsets.size(); ++i) {
    out.push_back(
        arrays.data.substr(static_cast<size_t>(arrays.offsets[i]),
                           static_cast<size_t>(arrays.offsets[i + 1] - arrays.offsets[i])));
  }
  return out;
}

TEST(DeltaTest, LengthByteArraySpecExample) {
  // DeltaEncoding(5, 5, 6, 6) with block 8: header 8 1 4 zigzag(5)=10, block
  // min delta 0, width 1, deltas 0 1 0 -> 0x02; then the bytes.
  auto data = Bytes({0x08, 0x01, 0x04, 0x0A, 0x00, 0x01, 0x02});
  const std::string text = "HelloWorldFoobarABCDEF";
  data.insert(data.end(), text.begin(), text.end());
  ByteArrays out;
  ASSERT_TRUE(
      DecodeDeltaLengthByteArray(data.data(), static_cast<int64_t>(data.size()), 4, &out).ok());
  EXPECT_EQ(Values(out), (std::vector<std::string>{"Hello", "World", "Foobar", "ABCDEF"}));
}

TEST(DeltaTest, ByteArraySpecExample) {
  // Prefixes (0, 2, 0, 3): header 8 1 4 0, min delta -2 (3), width 3, relative
  // 4 0 5 -> 44 01 00. Suffix lengths (4, 2, 6, 5): header 8 1 4 8, min delta
  // -2 (3), width 3, relative 0 6 1 -> 70 00 00. Then the suffix bytes.
  auto data = Bytes({0x08, 0x01, 0x04, 0x00, 0x03, 0x03, 0x44, 0x01, 0x00,  //
                     0x08, 0x01, 0x04, 0x08, 0x03, 0x03, 0x70, 0x00, 0x00});
  const std::string text = "axislebabbleyhood";
  data.insert(data.end(), text.begin(), text.end());
  ByteArrays out;
  ASSERT_TRUE(DecodeDeltaByteArray(data.data(), static_cast<int64_t>(data.size()), 4, &out).ok());
  EXPECT_EQ(Values(out), (std::vector<std::string>{"axis", "axle", "babble", "babyhood"}));
}

std::vector<std::string> RandomStrings(std::mt19937* rng, int n) {
  std::vector<std::string> out;
  std::string prev;
  for (int i = 0; i < n; ++i) {
    std::string s = prev.substr(0, (*rng)() % (prev.size() + 1));
    const int extra = static_cast<int>((*rng)() % 12);
    for (int k = 0; k < extra; ++k) s.push_back(static_cast<char>('a' + (*rng)() % 26));
    out.push_back(s);
    prev = s;
  }
  return out;
}

TEST(DeltaTest, ByteArrayRoundTripsAndAppends) {
  const ::tessera::testing::RandomTestParams params(5, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937 rng(params.seed);
  for (int n : {0, 1, 2, 50, 1000}) {
    const auto strings = RandomStrings(&rng, n);
    const std::vector<std::string_view> views(strings.begin(), strings.end());
    std::string dlba, dba;
    EncodeDeltaLengthByteArray(views.data(), n, &dlba);
    EncodeDeltaByteArray(views.data(), n, &dba);
    ByteArrays a, b;
    b.offsets = {0, 3};
    b.data = "pre";
    const auto d1 = Bytes(dlba), d2 = Bytes(dba);
    ASSERT_TRUE(DecodeDeltaLengthByteArray(d1.data(), static_cast<int64_t>(d1.size()), n, &a).ok());
    ASSERT_TRUE(DecodeDeltaByteArray(d2.data(), static_cast<int64_t>(d2.size()), n, &b).ok());
    EXPECT_EQ(Values(a), strings);
    auto with_pre = strings;
    with_pre.insert(with_pre.begin(), "pre");
    EXPECT_EQ(Values(b), with_pre);
  }
}

TEST(DeltaTest, ByteArrayEveryTruncationFailsCleanly) {
  const ::tessera::testing::RandomTestParams params(11, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937 rng(params.seed);
  const auto strings = RandomStrings(&rng, 200);
  const std::vector<std::string_view> views(strings.begin(), strings.end());
  std::string dlba, dba;
  EncodeDeltaLengthByteArray(views.data(), 200, &dlba);
  EncodeDeltaByteArray(views.data(), 200, &dba);
  for (const std::string* enc : {&dlba, &dba}) {
    for (size_t len = 0; len < enc->size(); ++len) {
      const auto data = Bytes(enc->substr(0, len));
      ByteArrays out;
      const Status st =
          enc == &dlba
              ? DecodeDeltaLengthByteArray(data.data(), static_cast<int64_t>(len), 200, &out)
              : DecodeDeltaByteArray(data.data(), static_cast<int64_t>(len), 200, &out);
      EXPECT_TRUE(st.IsCorruption()) << "prefix " << len << ": " << st.ToString();
    }
  }
}

TEST(DeltaTest, ByteArrayHostileLengths) {
  ByteArrays out;
  // A negative length.
  const int64_t lengths[] = {3, -1};
  std::string enc;
  EncodeDeltaBinaryPacked(lengths, 2, &enc);
  enc += "abcdef";
  auto data = Bytes(enc);
  EXPECT_TRUE(DecodeDeltaLengthByteArray(data.data(), static_cast<int64_t>(data.size()), 2, &out)
                  .IsCorruption());
  // Lengths summing past the data.
  const int64_t long_lengths[] = {3, 4};
  enc.clear();
  EncodeDeltaBinaryPacked(long_lengths, 2, &enc);
  enc += "abcdef";
  data = Bytes(enc);
  EXPECT_TRUE(DecodeDeltaLengthByteArray(data.data(), static_cast<int64_t>(data.size()), 2, &out)
                  .IsCorruption());
  // A prefix longer than the previous value.
  const int64_t prefixes[] = {0, 4};
  const std::string_view suffixes[] = {"abc", "d"};
  enc.clear();
  EncodeDeltaBinaryPacked(prefixes, 2, &enc);
  EncodeDeltaLengthByteArray(suffixes, 2, &enc);
  data = Bytes(enc);
  EXPECT_TRUE(
      DecodeDeltaByteArray(data.data(), static_cast<int64_t>(data.size()), 2, &out).IsCorruption());
  // The first value may not have a prefix at all.
  const int64_t first_prefix[] = {1, 0};
  enc.clear();
  EncodeDeltaBinaryPacked(first_prefix, 2, &enc);
  EncodeDeltaLengthByteArray(suffixes, 2, &enc);
  data = Bytes(enc);
  EXPECT_TRUE(
      DecodeDeltaByteArray(data.data(), static_cast<int64_t>(data.size()), 2, &out).IsCorruption());
}

// ---- BYTE_STREAM_SPLIT ----

TEST(EncodingTest, ByteStreamSplitSpecExample) {
  const auto encoded =
      Bytes({0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4, 0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6});
  const auto plain =
      Bytes({0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11, 0x22, 0x33, 0xA3, 0xB4, 0xC5, 0xD6});
  std::vector<uint8_t> out(12);
  ASSERT_TRUE(DecodeByteStreamSplit(encoded.data(), 12, 3, 4, out.data()).ok());
  EXPECT_EQ(out, plain);
  std::string enc;
  EncodeByteStreamSplit(plain.data(), 3, 4, &enc);
  EXPECT_EQ(Bytes(enc), encoded);
}

TEST(EncodingTest, ByteStreamSplitRoundTripAndBounds) {
  const ::tessera::testing::RandomTestParams params(3, 1);
  SCOPED_TRACE(params.Trace());
  std::mt19937 rng(params.seed);
  for (int width : {1, 2, 3, 4, 8, 16}) {
    std::vector<uint8_t> plain(static_cast<size_t>(width) * 257);
    for (auto& b : plain) b = static_cast<uint8_t>(rng());
    std::string enc;
    EncodeByteStreamSplit(plain.data(), 257, width, &enc);
    const auto data = Bytes(enc);
    std::vector<uint8_t> out(plain.size());
    ASSERT_TRUE(DecodeByteStreamSplit(data.data(), static_cast<int64_t>(data.size()), 257, width,
                                      out.data())
                    .ok());
    EXPECT_EQ(out, plain);
    EXPECT_TRUE(DecodeByteStreamSplit(data.data(), static_cast<int64_t>(data.size()), 258, width,
                                      out.data())
                    .IsCorruption());
    if (width > 1) {
      EXPECT_TRUE(DecodeByteStreamSplit(data.data(), static_cast<int64_t>(data.size()) - 1, 256,
                                        width, out.data())
                      .IsCorruption());
    }
  }
}

// ---- DELTA_BINARY_PACKED pages of parquet-testing ----

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Column `col` of a CSV of integers with a header line.
std::vector<int64_t> CsvColumn(const std::string& csv, size_t col) {
  std::vector<int64_t> out;
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string field;
    for (size_t i = 0; i <= col && std::getline(fields, field, ','); ++i) {
    }
    out.push_back(std::stoll(field));
  }
  return out;
}

// Decodes the DELTA_BINARY_PACKED v1 data pages of one flat column chunk
// without nulls.
std::vector<int64_t> DecodeChunk(const std::string& file, const ColumnMetaData& cm, bool optional) {
  const auto* data = reinterpret_cast<const uint8_t*>(file.data());
  std::vector<int64_t> values;
  int64_t pos = cm.data_page_offset;
  const int64_t end = pos + cm.total_compressed_size;
  while (pos < end) {
    size_t header_size = 0;
    auto h = DecodePageHeader(data + pos, static_cast<size_t>(end - pos), &header_size);
    if (!h.ok()) {
      ADD_FAILURE() << h.status().ToString();
      break;
    }
    const uint8_t* body = data + pos + header_size;
    pos += static_cast<int64_t>(header_size) + h->compressed_page_size;
    if (h->data_page_header_v2) {  // levels uncompressed, then the values
      const DataPageHeaderV2& v2 = *h->data_page_header_v2;
      EXPECT_EQ(v2.encoding, Encoding::kDeltaBinaryPacked);
      const int64_t levels = v2.definition_levels_byte_length + v2.repetition_levels_byte_length;
      std::vector<uint8_t> page(static_cast<size_t>(h->uncompressed_page_size - levels));
      EXPECT_TRUE(Decompress(v2.is_compressed ? cm.codec : Codec::kUncompressed, body + levels,
                             h->compressed_page_size - levels, page.data(),
                             static_cast<int64_t>(page.size()))
                      .ok());
      const int64_t n = v2.num_values - v2.num_nulls;
      std::vector<int64_t> got(static_cast<size_t>(n));
      int64_t consumed = 0;
      const Status st = DecodeDeltaBinaryPacked(page.data(), static_cast<int64_t>(page.size()), n,
                                                got.data(), &consumed);
      EXPECT_TRUE(st.ok()) << st.ToString();
      EXPECT_EQ(consumed, static_cast<int64_t>(page.size()));
      values.insert(values.end(), got.begin(), got.end());
      continue;
    }
    if (!h->data_page_header) continue;
    EXPECT_EQ(h->data_page_header->encoding, Encoding::kDeltaBinaryPacked);
    std::vector<uint8_t> page(static_cast<size_t>(h->uncompressed_page_size));
    EXPECT_TRUE(Decompress(cm.codec, body, h->compressed_page_size, page.data(),
                           static_cast<int64_t>(page.size()))
                    .ok());
    int64_t n = h->data_page_header->num_values;
    const uint8_t* values_at = page.data();
    if (optional) {  // v1: 4-byte length, then RLE definition levels (width 1)
      uint32_t levels_len;
      std::memcpy(&levels_len, page.data(), 4);
      std::vector<uint32_t> levels(static_cast<size_t>(n));
      RleBitPackedDecoder levels_decoder(page.data() + 4, levels_len, 1);
      EXPECT_TRUE(levels_decoder.GetBatch(levels.data(), n).ok());
      n = std::count(levels.begin(), levels.end(), 1u);
      values_at += 4 + levels_len;
    }
    const int64_t size = page.data() + page.size() - values_at;
    std::vector<int64_t> got(static_cast<size_t>(n));
    int64_t consumed = 0;
    const Status st = DecodeDeltaBinaryPacked(values_at, size, n, got.data(), &consumed);
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(consumed, size);
    values.insert(values.end(), got.begin(), got.end());
  }
  return values;
}

TEST(DeltaTest, ParquetTestingDeltaBinaryPackedFile) {
  TESSERA_REQUIRE_TESTDATA("parquet/parquet-testing/delta_binary_packed.parquet");
  const std::string file = ReadWholeFile(
      tessera::testing::TestDataPath("parquet/parquet-testing/delta_binary_packed.parquet"));
  const std::string csv = ReadWholeFile(
      tessera::testing::TestDataPath("parquet/parquet-testing/delta_binary_packed_expect.csv"));
  uint32_t footer_len;
  std::memcpy(&footer_len, file.data() + file.size() - 8, 4);
  auto md = DecodeFileMetaData(
      reinterpret_cast<const uint8_t*>(file.data()) + file.size() - 8 - footer_len, footer_len);
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  int checked = 0;
  for (size_t col = 0; col + 1 < md->schema.size(); ++col) {
    const bool optional = md->schema[col + 1].repetition == Repetition::kOptional;
    std::vector<int64_t> values;
    for (const RowGroup& rg : md->row_groups) {
      const auto got = DecodeChunk(file, *rg.columns[col].meta_data, optional);
      values.insert(values.end(), got.begin(), got.end());
    }
    std::vector<int64_t> expected = CsvColumn(csv, col);
    if (md->schema[col + 1].type == Type::kInt32) {
      for (auto& v : values) v = static_cast<int32_t>(v);
    }
    EXPECT_EQ(values, expected) << md->schema[col + 1].name;
    ++checked;
  }
  EXPECT_GT(checked, 60);
}

}  // namespace
}  // namespace tessera::parquet
