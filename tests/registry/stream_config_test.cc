// The `stream:` block of a push source (issue 11; docs/DEFINITIONS.md, "The
// stream of a push source"): parsed in block and flow style, every mistake
// reported with its exact line and text, stored with the doc part (a change
// is a doc_change, never a new version), read back from the registry,
// shown by describe, and refused at plan without an event_id column when
// it feeds an aggregated view.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "registry_fixtures.h"
#include "scratch_repo.h"
#include "tessera/registry/canonical.h"
#include "tessera/registry/definitions_json.h"
#include "tessera/registry/json_documents.h"
#include "tessera/registry/loader.h"
#include "tessera/registry/redacted_json.h"
#include "tessera/registry/registry.h"

namespace tessera::registry {
namespace {

using Lines = std::vector<std::string>;

Lines LoadErrors(const std::string& definitions, LoadedRepo* loaded = nullptr) {
  LoadedRepo local;
  Lines out;
  for (const LoadError& e : LoadRepoFromFiles(
           {{"tessera.yaml", "project: p\n"}, {"a.yaml", definitions}}, loaded ? loaded : &local)) {
    out.push_back(e.ToString());
  }
  return out;
}

constexpr const char* kSources =
    "sources:\n"                                                             // 1
    "  - {name: txns, kind: batch, path: t.parquet, timestamp_field: ts}\n"  // 2
    "  - name: p\n"                                                          // 3
    "    kind: push\n"                                                       // 4
    "    batch_source: txns\n";                                              // 5

// The errors of push source `p` with `stream: <text>` at line 6.
Lines StreamErrors(const std::string& text) {
  return LoadErrors(std::string(kSources) + "    stream: " + text + "\n");
}

bool SameStream(const StreamConfig& a, const StreamConfig& b) {
  return a.type == b.type && a.url == b.url && a.key == b.key && a.group == b.group;
}

TEST(StreamConfigTest, BlockAndFlowStyleParseAndTheGroupDefaultsToTessera) {
  LoadedRepo repo;
  Lines errors =
      LoadErrors(std::string(kSources) +
                     "    stream:\n"
                     "      type: redis\n"
                     "      url: \"redis://127.0.0.1:6379\"\n"
                     "      key: tx_events\n"
                     "  - {name: q, kind: push, batch_source: txns, stream: {type: redis, "
                     "url: \"redis://u:pw@[::1]:6380/2\", key: \"a:b\", group: g1}}\n",
                 &repo);
  ASSERT_EQ(errors, Lines{});
  const std::vector<Source>& sources = repo.definitions.sources;
  ASSERT_EQ(sources.size(), 3u);
  EXPECT_FALSE(sources[0].stream.has_value());
  ASSERT_TRUE(sources[1].stream.has_value());
  EXPECT_TRUE(SameStream(*sources[1].stream,
                         StreamConfig{"redis", "redis://127.0.0.1:6379", "tx_events", "tessera"}));
  ASSERT_TRUE(sources[2].stream.has_value());
  EXPECT_TRUE(SameStream(*sources[2].stream,
                         StreamConfig{"redis", "redis://u:pw@[::1]:6380/2", "a:b", "g1"}));
}

TEST(StreamConfigTest, EveryMistakeHasItsLineAndReason) {
  const std::string url_shape = "(redis://[[user]:password@]host[:port][/db])";
  struct Case {
    std::string stream;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"{type: kafka, url: \"redis://h\", key: k}",
       "a.yaml:6: stream of push source 'p': unknown type 'kafka' (supported: redis)"},
      {"{url: \"redis://h\", key: k}",
       "a.yaml:6: missing required key 'type' in stream of push source 'p'"},
      {"{type: redis, key: k}",
       "a.yaml:6: missing required key 'url' in stream of push source 'p'"},
      {"{type: redis, url: \"redis://h\"}",
       "a.yaml:6: missing required key 'key' in stream of push source 'p'"},
      {"{type: redis, url: \"http://h:1\", key: k}",
       "a.yaml:6: stream of push source 'p': url must start with redis:// " + url_shape},
      {"{type: redis, url: \"redis://:secret@/0\", key: k}",
       "a.yaml:6: stream of push source 'p': url has no host " + url_shape},
      {"{type: redis, url: \"redis://h:port\", key: k}",
       "a.yaml:6: stream of push source 'p': url port 'port' is not a number from 1 to 65535"},
      {"{type: redis, url: \"redis://h:0\", key: k}",
       "a.yaml:6: stream of push source 'p': url port '0' is not a number from 1 to 65535"},
      {"{type: redis, url: \"redis://h:65536\", key: k}",
       "a.yaml:6: stream of push source 'p': url port '65536' is not a number from 1 to 65535"},
      {"{type: redis, url: \"redis://h:/1\", key: k}",
       "a.yaml:6: stream of push source 'p': url port '' is not a number from 1 to 65535"},
      {"{type: redis, url: \"redis://[::1\", key: k}",
       "a.yaml:6: stream of push source 'p': url has an unclosed '[' " + url_shape},
      {"{type: redis, url: \"redis://h\", key: \"tx events\"}",
       "a.yaml:6: stream of push source 'p': key 'tx events' must not contain whitespace"},
      {"{type: redis, url: \"redis://h\", key: \"tx\\tev\"}",
       "a.yaml:6: stream of push source 'p': key 'tx\\tev' must not contain whitespace"},
      {"{type: redis, url: \"redis://h\", key: \"\"}",
       "a.yaml:6: stream of push source 'p': key must not be empty"},
      {"{type: redis, url: \"redis://h\", key: k, group: \"\"}",
       "a.yaml:6: stream of push source 'p': group must not be empty"},
      {"{type: redis, url: \"redis://h\", key: k, grop: g}",
       "a.yaml:6: unknown key 'grop' in stream of push source 'p'"},
      {"{type: [redis], url: \"redis://h\", key: k}",
       "a.yaml:6: 'type' in stream of push source 'p' must be a single value, not a list or "
       "mapping"},
      {"[redis]", "a.yaml:6: stream of push source 'p' must be a mapping of keys to values"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(StreamErrors(c.stream), Lines{c.error}) << c.stream;
  }
}

TEST(StreamConfigTest, AUrlPasswordNeverAppearsInAMessage) {
  Lines errors = StreamErrors("{type: redis, url: \"rediss://user:hunter2@h:1\", key: k}");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].find("hunter2"), std::string::npos) << errors[0];
}

