// Env::LockFile: exclusion between threads and between processes (checked
// with an independent flock(2) probe), release on destruction and on the
// holder's death by SIGKILL, a removed lock file, and the FaultInjectionEnv
// counting the lock as one I/O call.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <thread>
#include <vector>

#include "tessera/core/env.h"
#include "tessera/core/fault_injection_env.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;

class FileLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-lock-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/LOCK";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Whether some descriptor holds an exclusive flock on `path`, asked
  // through a descriptor of our own without waiting.
  static bool IsLocked(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR);
    if (fd < 0) return false;
    bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return locked;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(FileLockTest, CreatesTheFileHoldsAndReleases) {
  EXPECT_FALSE(fs::exists(path_));
  {
    Result<std::unique_ptr<FileLock>> lock = Env::Default()->LockFile(path_);
    ASSERT_TRUE(lock.ok()) << lock.status().ToString();
    EXPECT_EQ((*lock)->path(), path_);
    EXPECT_TRUE(fs::exists(path_));
    EXPECT_TRUE(IsLocked(path_));
  }
  EXPECT_FALSE(IsLocked(path_));
  EXPECT_TRUE(fs::exists(path_));  // left for the next holder
}

TEST_F(FileLockTest, KeepsTheFilesContents) {
  {
    std::FILE* f = std::fopen(path_.c_str(), "w");
    std::fputs("pid 1\n", f);
    std::fclose(f);
  }
  ASSERT_TRUE(Env::Default()->LockFile(path_).ok());
  EXPECT_EQ(fs::file_size(path_), 6u);
}

TEST_F(FileLockTest, MissingFolderIsNotFound) {
  Result<std::unique_ptr<FileLock>> lock = Env::Default()->LockFile(dir_ + "/no/LOCK");
  ASSERT_FALSE(lock.ok());
  EXPECT_TRUE(lock.status().IsNotFound()) << lock.status().ToString();
  EXPECT_EQ(lock.status().message(),
            "cannot open lock file '" + dir_ + "/no/LOCK': No such file or directory");
}

// Threads of one process exclude each other: a plain (non-atomic) counter
// guarded only by the lock is never seen above 1, and no increment is lost.
TEST_F(FileLockTest, ExcludesThreadsOfOneProcess) {
  constexpr int kThreads = 3;
  constexpr int kRounds = 100;
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  int64_t total = 0;  // guarded by the file lock only
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int r = 0; r < kRounds; ++r) {
        Result<std::unique_ptr<FileLock>> lock = Env::Default()->LockFile(path_);
        if (!lock.ok()) {
          overlaps++;
          continue;
        }
        if (inside.fetch_add(1) != 0) overlaps++;
        int64_t seen = total;
        std::this_thread::yield();
        total = seen + 1;
        inside.fetch_sub(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(total, kThreads * kRounds);
}

// A child process takes the lock and is killed with SIGKILL while holding
// it: meanwhile another process is excluded; afterwards the lock is free.
TEST_F(FileLockTest, ExcludesOtherProcessesAndDiesWithItsHolder) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(ready[0]);
    Result<std::unique_ptr<FileLock>> lock = Env::Default()->LockFile(path_);
    char c = lock.ok() ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    while (true) ::pause();
  }
  ::close(ready[1]);
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(c, 'y');
  EXPECT_TRUE(IsLocked(path_));

  // A thread of ours waits for the lock; it gets it only after the kill.
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    Result<std::unique_ptr<FileLock>> lock = Env::Default()->LockFile(path_);
    got = lock.ok();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(got.load());
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  waiter.join();
  EXPECT_TRUE(got.load());
  EXPECT_FALSE(IsLocked(path_));
}

// The holder removes the lock file and releases: a waiter that had opened
// the old file does not keep a lock nobody else can see; it locks the file
// now at the path, which then excludes others.
TEST_F(FileLockTest, WaiterRetriesWhenTheHolderRemovedTheFile) {
  Result<std::unique_ptr<FileLock>> first = Env::Default()->LockFile(path_);
  ASSERT_TRUE(first.ok());
  std::atomic<bool> got{false};
  std::unique_ptr<FileLock> second;
  std::thread waiter([&] {
    Result<std::unique_ptr<FileLock>> lock = Env::Default()->LockFile(path_);
    if (lock.ok()) second = std::move(*lock);
    got = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let it open the old file
  ASSERT_EQ(::unlink(path_.c_str()), 0);
  first->reset();
  waiter.join();
  ASSERT_TRUE(got.load());
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(fs::exists(path_));
  EXPECT_TRUE(IsLocked(path_));
}

TEST_F(FileLockTest, FaultInjectionCountsTheLockAsOneCall) {
  FaultPolicy policy;
  FaultInjectionEnv env(Env::Default(), &policy);
  ASSERT_TRUE(env.LockFile(path_).ok());
  EXPECT_EQ(policy.calls(), 1);
  policy.Reset();
  policy.FailCallNumber(1, EIO);
  Result<std::unique_ptr<FileLock>> lock = env.LockFile(path_);
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.status().ToString(), "IO error: cannot lock '" + path_ + "': Input/output error");
  EXPECT_EQ(policy.injected_op(), IoOp::kLock);
  EXPECT_FALSE(IsLocked(path_));
}

}  // namespace
}  // namespace tessera
