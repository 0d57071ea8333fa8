// tessera.yaml's online_store options of the Redis backend: pool size and
// timeouts (whole numbers in range) and the url's scheme, with file:line
// errors that never echo a url (it may hold a password).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tessera/registry/loader.h"

namespace tessera::registry {
namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

// The errors of a repo that holds only `config` as tessera.yaml.
Lines ConfigErrors(const std::string& config, LoadedRepo* loaded) {
  static int counter = 0;
  const fs::path dir =
      fs::temp_directory_path() /
      ("tessera_online_config_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  fs::create_directories(dir);
  std::ofstream(dir / "tessera.yaml") << config;
  Lines out;
  for (const LoadError& e : LoadRepoCollectErrors(dir.string(), loaded))
    out.push_back(e.ToString());
  fs::remove_all(dir);
  return out;
}

TEST(OnlineStoreConfigTest, ReadsRedisPoolSizeAndTimeouts) {
  LoadedRepo loaded;
  EXPECT_EQ(ConfigErrors("project: p\nonline_store:\n  type: redis\n"
                         "  url: \"redis://:pw@127.0.0.1:6380/2\"\n  pool_size: 32\n"
                         "  connect_timeout_ms: 250\n  timeout_ms: 50\n",
                         &loaded),
            Lines{});
  EXPECT_EQ(loaded.config.online.type, "redis");
  EXPECT_EQ(loaded.config.online.url, "redis://:pw@127.0.0.1:6380/2");
  EXPECT_EQ(loaded.config.online.pool_size, 32);
  EXPECT_EQ(loaded.config.online.connect_timeout_ms, 250);
  EXPECT_EQ(loaded.config.online.timeout_ms, 50);
}

TEST(OnlineStoreConfigTest, DefaultsWhenOmitted) {
  LoadedRepo loaded;
  EXPECT_EQ(ConfigErrors("project: p\nonline_store: {type: redis, url: \"redis://h\"}\n", &loaded),
            Lines{});
  EXPECT_EQ(loaded.config.online.pool_size, 8);
  EXPECT_EQ(loaded.config.online.connect_timeout_ms, 1000);
  EXPECT_EQ(loaded.config.online.timeout_ms, 1000);
}

TEST(OnlineStoreConfigTest, RejectsOutOfRangeOrNonNumericOptions) {
  LoadedRepo loaded;
  EXPECT_EQ(
      ConfigErrors("project: p\nonline_store:\n  type: redis\n  url: \"redis://h\"\n"
                   "  pool_size: 0\n  connect_timeout_ms: soon\n  timeout_ms: [1]\n",
                   &loaded),
      (Lines{"tessera.yaml:5: online_store: pool_size: expected a whole number from 1 to 1024, "
             "got '0'",
             "tessera.yaml:6: online_store: connect_timeout_ms: expected a whole number from 1 "
             "to 600000, got 'soon'",
             "tessera.yaml:7: online_store: timeout_ms: expected a whole number from 1 to "
             "600000"}));
  EXPECT_EQ(ConfigErrors("project: p\nonline_store: {type: redis, url: \"redis://h\", pool_size: "
                         "2.5}\n",
                         &loaded),
            Lines{"tessera.yaml:2: online_store: pool_size: expected a whole number from 1 to "
                  "1024, got '2.5'"});
}

TEST(OnlineStoreConfigTest, RedisOptionsAreRefusedForOtherTypes) {
  LoadedRepo loaded;
  EXPECT_EQ(
      ConfigErrors("project: p\nonline_store:\n  path: data/online\n  timeout_ms: 5\n", &loaded),
      Lines{"tessera.yaml:4: online_store: timeout_ms applies to types redis and "
            "redis-cluster only, not 'rocksdb'"});
}

TEST(OnlineStoreConfigTest, RejectsAUrlOfAnotherSchemeWithoutEchoingIt) {
  LoadedRepo loaded;
  EXPECT_EQ(ConfigErrors("project: p\nonline_store:\n  type: redis\n"
                         "  url: \"rediss://:secret@h\"\n",
                         &loaded),
            Lines{"tessera.yaml:4: online_store: url must start with redis:// "
                  "(redis://[[user]:password@]host[:port][/db])"});
}

}  // namespace
}  // namespace tessera::registry
