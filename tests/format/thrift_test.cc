// Tests of the Thrift compact-protocol codec against byte sequences written
// by hand from the specification (apache/thrift
// doc/specs/thrift-compact-protocol.md), not produced by the writer under test.
#include "tessera/format/parquet/thrift.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::parquet::thrift {
namespace {

using Bytes = std::vector<uint8_t>;

std::string Str(const Bytes& b) { return std::string(b.begin(), b.end()); }

TEST(ThriftReader, VarintExampleFromSpec) {
  // The spec encodes 50399 as DF 89 03; as a zigzag i32 that is -25200.
  Bytes b = {0xdf, 0x89, 0x03};
  CompactReader r(b.data(), b.size());
  auto v = r.ReadI32();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, -25200);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ThriftReader, ZigZagSmallValues) {
  // 0, -1, 1, -2, 2 are sent as 0, 1, 2, 3, 4.
  Bytes b = {0, 1, 2, 3, 4};
  CompactReader r(b.data(), b.size());
  for (int64_t expected : {0, -1, 1, -2, 2}) {
    auto v = r.ReadI64();
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, expected);
  }
}

TEST(ThriftReader, Int64Extremes) {
  // INT64_MIN zigzags to 2^64-1: ten bytes, nine 0xFF then 0x01.
  Bytes min = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  CompactReader r(min.data(), min.size());
  auto v = r.ReadI64();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, INT64_MIN);
  // INT32_MAX zigzags to 2^32-2: FE FF FF FF 0F.
  Bytes max32 = {0xfe, 0xff, 0xff, 0xff, 0x0f};
  CompactReader r32(max32.data(), max32.size());
  auto v32 = r32.ReadI32();
  ASSERT_TRUE(v32.ok());
  EXPECT_EQ(*v32, INT32_MAX);
}

TEST(ThriftReader, VarintOverflowsAreCorruption) {
  Bytes too_long = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  CompactReader r(too_long.data(), too_long.size());
  EXPECT_TRUE(r.ReadI64().status().IsCorruption());
  Bytes wide32 = {0xff, 0xff, 0xff, 0xff, 0x1f};  // 35 bits
  CompactReader r32(wide32.data(), wide32.size());
  EXPECT_TRUE(r32.ReadI32().status().IsCorruption());
  Bytes ten_bits64 = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  CompactReader r64(ten_bits64.data(), ten_bits64.size());
  EXPECT_TRUE(r64.ReadI64().status().IsCorruption());
  Bytes i16 = {0xc0, 0xf1, 0x04};  // zigzag 80000 = 40000, outside int16
  CompactReader r16(i16.data(), i16.size());
  EXPECT_TRUE(r16.ReadI16().status().IsCorruption());
}

TEST(ThriftReader, ShortFormFieldHeaders) {
  // struct { 1: i32 5, 2: bool true, 3: bool false, 5: i64 -1 } then stop.
  Bytes b = {0x15, 0x0a, 0x11, 0x12, 0x26, 0x01, 0x00};
  CompactReader r(b.data(), b.size());
  ASSERT_TRUE(r.BeginStruct().ok());
  auto f1 = r.ReadFieldHeader();
  ASSERT_TRUE(f1.ok());
  EXPECT_EQ(f1->id, 1);
  EXPECT_EQ(f1->type, CType::kI32);
  EXPECT_EQ(*r.ReadI32(), 5);
  auto f2 = r.ReadFieldHeader();
  EXPECT_EQ(f2->id, 2);
  EXPECT_TRUE(f2->is_bool());
  EXPECT_TRUE(f2->bool_value());
  auto f3 = r.ReadFieldHeader();
  EXPECT_EQ(f3->id, 3);
  EXPECT_TRUE(f3->is_bool());
  EXPECT_FALSE(f3->bool_value());
  auto f5 = r.ReadFieldHeader();
  EXPECT_EQ(f5->id, 5);
  EXPECT_EQ(f5->type, CType::kI64);
  EXPECT_EQ(*r.ReadI64(), -1);
  auto stop = r.ReadFieldHeader();
  ASSERT_TRUE(stop.ok());
  EXPECT_TRUE(stop->is_stop());
  r.EndStruct();
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ThriftReader, LongFormFieldHeaderThenDelta) {
  // Field 100 (long form: 0x05, zigzag 200 = C8 01), i32 1; then field 101
  // by delta 1 (0x18: binary) "x"; then field 50 (delta negative: long form).
  Bytes b = {0x05, 0xc8, 0x01, 0x02, 0x18, 0x01, 'x', 0x06, 0x64, 0x04, 0x00};
  CompactReader r(b.data(), b.size());
  ASSERT_TRUE(r.BeginStruct().ok());
  auto f = r.ReadFieldHeader();
  EXPECT_EQ(f->id, 100);
  EXPECT_EQ(*r.ReadI32(), 1);
  f = r.ReadFieldHeader();
  EXPECT_EQ(f->id, 101);
  EXPECT_EQ(f->type, CType::kBinary);
  EXPECT_EQ(*r.ReadBinary(), "x");
  f = r.ReadFieldHeader();
  EXPECT_EQ(f->id, 50);
  EXPECT_EQ(*r.ReadI64(), 2);
  EXPECT_TRUE(r.ReadFieldHeader()->is_stop());
}