TEST(StreamConfigTest, BlockStyleErrorsPointAtTheirLines) {
  EXPECT_EQ(LoadErrors(std::string(kSources) + "    stream:\n"                 // 6
                                               "      type: redis\n"           // 7
                                               "      url: \"redis://h:x\"\n"  // 8
                                               "      key: k\n"                // 9
                                               "      partitions: 3\n"),       // 10
            (Lines{"a.yaml:8: stream of push source 'p': url port 'x' is not a number from 1 to "
                   "65535",
                   "a.yaml:10: unknown key 'partitions' in stream of push source 'p'"}));
}

TEST(StreamConfigTest, OnlyAPushSourceCanHaveAStream) {
  EXPECT_EQ(LoadErrors("sources:\n"
                       "  - {name: txns, kind: batch, path: t.parquet, timestamp_field: ts,\n"
                       "     stream: {type: redis, url: \"redis://h\", key: k}}\n"
                       "  - name: r\n"
                       "    kind: request\n"
                       "    schema: [{name: a, type: double}]\n"
                       "    stream: 1\n"),
            (Lines{"a.yaml:3: batch source 'txns': only a push source can have a stream",
                   "a.yaml:7: request source 'r': only a push source can have a stream"}));
}

// The fraud repo with a stream on its push source.
RepoDefinitions WithStream(std::string url, std::string group = "tessera") {
  RepoDefinitions defs = testing::FraudRepo();
  for (Source& s : defs.sources) {
    if (s.name == "transactions_push") s.stream = StreamConfig{"redis", url, "tx_events", group};
  }
  return defs;
}

