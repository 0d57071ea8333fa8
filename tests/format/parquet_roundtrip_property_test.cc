// Property test: random schemas (every type, lists included) and random
// values (nulls, empty and long strings, unicode, extreme integers, NaN,
// +-inf, -0.0) under random writer options; write -> read -> equal.
// Seeded: TESSERA_TEST_SEED (first seed, default 1) and
// TESSERA_TEST_ITERATIONS (number of seeds, default 40) pick the cases, and a
// failure names both (test_seed.h).
#include <cmath>
#include <limits>
#include <random>

#include "parquet_writer_test_util.h"
#include "test_seed.h"

namespace tessera::parquet {
namespace {

using testing::ExpectSameRows;
using testing::MakeBatch;
using testing::TempDir;

class RandomData {
 public:
  explicit RandomData(uint64_t seed) : rng_(seed) {}

  uint64_t Next() { return rng_(); }
  bool OneIn(int n) { return rng_() % static_cast<uint64_t>(n) == 0; }

  DataType RandomType() {
    static constexpr TypeId kScalars[] = {TypeId::kBool,  TypeId::kInt32,    TypeId::kInt64,
                                          TypeId::kFloat, TypeId::kDouble,   TypeId::kString,
                                          TypeId::kBytes, TypeId::kTimestamp};
    static constexpr TypeId kElements[] = {TypeId::kFloat, TypeId::kDouble, TypeId::kInt64,
                                           TypeId::kString};
    if (OneIn(3)) return DataType::List(kElements[Next() % 4]);
    return DataType(kScalars[Next() % 8]);
  }

  int64_t RandomInt64() {
    switch (Next() % 6) {
      case 0: return std::numeric_limits<int64_t>::min();
      case 1: return std::numeric_limits<int64_t>::max();
      case 2: return 0;
      case 3: return static_cast<int64_t>(Next() % 16) - 8;  // repeats: dictionary hits
      default: return static_cast<int64_t>(Next());
    }
  }

  double RandomDouble() {
    switch (Next() % 8) {
      case 0: return std::numeric_limits<double>::quiet_NaN();
      case 1: return std::numeric_limits<double>::infinity();
      case 2: return -std::numeric_limits<double>::infinity();
      case 3: return -0.0;
      case 4: return 0.0;
      case 5: return std::numeric_limits<double>::denorm_min();
      case 6: return static_cast<double>(Next() % 5);
      default: return std::ldexp(static_cast<double>(static_cast<int64_t>(Next())), -40);
    }
  }

  std::string RandomString() {
    static const char* kPieces[] = {"", "a", "ü", "€", "😀", "\t", "\"", "\\", "z", "日本"};
    switch (Next() % 5) {
      case 0: return "";
      case 1: return std::string(static_cast<size_t>(1000 + Next() % 5000), 'x');  // long
      default: {
        std::string s;
        const int n = static_cast<int>(Next() % 6);
        for (int i = 0; i < n; ++i) s += kPieces[Next() % 10];
        return s;
      }
    }
  }

  std::string RandomBytes() {
    std::string s(Next() % 12, '\0');
    for (char& c : s) c = static_cast<char>(Next());
    return s;
  }

  Value RandomScalar(TypeId id) {
    const DataType type(id);
    if (OneIn(6)) return Value::Null(type);
    switch (id) {
      case TypeId::kBool: return Value::Bool(OneIn(2));
      case TypeId::kInt32: return Value::Int32(static_cast<int32_t>(RandomInt64()));
      case TypeId::kInt64: return Value::Int64(RandomInt64());
      case TypeId::kFloat: return Value::Float(static_cast<float>(RandomDouble()));
      case TypeId::kDouble: return Value::Double(RandomDouble());
      case TypeId::kString: return Value::String(RandomString());
      case TypeId::kBytes: return Value::Bytes(RandomBytes());
      default: return Value::Timestamp(RandomInt64());
    }
  }

  Value RandomValue(DataType type) {
    if (!type.is_list()) return RandomScalar(type.id());
    if (OneIn(6)) return Value::Null(type);
    std::vector<Value> items;
    const int n = static_cast<int>(Next() % 5);
    for (int k = 0; k < n; ++k) items.push_back(RandomScalar(type.element()));
    return Value::List(type, std::move(items));
  }

 private:
  std::mt19937_64 rng_;
};

WriteOptions RandomOptions(RandomData& r) {
  static constexpr Codec kCodecs[] = {Codec::kZstd, Codec::kSnappy, Codec::kUncompressed,
                                      Codec::kGzip};
  WriteOptions o;
  o.codec = kCodecs[r.Next() % 4];
  o.dictionary = !r.OneIn(3);
  o.row_group_size = 1 + static_cast<int64_t>(r.Next() % 400);
  o.data_page_size = 16 + static_cast<int64_t>(r.Next() % 8192);
  o.dictionary_page_limit = 64 + static_cast<int64_t>(r.Next() % 4096);
  o.num_threads = 1 + static_cast<int>(r.Next() % 3);
  return o;
}

TEST(ParquetRoundTripPropertyTest, RandomSchemasAndValues) {
  const ::tessera::testing::RandomTestParams params(1, 40);
  SCOPED_TRACE(params.Trace());
  for (uint64_t seed = params.seed; seed < params.seed + params.iterations; ++seed) {
    SCOPED_TRACE("case seed " + std::to_string(seed));
    RandomData r(seed);
    std::vector<Field> fields;
    const int num_fields = 1 + static_cast<int>(r.Next() % 8);
    for (int c = 0; c < num_fields; ++c)
      fields.push_back({"c" + std::to_string(c), r.RandomType()});
    SchemaPtr schema = testing::MakeSchema(fields);
    std::vector<RecordBatchPtr> batches;
    const int num_batches = static_cast<int>(r.Next() % 4);
    for (int b = 0; b < num_batches; ++b) {
      std::vector<std::vector<Value>> rows(r.Next() % 700);
      for (auto& row : rows) {
        for (const Field& f : fields) row.push_back(r.RandomValue(f.type));
      }
      batches.push_back(MakeBatch(schema, rows));
    }
    TempDir dir;
    const std::string path = dir.File("p.parquet");
    const WriteOptions options = RandomOptions(r);
    Status st = WriteParquetFile(path, schema, batches, options);
    ASSERT_TRUE(st.ok()) << st.ToString();
    auto read = ReadParquetFile(path);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    ExpectSameRows(schema, batches, *read);
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace tessera::parquet
