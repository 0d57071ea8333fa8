// SIGTERM during `tessera convert` removes the temporary output file (the
// binary's signal handler, core/temp_file_registry.h) and leaves no output.
//
// Deterministic: the input is a FIFO the test writes. Schema inference reads
// a first copy of the data (1000 rows: it stops at its sample size without
// reading more); once the pipe is drained the test writes a header and one
// row for the reader proper and keeps the FIFO open, so convert has created
// its temporary file and waits for more input when the signal arrives.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#ifndef TESSERA_BINARY
#error "TESSERA_BINARY must name the tessera executable"
#endif

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class ConvertSignalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tessera-convert-signal-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    signal(SIGPIPE, SIG_IGN);
  }
  void TearDown() override {
    if (fifo_fd_ >= 0) ::close(fifo_fd_);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status;
      ::waitpid(pid_, &status, 0);
    }
    fs::remove_all(dir_);
  }

  // Starts `tessera convert IN OUT` without waiting.
  void Start(const std::string& in, const std::string& out) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    const std::string err = dir_ + "/stderr.txt";
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> args = {TESSERA_BINARY, "convert", in, out};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ASSERT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
  }

  bool Exited() {
    int status;
    return ::waitpid(pid_, &status, WNOHANG) == pid_ ? (pid_ = -1, true) : false;
  }

  // Opens the FIFO for writing once convert has it open for reading.
  bool OpenFifoForWriting(const std::string& fifo) {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < deadline) {
      fifo_fd_ = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
      if (fifo_fd_ >= 0) return true;
      if (errno != ENXIO) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }

  bool WriteAll(const std::string& text) {
    return ::write(fifo_fd_, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  }

  // Like WriteAll, but between schema inference closing the FIFO and the
  // reader opening it again nobody reads it and a write fails with EPIPE
  // (SIGPIPE is ignored): retry until a reader is there. `text` is shorter
  // than PIPE_BUF, so a write is all or nothing.
  bool WriteOnceRead(const std::string& text) {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < deadline) {
      ssize_t n = ::write(fifo_fd_, text.data(), text.size());
      if (n == static_cast<ssize_t>(text.size())) return true;
      if (n >= 0 || errno != EPIPE) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }

  // Waits until the reader has taken every byte out of the pipe.
  bool WaitDrained() {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < deadline) {
      int pending = -1;
      if (::ioctl(fifo_fd_, FIONREAD, &pending) != 0) return false;
      if (pending == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }

  std::vector<std::string> TempFiles() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("out.parquet.tmp-", 0) == 0) out.push_back(name);
    }
    return out;
  }

  std::string dir_;
  pid_t pid_ = -1;
  int fifo_fd_ = -1;
};

TEST_F(ConvertSignalTest, SigtermRemovesTheTemporaryFile) {
  const std::string fifo = dir_ + "/in.csv";
  const std::string out = dir_ + "/out.parquet";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Start(fifo, out);

  // 1. The sample for schema inference: exactly 1000 rows.
  ASSERT_TRUE(OpenFifoForWriting(fifo)) << "convert never opened its input";
  std::string sample = "id,name\n";
  for (int i = 0; i < 1000; ++i) sample += std::to_string(i) + ",n" + std::to_string(i) + "\n";
  ASSERT_LT(sample.size(), 65536u);  // fits the pipe: the write does not block
  ASSERT_TRUE(WriteAll(sample));
  ASSERT_TRUE(WaitDrained());
  // 2. The data for the reader, which then waits for more.
  ASSERT_TRUE(WriteOnceRead("id,name\n1,a\n"));

  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (TempFiles().empty() && Clock::now() < deadline && !Exited()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_EQ(TempFiles().size(), 1u) << "convert exited or never created its temporary file";

  ASSERT_EQ(::kill(pid_, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid_, &status, 0), pid_);
  pid_ = -1;
  // The handler re-raises: convert dies of SIGTERM, not a normal exit.
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  EXPECT_TRUE(TempFiles().empty());
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