TEST(ThriftReader, NestedStructRestartsDeltas) {
  // struct { 1: struct { 1: i32 7 }, 2: i32 8 }: inner deltas start at 0,
  // the outer struct's last id (1) is restored after the inner stop.
  Bytes b = {0x1c, 0x15, 0x0e, 0x00, 0x15, 0x10, 0x00};
  CompactReader r(b.data(), b.size());
  ASSERT_TRUE(r.BeginStruct().ok());
  EXPECT_EQ(r.ReadFieldHeader()->type, CType::kStruct);
  ASSERT_TRUE(r.BeginStruct().ok());
  auto inner = r.ReadFieldHeader();
  EXPECT_EQ(inner->id, 1);
  EXPECT_EQ(*r.ReadI32(), 7);
  EXPECT_TRUE(r.ReadFieldHeader()->is_stop());
  r.EndStruct();
  auto outer = r.ReadFieldHeader();
  EXPECT_EQ(outer->id, 2);
  EXPECT_EQ(*r.ReadI32(), 8);
}

TEST(ThriftReader, ScalarEncodings) {
  // i8 -1; double 1.0 (little-endian 00..F0 3F); binary "abc"; uuid 00..0F.
  Bytes b = {0xff, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x03, 'a', 'b', 'c'};
  for (uint8_t i = 0; i < 16; ++i) b.push_back(i);
  CompactReader r(b.data(), b.size());
  EXPECT_EQ(*r.ReadI8(), -1);
  EXPECT_EQ(*r.ReadDouble(), 1.0);
  EXPECT_EQ(*r.ReadBinary(), "abc");
  auto uuid = r.ReadUuid();
  ASSERT_TRUE(uuid.ok());
  EXPECT_EQ(uuid->size(), 16u);
  EXPECT_EQ((*uuid)[15], 15);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ThriftReader, ListHeaders) {
  // Short form: 3 x i32 = 0x35; long form: 15 x i8 = 0xF3 0x0F.
  Bytes b = {0x35, 0x02, 0x04, 0x06, 0xf3, 0x0f};
  for (int i = 0; i < 15; ++i) b.push_back(static_cast<uint8_t>(i));
  CompactReader r(b.data(), b.size());
  auto l = r.ReadListHeader();
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->size, 3);
  EXPECT_EQ(l->elem_type, CType::kI32);
  for (int v : {1, 2, 3}) EXPECT_EQ(*r.ReadI32(), v);
  l = r.ReadListHeader();
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->size, 15);
  EXPECT_EQ(l->elem_type, CType::kI8);
  for (int i = 0; i < 15; ++i) EXPECT_EQ(*r.ReadI8(), i);
}

TEST(ThriftReader, BoolListsUseOneByteElements) {
  // Element type 2 (the spec's) and 1 (what some writers send) are both bool.
  for (uint8_t code : {0x22, 0x21}) {
    Bytes b = {code, 0x01, 0x00};
    CompactReader r(b.data(), b.size());
    auto l = r.ReadListHeader();
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l->elem_type, CType::kBoolFalse);
    EXPECT_TRUE(*r.ReadBoolElement());
    EXPECT_FALSE(*r.ReadBoolElement());
  }
}

