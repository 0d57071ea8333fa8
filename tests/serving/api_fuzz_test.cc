// Garbled bodies for every POST endpoint: mutated valid requests and random
// bytes must get 200 or a 4xx with a valid JSON body, never a 5xx or a
// crash (the backend is a fake that accepts whatever reaches it). A short
// seeded run; TESSERA_TEST_SEED / TESSERA_TEST_ITERATIONS replay or extend it.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <random>

#include "fake_backend.h"
#include "tessera/serving/api.h"
#include "test_seed.h"

namespace tessera::serving {
namespace {

const char* const kSeeds[][2] = {
    {"/get-online-features",
     R"({"features": ["user_profile:age", "v@2:f"], "entities": {"user_id": [1, 2, null],)"
     R"( "m": ["a", "b", "c"]}, "full_feature_names": true, "request_context": {"amount": [1.5, "NaN", 3]}})"},
    {"/get-online-features",
     R"({"feature_service": "svc", "entities": {"k": [[1, 2], [3.5], null], "b": [true, false, null]}})"},
    {"/push",
     R"({"push_source_name": "p", "df": {"user_id": [1], "ts": ["2024-03-01T00:00:00Z"]}, "to": "offline"})"},
    {"/materialize",
     R"({"start_ts": "2024-03-01", "end_ts": "2024-03-02", "feature_views": ["a"]})"},
    {"/materialize-incremental", R"({"end_ts": "2024-03-02T00:00:00.5+01:00"})"},
};

const char* const kTokens[] = {"{",           "}",           "[",       "]",
                               ",",           ":",           "\"",      "null",
                               "true",        "1e999",       "-0",      "18446744073709551616",
                               "\"\\u0000\"", "\"\\ud800\"", "\xff",    "\xc3",
                               "[[[[",        "\"NaN\"",     "{\"a\":", "1.5"};

std::string Mutate(std::string s, std::mt19937_64& rng) {
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    size_t at = rng() % (s.size() + 1);
    switch (rng() % 4) {
      case 0:  // flip a byte
        if (at < s.size()) s[at] = static_cast<char>(rng());
        break;
      case 1:  // cut
        s.resize(at);
        break;
      case 2:  // drop a range
        s.erase(at, rng() % 8);
        break;
      default:  // insert a token
        s.insert(at, kTokens[rng() % (sizeof(kTokens) / sizeof(kTokens[0]))]);
    }
  }
  return s;
}

TEST(ApiFuzzTest, GarbledBodiesGet4xxWithJsonNever5xx) {
  tessera::testing::RandomTestParams params(20261130, 3000);
  SCOPED_TRACE(params.Trace());
  std::mt19937_64 rng(params.seed);
  testing::FakeBackend backend;
  Metrics metrics;
  Api api(&backend, &metrics);
  int accepted = 0;
  for (int i = 0; i < params.iterations; ++i) {
    const auto& seed = kSeeds[rng() % (sizeof(kSeeds) / sizeof(kSeeds[0]))];
    std::string body;
    if (rng() % 5 == 0) {
      body.resize(rng() % 64);
      for (char& c : body) c = static_cast<char>(rng());
    } else {
      body = Mutate(seed[1], rng);
    }
    HttpRequest request{"POST", seed[0], body, ""};
    HttpResponse r = api.Handle(request);
    ASSERT_TRUE(r.status == 200 || (r.status >= 400 && r.status < 500))
        << "status " << r.status << " for " << seed[0] << " body: " << body << "\n"
        << r.body;
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(r.body.data(), r.body.size());
    ASSERT_FALSE(doc.HasParseError()) << r.body;
    accepted += r.status == 200;
  }
  // The mutations keep some requests valid, so the accepting paths run too.
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace tessera::serving
