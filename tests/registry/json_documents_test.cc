// The registry's JSON documents (registry/json_documents.h): always valid
// JSON in valid UTF-8, whatever the registry holds.
#include "tessera/registry/json_documents.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

namespace tessera::registry {
namespace {

rapidjson::Document ParseStrict(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.c_str(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

TEST(ToValidUtf8, ReplacesEachInvalidByte) {
  EXPECT_EQ(ToValidUtf8("plain"), "plain");
  EXPECT_EQ(ToValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(ToValidUtf8("a\xFF"
                        "b"),
            "a" + r + "b");
  EXPECT_EQ(ToValidUtf8("\xC3"), r);                          // truncated
  EXPECT_EQ(ToValidUtf8("\xC0\xAF"), r + r);                  // overlong '/'
  EXPECT_EQ(ToValidUtf8("\xED\xA0\x80"), r + r + r);          // a surrogate
  EXPECT_EQ(ToValidUtf8("\xF4\x90\x80\x80"), r + r + r + r);  // above U+10FFFF
  EXPECT_EQ(ToValidUtf8(std::string("\x00x", 2)), std::string("\x00x", 2));
}

TEST(JsonDocuments, InvalidUtf8NeverReachesTheOutput) {
  ObjectSummary o;
  o.kind = ObjectKind::kFeatureView;
  o.name = "v";
  o.description = "bad \xFF byte";
  o.owner = "\xC3";
  o.tags = {{"k\xFE", "v\x80"}};
  rapidjson::Document list = ParseStrict(ListDocument({o}));
  ASSERT_TRUE(list.IsArray());
  EXPECT_EQ(std::string(list[0]["description"].GetString()), "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(std::string(list[0]["kind"].GetString()), "feature-view");
  EXPECT_TRUE(list[0]["tags"].HasMember("k\xEF\xBF\xBD"));

  SearchResult s{ObjectKind::kEntity, "e\xFF", 3, "name", "why \xFF"};
  rapidjson::Document search = ParseStrict(SearchDocument({s}));
  EXPECT_EQ(std::string(search[0]["name"].GetString()), "e\xEF\xBF\xBD");
}

// Stored JSON is re-written through the same writer: invalid bytes inside
// it are replaced, and text that does not parse is kept as a string.
TEST(JsonDocuments, StoredJsonIsEmbeddedSafely) {
  ObjectDescription d;
  d.kind = ObjectKind::kEntity;
  d.name = "e";
  d.definition_json = "{\"description\":\"x\xFFy\",\"n\":[1,2.5,true,null]}";
  d.doc_json = "{\"min\":,\"max\":}";  // what an older build could store
  rapidjson::Document doc = ParseStrict(DescribeDocument(d));
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(std::string(doc["definition"]["description"].GetString()), "x\xEF\xBF\xBDy");
  EXPECT_EQ(doc["definition"]["n"].Size(), 4u);
  EXPECT_EQ(doc["definition"]["n"][1].GetDouble(), 2.5);
  ASSERT_TRUE(doc["doc"].IsString());
  EXPECT_EQ(std::string(doc["doc"].GetString()), "{\"min\":,\"max\":}");
}

}  // namespace
}  // namespace tessera::registry
