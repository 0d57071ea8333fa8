// RowCodec: random rows of every type round-trip exactly (bit patterns of
// floats included), and every truncation or byte flip of a valid encoding
// is either Corruption or decodes cleanly, never crashes or reads out of
// bounds (run under TESSERA_SANITIZE to check the latter).
#include "tessera/online/row_codec.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <random>

#include "test_seed.h"

namespace tessera::online {
namespace {

const std::vector<DataType>& AllTypes() {
  static const std::vector<DataType> types = {DataType::Bool(),
                                              DataType::Int32(),
                                              DataType::Int64(),
                                              DataType::Float(),
                                              DataType::Double(),
                                              DataType::String(),
                                              DataType::Bytes(),
                                              DataType::Timestamp(),
                                              DataType::List(TypeId::kFloat),
                                              DataType::List(TypeId::kDouble),
                                              DataType::List(TypeId::kInt64),
                                              DataType::List(TypeId::kString)};
  return types;
}

// Random values with the edge cases over-represented.
class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Chance(int in) { return Pick(in) == 0; }

  double Double() {
    switch (Pick(8)) {
      case 0: return -0.0;
      case 1: return std::numeric_limits<double>::quiet_NaN();
      case 2: return std::bit_cast<double>(uint64_t{0xFFF0000000000123});  // NaN payload
      case 3: return -std::numeric_limits<double>::infinity();
      case 4: return std::numeric_limits<double>::denorm_min();
      default: return std::bit_cast<double>(rng_());
    }
  }
  float Float() {
    switch (Pick(6)) {
      case 0: return -0.0f;
      case 1: return std::bit_cast<float>(uint32_t{0x7FC01234});  // NaN payload
      case 2: return std::numeric_limits<float>::infinity();
      default: return std::bit_cast<float>(static_cast<uint32_t>(rng_()));
    }
  }
  int64_t Int64() {
    return Chance(4) ? std::numeric_limits<int64_t>::min() + Pick(2) : static_cast<int64_t>(rng_());
  }
  std::string Text(bool utf8) {
    std::string s;
    int n = Chance(3) ? 0 : Pick(40);
    for (int i = 0; i < n; ++i) {
      if (utf8) {
        s += Chance(5) ? std::string("\xC3\xA9") : std::string(1, static_cast<char>(Pick(128)));
      } else {
        s.push_back(static_cast<char>(Pick(256)));
      }
    }
    return s;
  }

  Status AppendScalar(ArrayBuilder* b, TypeId id) {
    switch (id) {
      case TypeId::kBool: return static_cast<BoolBuilder*>(b)->Append(Pick(2));
      case TypeId::kInt32:
        return static_cast<Int32Builder*>(b)->Append(static_cast<int32_t>(Int64()));
      case TypeId::kInt64:
      case TypeId::kTimestamp: return static_cast<Int64Builder*>(b)->Append(Int64());
      case TypeId::kFloat: return static_cast<FloatBuilder*>(b)->Append(Float());
      case TypeId::kDouble: return static_cast<DoubleBuilder*>(b)->Append(Double());
      case TypeId::kString: return static_cast<BinaryBuilder*>(b)->Append(Text(true));
      case TypeId::kBytes: return static_cast<BinaryBuilder*>(b)->Append(Text(false));
      case TypeId::kList: break;
    }
    return Status::Invalid("list is not a scalar");
  }

  Status AppendCell(ArrayBuilder* b, DataType type) {
    if (Chance(5)) return b->AppendNull();
    if (!type.is_list()) return AppendScalar(b, type.id());
    auto* list = static_cast<ListBuilder*>(b);
    TS_RETURN_NOT_OK(list->StartList());
    int n = Chance(4) ? 0 : Pick(20);
    for (int i = 0; i < n; ++i) {
      TS_RETURN_NOT_OK(Chance(4) ? list->child()->AppendNull()
                                 : AppendScalar(list->child(), type.element()));
    }
    return Status::OK();
  }