TEST(ThriftReader, MapHeaders) {
  // Empty map: one 0 byte. {1: "a"}: size 1, 0x58 (i32 -> binary), 02, 01 'a'.
  Bytes b = {0x00, 0x01, 0x58, 0x02, 0x01, 'a'};
  CompactReader r(b.data(), b.size());
  auto empty = r.ReadMapHeader();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size, 0);
  auto m = r.ReadMapHeader();
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->size, 1);
  EXPECT_EQ(m->key_type, CType::kI32);
  EXPECT_EQ(m->value_type, CType::kBinary);
  EXPECT_EQ(*r.ReadI32(), 1);
  EXPECT_EQ(*r.ReadBinary(), "a");
}

// A struct holding one field of every type under unknown ids (long form),
// then field 200 i32 42. Each value is spelled out from the spec.
Bytes EveryTypeStruct() {
  return {
      0x01,
      0xd0,
      0x0f,  // 1000: bool true
      0x02,
      0xd2,
      0x0f,  // 1001: bool false
      0x03,
      0xd4,
      0x0f,
      0x7f,  // 1002: i8
      0x04,
      0xd6,
      0x0f,
      0x03,  // 1003: i16 -2
      0x05,
      0xd8,
      0x0f,
      0x80,
      0x01,  // 1004: i32 64
      0x06,
      0xda,
      0x0f,
      0x01,  // 1005: i64 -1
      0x07,
      0xdc,
      0x0f,
      0,
      0,
      0,
      0,
      0,
      0,
      0xf0,
      0x3f,  // 1006: double 1.0
      0x08,
      0xde,
      0x0f,
      0x02,
      'h',
      'i',  // 1007: binary
      0x09,
      0xe0,
      0x0f,
      0x25,
      0x02,
      0x04,  // 1008: list<i32> [1, 2]
      0x0a,
      0xe2,
      0x0f,
      0x12,
      0x01,  // 1009: set<bool> {true}
      0x0b,
      0xe4,
      0x0f,
      0x02,
      0x85,
      0x01,
      'a',
      0x02,
      0x01,
      'b',
      0x03,  // 1010: {a: 1, b: -2}
      0x0c,
      0xe6,
      0x0f,
      0x1c,
      0x19,
      0x1c,
      0x00,
      0x00,
      0x00,  // 1011: struct{1: struct{1:
             // list<struct>[{}]}}
      0x0d,
      0xe8,
      0x0f,
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      10,
      11,
      12,
      13,
      14,
      15,  // 1012: uuid
      0x09,
      0xea,
      0x0f,
      0xf9,
      0x0f,  // 1013: list<list<...>> of 15 lists:
      0x05,
      0x05,
      0x05,
      0x05,
      0x05,
      0x05,
      0x05,
      0x05,
      0x05,
      0x05,
      0x05,
      0x05,
      0x05,
      0x05,
      0x05,
      0x05,
      0x90,
      0x03,
      0x54,  // 200: i32 42
      0x00,
  };
}

TEST(ThriftReader, SkipsFieldsOfEveryType) {
  Bytes b = EveryTypeStruct();
  CompactReader r(b.data(), b.size());
  ASSERT_TRUE(r.BeginStruct().ok());
  int skipped = 0;
  int32_t value = 0;
  while (true) {
    auto f = r.ReadFieldHeader();
    ASSERT_TRUE(f.ok()) << f.status().ToString() << " after " << skipped;
    if (f->is_stop()) break;
    if (f->id == 200) {
      value = *r.ReadI32();
    } else {
      Status st = r.Skip(f->type);
      ASSERT_TRUE(st.ok()) << "field " << f->id << ": " << st.ToString();
      ++skipped;
    }
  }
  r.EndStruct();
  EXPECT_EQ(skipped, 14);
  EXPECT_EQ(value, 42);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ThriftReader, SkipWholeStructAndEveryPrefixFails) {
  Bytes b = EveryTypeStruct();
  {
    CompactReader r(b.data(), b.size());
    ASSERT_TRUE(r.Skip(CType::kStruct).ok());
    EXPECT_EQ(r.remaining(), 0u);
  }
  for (size_t n = 0; n < b.size(); ++n) {
    CompactReader r(b.data(), n);
    Status st = r.Skip(CType::kStruct);
    EXPECT_TRUE(st.IsCorruption()) << "prefix " << n << ": " << st.ToString();
    EXPECT_LE(r.position(), n);
  }
}

