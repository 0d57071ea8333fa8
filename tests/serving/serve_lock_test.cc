#include "tessera/serving/serve_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tessera::serving {
namespace {

namespace fs = std::filesystem;

class ServeLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tessera-serve-lock-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    repo_ = tmpl;
  }
  void TearDown() override { fs::remove_all(repo_); }
  std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static ServeLockInfo Info(int port) {
    ServeLockInfo info;
    info.host = "127.0.0.1";
    info.port = port;
    info.address = "127.0.0.1:" + std::to_string(port);
    info.started_at = 1709294400000000;
    return info;
  }

  std::string repo_;
};

TEST_F(ServeLockTest, WritesPidAndAddressAndRemovesTheFileOnRelease) {
  auto lock = ServeLock::Acquire(repo_, Info(6566));
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  std::string path = repo_ + "/data/serve.lock";
  EXPECT_EQ(Read(path), "{\"pid\":" + std::to_string(getpid()) +
                            ",\"address\":\"127.0.0.1:6566\",\"host\":\"127.0.0.1\",\"port\":6566,"
                            "\"started_at\":\"2024-03-01T12:00:00.000000Z\"}\n");
  // No temporary file is left beside it.
  int files = 0;
  for (const auto& e : fs::directory_iterator(repo_ + "/data")) files += e.is_regular_file();
  EXPECT_EQ(files, 1);

  auto running = FindRunningServer(repo_);
  ASSERT_TRUE(running.ok());
  ASSERT_TRUE(running->has_value());
  EXPECT_EQ((*running)->pid, getpid());
  EXPECT_EQ((*running)->address, "127.0.0.1:6566");
  EXPECT_EQ((*running)->port, 6566);
  EXPECT_EQ((*running)->started_at, 1709294400000000);

  ASSERT_TRUE((*lock)->Release().ok());
  EXPECT_FALSE(fs::exists(path));
  running = FindRunningServer(repo_);
  ASSERT_TRUE(running.ok());
  EXPECT_FALSE(running->has_value());
}

TEST_F(ServeLockTest, ALiveHolderKeepsIt) {
  auto first = ServeLock::Acquire(repo_, Info(6566));
  ASSERT_TRUE(first.ok());
  std::string before = Read(repo_ + "/data/serve.lock");
  auto second = ServeLock::Acquire(repo_, Info(7000));
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().IsAlreadyExists());
  EXPECT_EQ(second.status().message(), "a tessera server already runs for this repo (pid " +
                                           std::to_string(getpid()) +
                                           ", http://127.0.0.1:6566; data/serve.lock)");
  EXPECT_EQ(Read(repo_ + "/data/serve.lock"), before);
}

TEST_F(ServeLockTest, AStaleFileIsIgnoredByReadersAndTakenOver) {
  fs::create_directories(repo_ + "/data");
  std::string path = repo_ + "/data/serve.lock";
  // What a killed server leaves: its content, no lock (the kernel dropped it).
  std::ofstream(path) << "{\"pid\":999999999,\"address\":\"127.0.0.1:1\",\"port\":1}\n";
  auto running = FindRunningServer(repo_);
  ASSERT_TRUE(running.ok());
  EXPECT_FALSE(running->has_value());

  auto lock = ServeLock::Acquire(repo_, Info(6567));
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  running = FindRunningServer(repo_);
  ASSERT_TRUE(running.ok() && running->has_value());
  EXPECT_EQ((*running)->port, 6567);
  EXPECT_EQ((*running)->pid, getpid());
}

TEST_F(ServeLockTest, AGarbledStaleFileIsTakenOverToo) {
  fs::create_directories(repo_ + "/data");
  std::ofstream(repo_ + "/data/serve.lock") << "\x01garbage";
  auto lock = ServeLock::Acquire(repo_, Info(6568));
  ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  EXPECT_EQ(Read(repo_ + "/data/serve.lock").substr(0, 7), "{\"pid\":");
}

TEST_F(ServeLockTest, ReleaseLeavesAFileThatIsNoLongerOurs) {
  auto lock = ServeLock::Acquire(repo_, Info(6566));
  ASSERT_TRUE(lock.ok());
  std::string path = repo_ + "/data/serve.lock";
  fs::remove(path);
  std::ofstream(path) << "someone else's";
  ASSERT_TRUE((*lock)->Release().ok());
  EXPECT_EQ(Read(path), "someone else's");
}

}  // namespace
}  // namespace tessera::serving