 private:
  std::mt19937_64 rng_;
};

// Exact equality of cell i of `a` and cell j of `b`: floats by bit pattern.
bool SameCell(const Array& a, int64_t i, const Array& b, int64_t j);

bool SameScalar(const Array& a, int64_t i, const Array& b, int64_t j) {
  switch (a.type().id()) {
    case TypeId::kBool: return a.GetBool(i) == b.GetBool(j);
    case TypeId::kInt32: return a.GetInt32(i) == b.GetInt32(j);
    case TypeId::kInt64:
    case TypeId::kTimestamp: return a.GetInt64(i) == b.GetInt64(j);
    case TypeId::kFloat:
      return std::bit_cast<uint32_t>(a.GetFloat(i)) == std::bit_cast<uint32_t>(b.GetFloat(j));
    case TypeId::kDouble:
      return std::bit_cast<uint64_t>(a.GetDouble(i)) == std::bit_cast<uint64_t>(b.GetDouble(j));
    case TypeId::kString:
    case TypeId::kBytes: return a.GetView(i) == b.GetView(j);
    case TypeId::kList: {
      int64_t n = a.offset(i + 1) - a.offset(i);
      if (n != b.offset(j + 1) - b.offset(j)) return false;
      for (int64_t k = 0; k < n; ++k) {
        if (!SameCell(a.child(), a.offset(i) + k, b.child(), b.offset(j) + k)) return false;
      }
      return true;
    }
  }
  return false;
}

bool SameCell(const Array& a, int64_t i, const Array& b, int64_t j) {
  if (a.type() != b.type() || a.IsNull(i) != b.IsNull(j)) return false;
  return a.IsNull(i) || SameScalar(a, i, b, j);
}

struct RandomTable {
  std::vector<ArrayPtr> columns;
  std::vector<const Array*> raw;
};

RandomTable MakeTable(Gen* gen, const std::vector<DataType>& types, int rows) {
  RandomTable t;
  for (DataType type : types) {
    auto b = ArrayBuilder::Make(type);
    for (int r = 0; r < rows; ++r) EXPECT_TRUE(gen->AppendCell(b.get(), type).ok());
    t.columns.push_back(*b->Finish());
    t.raw.push_back(t.columns.back().get());
  }
  return t;
}

std::vector<std::unique_ptr<ArrayBuilder>> BuildersFor(const std::vector<DataType>& types) {
  std::vector<std::unique_ptr<ArrayBuilder>> bs;
  for (DataType t : types) bs.push_back(ArrayBuilder::Make(t));
  return bs;
}

std::vector<ArrayBuilder*> Raw(const std::vector<std::unique_ptr<ArrayBuilder>>& bs) {
  std::vector<ArrayBuilder*> raw;
  for (const auto& b : bs) raw.push_back(b.get());
  return raw;
}

TEST(RowCodecTest, RandomRowsOfEveryTypeRoundTripExactly) {
  testing::RandomTestParams params(20261130, 300);
  SCOPED_TRACE(params.Trace());
  Gen gen(params.seed);
  // All types together, then each type alone (a codec for one column).
  std::vector<std::vector<DataType>> schemas = {AllTypes()};
  for (DataType t : AllTypes()) schemas.push_back({t});
  for (const auto& types : schemas) {
    RowCodec codec(types);
    RandomTable table = MakeTable(&gen, types, params.iterations);
    auto builders = BuildersFor(types);
    std::vector<uint8_t> is_null;
    for (int r = 0; r < params.iterations; ++r) {
      std::string bytes;
      ASSERT_TRUE(codec.EncodeRow(table.raw, r, &bytes).ok());
      ASSERT_TRUE(codec.DecodeRow(bytes, Raw(builders), &is_null).ok()) << "row " << r;
      for (size_t c = 0; c < types.size(); ++c) {
        ASSERT_EQ(is_null[c] != 0, table.raw[c]->IsNull(r)) << "row " << r << " column " << c;
      }
    }
    for (size_t c = 0; c < types.size(); ++c) {
      ArrayPtr decoded = *builders[c]->Finish();
      ASSERT_EQ(decoded->length(), params.iterations);
      for (int r = 0; r < params.iterations; ++r) {
        ASSERT_TRUE(SameCell(*table.raw[c], r, *decoded, r))
            << types[c].ToString() << " row " << r << ": " << table.raw[c]->GetValue(r).ToString()
            << " vs " << decoded->GetValue(r).ToString();
      }
    }
  }
}

TEST(RowCodecTest, EdgeValuesKeepTheirBits) {
  RowCodec codec(
      {DataType::Double(), DataType::Float(), DataType::String(), DataType::List(TypeId::kDouble)});
  DoubleBuilder d(DataType::Double());
  FloatBuilder f(DataType::Float());
  BinaryBuilder s(DataType::String());
  ListBuilder l(DataType::List(TypeId::kDouble));
  ASSERT_TRUE(d.Append(-0.0).ok());
  ASSERT_TRUE(f.Append(std::bit_cast<float>(uint32_t{0xFFC00001})).ok());
  ASSERT_TRUE(s.Append("").ok());
  ASSERT_TRUE(l.StartList().ok());
  ASSERT_TRUE(l.child()->AppendNull().ok());
  ASSERT_TRUE(static_cast<DoubleBuilder*>(l.child())->Append(std::nan("7")).ok());
  std::vector<ArrayPtr> cols = {*d.Finish(), *f.Finish(), *s.Finish(), *l.Finish()};
  std::vector<const Array*> raw = {cols[0].get(), cols[1].get(), cols[2].get(), cols[3].get()};
  std::string bytes;
  ASSERT_TRUE(codec.EncodeRow(raw, 0, &bytes).ok());
  // version, count, bitmap (4 present), -0.0, float bits, "" (length 0),
  // list: count 2, bitmap 0b10, one double.
  ASSERT_EQ(bytes.size(), 1u + 1 + 1 + 8 + 4 + 1 + 1 + 1 + 8);
  EXPECT_EQ(bytes[0], '\x01');
  auto builders = BuildersFor(codec.types());
  ASSERT_TRUE(codec.DecodeRow(bytes, Raw(builders)).ok());
  for (size_t c = 0; c < cols.size(); ++c) {
    ArrayPtr out = *builders[c]->Finish();
    EXPECT_TRUE(SameCell(*cols[c], 0, *out, 0)) << c;
  }
}

TEST(RowCodecTest, SkippedBuildersStillValidateAndReportNulls) {
  RowCodec codec({DataType::Int64(), DataType::String()});
  Int64Builder i(DataType::Int64());
  BinaryBuilder s(DataType::String());
  ASSERT_TRUE(i.AppendNull().ok());
  ASSERT_TRUE(s.Append("x").ok());
  std::vector<ArrayPtr> cols = {*i.Finish(), *s.Finish()};
  std::vector<const Array*> raw = {cols[0].get(), cols[1].get()};
  std::string bytes;
  ASSERT_TRUE(codec.EncodeRow(raw, 0, &bytes).ok());
  std::vector<ArrayBuilder*> none = {nullptr, nullptr};
  std::vector<uint8_t> is_null;
  ASSERT_TRUE(codec.DecodeRow(bytes, none, &is_null).ok());
  EXPECT_EQ(is_null, (std::vector<uint8_t>{1, 0}));
  EXPECT_TRUE(codec.DecodeRow(bytes.substr(0, bytes.size() - 1), none).IsCorruption());
}

TEST(RowCodecTest, WrongVersionCountOrTrailingBytesAreCorruption) {
  RowCodec codec({DataType::Int32()});
  std::vector<ArrayBuilder*> none = {nullptr};
  // A valid encoding: version 1, one value, present, 4 bytes.
  std::string ok("\x01\x01\x01\x07\x00\x00\x00", 7);
  ASSERT_TRUE(codec.DecodeRow(ok, none).ok());
  Status s = codec.DecodeRow(std::string("\x02\x01\x01\x07\x00\x00\x00", 7), none);
  EXPECT_EQ(s.ToString(),
            "Corruption: online row: unknown format version 0x02 (this build reads version 1)");
  s = codec.DecodeRow(std::string("\x01\x02\x03\x07\x00\x00\x00", 7), none);
  EXPECT_EQ(s.ToString(), "Corruption: online row: holds 2 values, the view version has 1");
  s = codec.DecodeRow(ok + "z", none);
  EXPECT_EQ(s.ToString(), "Corruption: online row: 1 unexpected bytes after the last value");
  s = codec.DecodeRow(std::string("\x01\x01\x03\x07\x00\x00\x00", 7), none);
  EXPECT_EQ(s.ToString(), "Corruption: online row: bits set past the end of a presence bitmap");
  s = codec.DecodeRow("", none);
  EXPECT_EQ(s.ToString(), "Corruption: online row: truncated value");
}

TEST(RowCodecTest, HugeLengthsAreCorruptionWithoutAllocating) {
  RowCodec codec({DataType::List(TypeId::kDouble)});
  auto builders = BuildersFor(codec.types());
  // A list claiming 2^62 elements, and a varint that overflows 64 bits.
  std::string huge("\x01\x01\x01\x80\x80\x80\x80\x80\x80\x80\x80\x40", 12);
  EXPECT_TRUE(codec.DecodeRow(huge, Raw(builders)).IsCorruption());
  std::string overflow("\x01\x01\x01\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x7F", 13);
  EXPECT_EQ(codec.DecodeRow(overflow, Raw(builders)).ToString(),
            "Corruption: online row: varint overflows 64 bits");
}

// Decodes a copy of `bytes` in a heap block of exactly its size, so that
// AddressSanitizer sees any read past the end.
Status DecodeExact(const RowCodec& codec, std::string_view bytes) {
  std::unique_ptr<char[]> copy(new char[bytes.size() + (bytes.empty() ? 1 : 0)]);
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  auto builders = BuildersFor(codec.types());
  return codec.DecodeRow(std::string_view(copy.get(), bytes.size()), Raw(builders));
}

TEST(RowCodecTest, EveryTruncationAndRandomFlipsNeverCrash) {
  testing::RandomTestParams params(77, 40);
  SCOPED_TRACE(params.Trace());
  Gen gen(params.seed);
  RowCodec codec(AllTypes());
  RandomTable table = MakeTable(&gen, AllTypes(), params.iterations);
  std::mt19937_64 rng(params.seed);
  for (int r = 0; r < params.iterations; ++r) {
    std::string bytes;
    ASSERT_TRUE(codec.EncodeRow(table.raw, r, &bytes).ok());
    // Every proper prefix is missing at least the last value's bytes.
    for (size_t len = 0; len < bytes.size(); ++len) {
      Status s = DecodeExact(codec, std::string_view(bytes).substr(0, len));
      ASSERT_TRUE(s.IsCorruption()) << "row " << r << " prefix " << len << ": " << s.ToString();
    }
    for (int flip = 0; flip < 50; ++flip) {
      std::string bad = bytes;
      size_t at = rng() % bad.size();
      bad[at] = static_cast<char>(bad[at] ^ (1u << (rng() % 8)));
      Status s = DecodeExact(codec, bad);
      ASSERT_TRUE(s.ok() || s.IsCorruption()) << s.ToString();
    }
  }
}

TEST(RowCodecTest, MismatchedColumnsAreInvalidArgument) {
  RowCodec codec({DataType::Int64()});
  Int32Builder b(DataType::Int32());
  ASSERT_TRUE(b.Append(1).ok());
  ArrayPtr a = *b.Finish();
  std::vector<const Array*> raw = {a.get()};
  std::string bytes;
  EXPECT_EQ(codec.EncodeRow(raw, 0, &bytes).code(), StatusCode::kInvalidArgument);
  std::vector<ArrayBuilder*> wrong = {};
  EXPECT_EQ(codec.DecodeRow("\x01", wrong).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tessera::online