TEST(ThriftReader, HugeContainerSizesAreRejectedBeforeAllocation) {
  // list<i32> announcing INT32_MAX elements in 6 bytes.
  Bytes list = {0xf5, 0xff, 0xff, 0xff, 0xff, 0x07};
  CompactReader r(list.data(), list.size());
  EXPECT_TRUE(r.ReadListHeader().status().IsCorruption());
  // list<double> of 2 elements but only 15 bytes follow.
  Bytes doubles = {0x27};
  doubles.resize(16, 0);
  CompactReader rd(doubles.data(), doubles.size());
  EXPECT_TRUE(rd.ReadListHeader().status().IsCorruption());
  // A size above INT32_MAX.
  Bytes too_big = {0xf3, 0xff, 0xff, 0xff, 0xff, 0x0f};
  CompactReader rb(too_big.data(), too_big.size());
  EXPECT_TRUE(rb.ReadListHeader().status().IsCorruption());
  // map of 1,000,000 entries in a handful of bytes.
  Bytes map = {0xc0, 0x84, 0x3d, 0x55, 0x00, 0x00};
  CompactReader rm(map.data(), map.size());
  EXPECT_TRUE(rm.ReadMapHeader().status().IsCorruption());
  // binary of 1 GiB in 5 bytes.
  Bytes bin = {0x80, 0x80, 0x80, 0x80, 0x04};
  CompactReader rbin(bin.data(), bin.size());
  EXPECT_TRUE(rbin.ReadBinary().status().IsCorruption());
}

TEST(ThriftReader, AllocationBudgetScalesWithInput) {
  Bytes b(1000, 0);
  CompactReader r(b.data(), b.size());
  const uint64_t budget = 1000 * kMaxAmplification + kAllocationSlack;
  EXPECT_TRUE(r.ChargeAllocation(budget - 10).ok());
  EXPECT_TRUE(r.ChargeAllocation(10).ok());
  EXPECT_TRUE(r.ChargeAllocation(1).IsCorruption());
  CompactReader r2(b.data(), b.size());
  EXPECT_TRUE(r2.ChargeAllocation(UINT64_MAX).IsCorruption());
}

TEST(ThriftReader, DeepNestingIsRejected) {
  // 10,000 nested structs: field 1 of type struct (0x1C) over and over.
  Bytes structs(10000, 0x1c);
  CompactReader r(structs.data(), structs.size());
  Status st = r.Skip(CType::kStruct);
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_NE(st.message().find("nesting"), std::string::npos) << st.ToString();
  // 10,000 nested lists: list of 1 list (0x19) over and over.
  Bytes lists(10000, 0x19);
  CompactReader rl(lists.data(), lists.size());
  EXPECT_TRUE(rl.Skip(CType::kList).IsCorruption());
  // 10,000 nested maps: 1 entry, i8 key -> map value.
  Bytes maps;
  for (int i = 0; i < 5000; ++i) maps.insert(maps.end(), {0x01, 0x3b, 0x00});
  CompactReader rm(maps.data(), maps.size());
  EXPECT_TRUE(rm.Skip(CType::kMap).IsCorruption());
  // Exactly kMaxDepth levels are fine.
  Bytes ok(kMaxDepth - 1, 0x1c);
  ok.resize(ok.size() + kMaxDepth, 0x00);
  CompactReader rok(ok.data(), ok.size());
  EXPECT_TRUE(rok.Skip(CType::kStruct).ok());
}

TEST(ThriftReader, InvalidTypeCodesAndIdOverflow) {
  for (uint8_t byte : {0x10, 0x1e, 0x1f}) {  // type 0 with a delta, 14, 15
    Bytes b = {byte};
    CompactReader r(b.data(), b.size());
    ASSERT_TRUE(r.BeginStruct().ok());
    EXPECT_TRUE(r.ReadFieldHeader().status().IsCorruption()) << int{byte};
  }
  // Field 32767 (long form, zigzag 65534 = FE FF 03), i8 0, then delta 1.
  Bytes b = {0x03, 0xfe, 0xff, 0x03, 0x00, 0x13};
  CompactReader r(b.data(), b.size());
  ASSERT_TRUE(r.BeginStruct().ok());
  auto f = r.ReadFieldHeader();
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->id, 32767);
  ASSERT_TRUE(r.ReadI8().ok());
  EXPECT_TRUE(r.ReadFieldHeader().status().IsCorruption());
  // Invalid list element types.
  for (uint8_t byte : {0x10, 0x1e}) {
    Bytes l = {byte};
    CompactReader rl(l.data(), l.size());
    EXPECT_TRUE(rl.ReadListHeader().status().IsCorruption());
  }
}