const Source& PushSource(const RepoDefinitions& defs) {
  for (const Source& s : defs.sources) {
    if (s.kind == SourceKind::kPush) return s;
  }
  static const Source kNone;
  ADD_FAILURE() << "no push source";
  return kNone;
}

TEST(StreamConfigTest, TheStreamIsInTheDocPartOnlyWhenPresent) {
  RepoDefinitions defs = WithStream("redis://127.0.0.1:6379");
  CanonicalForm with = Canonicalize(PushSource(defs)).value();
  CanonicalForm without = Canonicalize(PushSource(testing::FraudRepo())).value();
  EXPECT_EQ(with.logic_json, without.logic_json);
  EXPECT_EQ(with.logic_hash, without.logic_hash);
  // Sources without a stream keep the doc text every registry stores today.
  EXPECT_EQ(without.doc_json,
            R"({"description":"","owner":"","tags":{},"feature_descriptions":{}})");
  EXPECT_EQ(
      with.doc_json,
      R"({"description":"","owner":"","tags":{},"feature_descriptions":{},"stream":)"
      R"({"type":"redis","url":"redis://127.0.0.1:6379","key":"tx_events","group":"tessera"}})");
  const std::string tail = with.doc_json.substr(1);  // the doc members end the definition
  ASSERT_GE(with.definition_json.size(), tail.size());
  EXPECT_EQ(with.definition_json.substr(with.definition_json.size() - tail.size()), tail);
}

TEST(StreamConfigTest, AddingChangingAndRemovingAStreamBumpsNoVersion) {
  testing::ScratchDir dir;
  auto reg = Registry::Open(dir.File("registry.db")).value();
  ASSERT_TRUE(reg->Apply(testing::FraudRepo(), "alice").ok());
  const std::vector<RepoDefinitions> steps = {WithStream("redis://127.0.0.1:6379"),
                                              WithStream("redis://10.0.0.1:6379", "other"),
                                              testing::FraudRepo()};
  for (const RepoDefinitions& defs : steps) {
    Result<Plan> plan = reg->ComputePlan(defs);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    std::vector<PlanEntry> changes = plan->Changes();
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].name, "transactions_push");
    EXPECT_TRUE(changes[0].IsDocOnly());
    EXPECT_FALSE(changes[0].BumpsVersion());
    ASSERT_TRUE(reg->Apply(defs, "bob").ok());
  }
  ObjectDescription d = reg->Describe("transactions_push", ObjectKind::kSource).value();
  EXPECT_EQ(d.version, 1);
  ASSERT_EQ(d.history.size(), 4u);
  EXPECT_EQ(d.history[0].event, HistoryEvent::kCreated);
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(d.history[i].event, HistoryEvent::kDocChange) << i;
    EXPECT_EQ(d.history[i].version, 1) << i;
  }
  const std::string first = R"("url":"redis://127.0.0.1:6379","key":"tx_events","group":"tessera")";
  const std::string second = R"("url":"redis://10.0.0.1:6379","key":"tx_events","group":"other")";
  EXPECT_EQ(d.history[1].old_doc_json.find("stream"), std::string::npos);
  EXPECT_NE(d.history[1].new_doc_json.find(first), std::string::npos);
  EXPECT_NE(d.history[2].old_doc_json.find(first), std::string::npos);
  EXPECT_NE(d.history[2].new_doc_json.find(second), std::string::npos);
  EXPECT_NE(d.history[3].old_doc_json.find(second), std::string::npos);
  EXPECT_EQ(d.history[3].new_doc_json.find("stream"), std::string::npos);
  EXPECT_EQ(d.definition_json.find("stream"), std::string::npos);
}

