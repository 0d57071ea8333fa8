#include <gtest/gtest.h>

#include "tessera/core/schema.h"
#include "tessera/core/types.h"

namespace tessera {
namespace {

TEST(DataTypeTest, ParsesEverySpelling) {
  struct Case {
    const char* text;
    DataType type;
  } cases[] = {
      {"bool", DataType::Bool()},
      {"int32", DataType::Int32()},
      {"int64", DataType::Int64()},
      {"float", DataType::Float()},
      {"double", DataType::Double()},
      {"string", DataType::String()},
      {"bytes", DataType::Bytes()},
      {"timestamp", DataType::Timestamp()},
      {"list<float>", DataType::List(TypeId::kFloat)},
      {"list<double>", DataType::List(TypeId::kDouble)},
      {"list< int64 >", DataType::List(TypeId::kInt64)},
      {"list<string>", DataType::List(TypeId::kString)},
  };
  for (const auto& c : cases) {
    auto parsed = DataType::Parse(c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, c.type) << c.text;
  }
}

TEST(DataTypeTest, ToStringRoundTrips) {
  for (const char* t : {"bool", "int32", "int64", "float", "double", "string", "bytes", "timestamp",
                        "list<float>", "list<double>", "list<int64>", "list<string>"}) {
    EXPECT_EQ(DataType::Parse(t)->ToString(), t);
  }
}

TEST(DataTypeTest, RejectsUnknownTypesWithTheText) {
  for (const char* t : {"int", "varchar", "list<bool>", "list<list<float>>", "list<float", ""}) {
    auto parsed = DataType::Parse(t);
    ASSERT_FALSE(parsed.ok()) << t;
    EXPECT_NE(parsed.status().message().find(std::string("'") + t + "'"), std::string::npos)
        << parsed.status().message();
  }
}

TEST(DataTypeTest, ListEqualityIncludesElement) {
  EXPECT_NE(DataType::List(TypeId::kFloat), DataType::List(TypeId::kDouble));
  EXPECT_EQ(DataType::List(TypeId::kFloat), DataType::List(TypeId::kFloat));
  EXPECT_NE(DataType::Int64(), DataType::Timestamp());
}

TEST(DataTypeTest, FixedWidths) {
  EXPECT_EQ(DataType::Bool().fixed_width(), 1);
  EXPECT_EQ(DataType::Int32().fixed_width(), 4);
  EXPECT_EQ(DataType::Float().fixed_width(), 4);
  EXPECT_EQ(DataType::Timestamp().fixed_width(), 8);
  EXPECT_EQ(DataType::String().fixed_width(), 0);
}

TEST(SchemaTest, LooksUpFieldsByName) {
  auto schema = Schema::Make({{"user_id", DataType::Int64()}, {"age", DataType::Int32()}});
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ((*schema)->num_fields(), 2);
  EXPECT_EQ((*schema)->IndexOf("age"), 1);
  EXPECT_EQ((*schema)->IndexOf("nope"), -1);
  EXPECT_EQ((*schema)->ToString(), "user_id: int64, age: int32");
}

TEST(SchemaTest, RejectsDuplicateAndEmptyNames) {
  auto dup = Schema::Make({{"a", DataType::Int64()}, {"a", DataType::String()}});
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("'a'"), std::string::npos);
  EXPECT_FALSE(Schema::Make({{"", DataType::Int64()}}).ok());
}

}  // namespace
}  // namespace tessera