TEST(ThriftWriter, MatchesHandWrittenBytes) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.WriteI32Field(1, 5);
  w.WriteBoolField(2, true);
  w.WriteBoolField(3, false);
  w.WriteI64Field(5, -1);
  w.WriteBinaryField(100, "x");  // long form: delta 95
  w.WriteI8Field(101, -1);       // short form again
  w.BeginStructField(102);
  w.WriteI16Field(1, -2);
  w.EndStruct();
  w.BeginListField(103, CType::kI32, 3);
  for (int v : {1, 2, 3}) w.WriteI32(v);
  w.WriteDoubleField(104, 1.0);
  w.EndStruct();
  Bytes expected = {0x15, 0x0a, 0x11, 0x12, 0x26, 0x01, 0x08, 0xc8, 0x01, 0x01, 'x',
                    0x13, 0xff, 0x1c, 0x14, 0x03, 0x00, 0x19, 0x35, 0x02, 0x04, 0x06,
                    0x17, 0,    0,    0,    0,    0,    0,    0xf0, 0x3f, 0x00};
  EXPECT_EQ(out, Str(expected));
}

TEST(ThriftWriter, ContainersMatchHandWrittenBytes) {
  std::string out;
  CompactWriter w(&out);
  w.WriteListHeader(CType::kI8, 15);
  w.WriteListHeader(CType::kBoolTrue, 2);
  w.WriteBoolElement(true);
  w.WriteBoolElement(false);
  w.WriteMapHeader(CType::kI32, CType::kBinary, 0);
  w.WriteMapHeader(CType::kI32, CType::kBinary, 1);
  w.WriteI32(1);
  w.WriteBinary("a");
  w.WriteI32(-25200);
  w.WriteI64(INT64_MIN);
  Bytes expected = {0xf3, 0x0f, 0x22, 0x01, 0x00, 0x00, 0x01, 0x58, 0x02, 0x01, 'a',  0xdf,
                    0x89, 0x03, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  EXPECT_EQ(out, Str(expected));
}

TEST(ThriftWriter, RoundTripsThroughReader) {
  std::string out;
  CompactWriter w(&out);
  w.BeginStruct();
  w.WriteI16Field(-3, INT16_MIN);  // negative ids use the long form
  w.WriteI32Field(7, INT32_MIN);
  w.WriteI64Field(8, INT64_MAX);
  w.WriteDoubleField(9, -0.25);
  w.WriteFieldHeader(10, CType::kUuid);
  w.WriteUuid("0123456789abcdef");
  w.EndStruct();
  CompactReader r(reinterpret_cast<const uint8_t*>(out.data()), out.size());
  ASSERT_TRUE(r.BeginStruct().ok());
  EXPECT_EQ(r.ReadFieldHeader()->id, -3);
  EXPECT_EQ(*r.ReadI16(), INT16_MIN);
  EXPECT_EQ(r.ReadFieldHeader()->id, 7);
  EXPECT_EQ(*r.ReadI32(), INT32_MIN);
  EXPECT_EQ(r.ReadFieldHeader()->id, 8);
  EXPECT_EQ(*r.ReadI64(), INT64_MAX);
  EXPECT_EQ(r.ReadFieldHeader()->id, 9);
  EXPECT_EQ(*r.ReadDouble(), -0.25);
  auto f = r.ReadFieldHeader();
  EXPECT_EQ(f->id, 10);
  EXPECT_EQ(f->type, CType::kUuid);
  EXPECT_EQ(*r.ReadUuid(), "0123456789abcdef");
  EXPECT_TRUE(r.ReadFieldHeader()->is_stop());
  EXPECT_EQ(r.remaining(), 0u);
}

}  // namespace
}  // namespace tessera::parquet::thrift
