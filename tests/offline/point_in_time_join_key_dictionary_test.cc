// JoinKeyDictionary (the point-in-time join's spine keys to dense ids)
// against EntityKey equality, with enough distinct keys to make the table
// grow many times, in both layouts (one integer part; composite).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "tessera/core/entity_key.h"
#include "tessera/core/record_batch.h"
#include "tessera/offline/join_key_dictionary.h"

namespace tessera::offline {
namespace {

std::vector<const Array*> Raw(const std::vector<ArrayPtr>& columns) {
  std::vector<const Array*> out;
  for (const auto& c : columns) out.push_back(c.get());
  return out;
}

// Ids must be dense, in order of first appearance, equal exactly when the
// EntityKeys are equal, and Lookup must give Build's ids (kNoId for a null
// part or a key Build never saw).
void CheckAgainstEntityKeys(const std::vector<ArrayPtr>& spine,
                            const std::vector<ArrayPtr>& probe) {
  std::vector<int32_t> ids;
  auto dict = JoinKeyDictionary::Build(Raw(spine), &ids);
  ASSERT_TRUE(dict.ok()) << dict.status().ToString();
  std::map<std::string, int32_t> expected;
  const int64_t n = spine[0]->length();
  for (int64_t r = 0; r < n; ++r) {
    EntityKey::Builder b;
    bool has_null = false;
    for (const auto& c : spine) {
      has_null |= c->IsNull(r);
      ASSERT_TRUE(b.AppendFromArray(*c, r).ok());
    }
    if (has_null) {
      ASSERT_EQ(ids[static_cast<size_t>(r)], JoinKeyDictionary::kNoId) << "row " << r;
      continue;
    }
    auto [it, inserted] =
        expected.emplace(b.Build().bytes(), static_cast<int32_t>(expected.size()));
    ASSERT_EQ(ids[static_cast<size_t>(r)], it->second) << "row " << r;
  }
  EXPECT_EQ((*dict)->size(), static_cast<int64_t>(expected.size()));
  const int64_t m = probe[0]->length();
  std::vector<int32_t> found(static_cast<size_t>(m));
  (*dict)->Lookup(Raw(probe), 0, m, found.data());
  for (int64_t r = 0; r < m; ++r) {
    EntityKey::Builder b;
    bool has_null = false;
    for (const auto& c : probe) {
      has_null |= c->IsNull(r);
      ASSERT_TRUE(b.AppendFromArray(*c, r).ok());
    }
    auto it = expected.find(b.Build().bytes());
    int32_t want = has_null || it == expected.end() ? JoinKeyDictionary::kNoId : it->second;
    ASSERT_EQ(found[static_cast<size_t>(r)], want) << "probe row " << r;
  }
}

ArrayPtr Column(DataType type, int64_t rows, int64_t domain, std::mt19937_64& rng) {
  auto builder = ArrayBuilder::Make(type);
  std::uniform_int_distribution<int64_t> pick(0, domain);
  for (int64_t i = 0; i < rows; ++i) {
    int64_t k = pick(rng);
    Value v =
        k == 0                      ? Value::Null(type)
        : type == DataType::Int32() ? Value::Int32(static_cast<int32_t>(k - domain / 2))
        : type == DataType::Int64()
            ? Value::Int64(k - domain / 2)
            : Value::String(std::string(static_cast<size_t>(k % 3), '\0') + std::to_string(k));
    EXPECT_TRUE(builder->AppendValue(v).ok());
  }
  return *builder->Finish();
}

TEST(JoinKeyDictionaryTest, OneIntegerPartMatchesEntityKeys) {
  std::mt19937_64 rng(1);
  // int64 spine, int32 probe: equal values are the same key.
  CheckAgainstEntityKeys({Column(DataType::Int64(), 30000, 20000, rng)},
                         {Column(DataType::Int32(), 30000, 30000, rng)});
}

TEST(JoinKeyDictionaryTest, CompositeAndStringKeysMatchEntityKeys) {
  std::mt19937_64 rng(2);
  CheckAgainstEntityKeys(
      {Column(DataType::Int64(), 30000, 100, rng), Column(DataType::String(), 30000, 300, rng)},
      {Column(DataType::Int32(), 30000, 120, rng), Column(DataType::String(), 30000, 320, rng)});
  CheckAgainstEntityKeys({Column(DataType::String(), 30000, 20000, rng)},
                         {Column(DataType::String(), 30000, 25000, rng)});
}

}  // namespace
}  // namespace tessera::offline