TEST(StreamConfigTest, TheAppliedStreamReadsBackFromTheRegistry) {
  testing::ScratchDir dir;
  auto reg = Registry::Open(dir.File("registry.db")).value();
  RepoDefinitions defs = WithStream("redis://:pw@h:6379/3", "g");
  ASSERT_TRUE(reg->Apply(defs, "alice").ok());
  LiveDefinitions live = reg->LiveDefinitionsNow().value();
  const Source& push = PushSource(live.definitions);
  ASSERT_TRUE(push.stream.has_value());
  EXPECT_TRUE(
      SameStream(*push.stream, StreamConfig{"redis", "redis://:pw@h:6379/3", "tx_events", "g"}));
  for (const Source& s : live.definitions.sources) {
    if (s.kind != SourceKind::kPush) EXPECT_FALSE(s.stream.has_value()) << s.name;
    // Decoding and encoding again gives the stored bytes, which Describe
    // shows with the url's credentials masked.
    ObjectDescription stored = reg->Describe(s.name, ObjectKind::kSource).value();
    EXPECT_EQ(RedactUrlCredentials(Canonicalize(s).value().definition_json), stored.definition_json)
        << s.name;
    if (s.kind == SourceKind::kPush) {
      EXPECT_NE(stored.definition_json.find(R"("url":"redis://***@h:6379/3")"), std::string::npos);
      EXPECT_EQ(stored.definition_json.find(":pw@"), std::string::npos);
    }
  }
}

TEST(StreamConfigTest, AMalformedStoredStreamIsCorruptionNamingTheMember) {
  std::string json = Canonicalize(PushSource(WithStream("redis://h"))).value().definition_json;
  std::string no_key = json;
  no_key.replace(no_key.find(R"("key":"tx_events",)"), 18, "");
  EXPECT_EQ(SourceFromJson(no_key, "reg.db").status().ToString(),
            "Corruption: reg.db: definition.stream: member 'key' is missing");
  std::string not_object = json.substr(0, json.find(R"("stream":)")) + R"("stream":7})";
  EXPECT_EQ(SourceFromJson(not_object, "reg.db").status().ToString(),
            "Corruption: reg.db: definition: 'stream' is not an object");
}

TEST(StreamConfigTest, DescribeShowsTheStreamAndItsHistory) {
  testing::ScratchDir dir;
  auto reg = Registry::Open(dir.File("registry.db")).value();
  ASSERT_TRUE(reg->Apply(testing::FraudRepo(), "alice").ok());
  ASSERT_TRUE(reg->Apply(WithStream("redis://h:7000"), "bob").ok());
  ObjectDescription d = reg->Describe("transactions_push", ObjectKind::kSource).value();
  rapidjson::Document doc;
  std::string text = DescribeDocument(d);
  ASSERT_FALSE(doc.Parse(text.c_str()).HasParseError()) << text;
  for (const char* part : {"definition", "doc"}) {
    ASSERT_TRUE(doc[part].HasMember("stream")) << part;
    const rapidjson::Value& stream = doc[part]["stream"];
    EXPECT_STREQ(stream["type"].GetString(), "redis");
    EXPECT_STREQ(stream["url"].GetString(), "redis://h:7000");
    EXPECT_STREQ(stream["key"].GetString(), "tx_events");
    EXPECT_STREQ(stream["group"].GetString(), "tessera");
  }
  EXPECT_EQ(doc["version"].GetInt64(), 1);
  const rapidjson::Value& change = doc["history"][1];
  EXPECT_STREQ(change["event"].GetString(), "doc_change");
  EXPECT_FALSE(change["old_doc"].HasMember("stream"));
  EXPECT_STREQ(change["new_doc"]["stream"]["url"].GetString(), "redis://h:7000");
}

// The plan check: a repo on disk whose push source `live` (line 5) streams.
class StreamPlanCheckTest : public ::testing::Test {
 protected:
  // `push_extra`: more YAML lines of the push source; the view `spend`
  // reads `view_source`, aggregated or not. The batch source reads
  // data/t.parquet (WriteLog).
  void WriteRepo(const std::string& push_extra, const std::string& view_source = "live",
                 bool aggregated = true) {
    repo_.Write(
        "a.yaml",
        "entities:\n  - {name: user, join_keys: [{name: user_id, type: int64}]}\n"    // 1-2
        "sources:\n"                                                                  // 3
        "  - {name: txns, kind: batch, path: data/t.parquet, timestamp_field: ts}\n"  // 4
        "  - name: live\n"                                                            // 5
        "    kind: push\n"
        "    batch_source: txns\n"
        "    stream: {type: redis, url: \"redis://127.0.0.1:6379\", key: tx}\n" +
            push_extra +
            "feature_views:\n"
            "  - name: spend\n"
            "    entities: [user]\n"
            "    source: " +
            view_source + "\n" +
            (aggregated ? "    aggregations: [{column: amount, function: sum, windows: [1h]}]\n"
                        : "    features: [{name: amount, type: double}]\n"));
  }
  void WriteLog(bool with_event_id) {
    std::vector<Field> fields = {{"user_id", DataType::Int64()},
                                 {"ts", DataType::Timestamp()},
                                 {"amount", DataType::Double()}};
    if (with_event_id) fields.push_back({"event_id", DataType::String()});
    repo_.WriteParquet("data/t.parquet", fields);
  }

  testing::ScratchRepo repo_;
};

constexpr const char* kNoEventId =
    "a.yaml:5: push source 'live' streams events into aggregated view 'spend' but has no "
    "event_id column: a redelivered entry would be counted twice; add `event_id: string` to "
    "its schema";

TEST_F(StreamPlanCheckTest, WithoutAnEventIdColumnPlanRefuses) {
  WriteLog(/*with_event_id=*/false);
  WriteRepo("");
  EXPECT_EQ(repo_.Errors(), Lines{kNoEventId});
  WriteRepo(
      "    schema: [{name: user_id, type: int64}, {name: ts, type: timestamp}, "
      "{name: amount, type: double}]\n");
  EXPECT_EQ(repo_.Errors(), Lines{kNoEventId});
}

TEST_F(StreamPlanCheckTest, AnEventIdColumnOfAnyTypeSatisfiesIt) {
  WriteLog(/*with_event_id=*/true);
  WriteRepo("");
  EXPECT_EQ(repo_.Errors(), Lines{});
}

TEST_F(StreamPlanCheckTest, TheColumnMustBeWhereTheRowsAreLogged) {
  WriteLog(/*with_event_id=*/false);
  WriteRepo(
      "    schema: [{name: user_id, type: int64}, {name: ts, type: timestamp}, "
      "{name: amount, type: double}, {name: event_id, type: string}]\n");
  EXPECT_EQ(repo_.Errors(),
            Lines{"a.yaml:5: push source 'live' streams events into aggregated view 'spend' but "
                  "batch source 'txns', whose log takes its rows, has no event_id column: a "
                  "redelivered entry would be counted twice; add `event_id: string` to the "
                  "schema of 'txns'"});
}

TEST_F(StreamPlanCheckTest, NoStreamOrNoAggregatedViewOfThePushSourceNeedsNone) {
  WriteLog(/*with_event_id=*/false);
  WriteRepo("", "live", /*aggregated=*/false);
  EXPECT_EQ(repo_.Errors(), Lines{});
  // Pushes deduplicate only for views over the push source itself
  // (online/push.cc), so a view over the batch source asks for nothing.
  WriteRepo("", "txns", /*aggregated=*/true);
  EXPECT_EQ(repo_.Errors(), Lines{});
  repo_.Write("a.yaml",
              "entities:\n  - {name: user, join_keys: [{name: user_id, type: int64}]}\n"
              "sources:\n"
              "  - {name: txns, kind: batch, path: data/t.parquet, timestamp_field: ts}\n"
              "  - {name: live, kind: push, batch_source: txns}\n"
              "feature_views:\n"
              "  - {name: spend, entities: [user], source: live,\n"
              "     aggregations: [{column: amount, function: sum, windows: [1h]}]}\n");
  EXPECT_EQ(repo_.Errors(), Lines{});
}

}  // namespace
}  // namespace tessera::registry
