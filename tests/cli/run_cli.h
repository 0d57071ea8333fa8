// Runs the real `tessera` binary in a child process for CLI tests, capturing
// its exit code, stdout and stderr.
//
//   using tessera::cli_test::RunTessera;
//   CliResult r = RunTessera({"convert", "in.csv", "out.parquet"}, tmp_dir);
//   EXPECT_EQ(r.exit_code, 0) << r.err;
//
// The binary is TESSERA_BINARY (a compile definition of the test targets).
// Output is captured through temporary files rather than pipes so a child
// that writes a lot to both streams cannot deadlock against the parent.
// Header-only so every CLI test file can include it; not thread-safe (tests
// run one command at a time).
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef TESSERA_BINARY
#error "TESSERA_BINARY must name the tessera executable"
#endif

extern char** environ;

namespace tessera::cli_test {

struct CliResult {
  int exit_code = -1;  // the process's exit status; 128 + signal if killed; -1 if not run
  std::string out;     // everything written to stdout
  std::string err;     // everything written to stderr
};

namespace internal {

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh file under $TMPDIR (or /tmp) for one captured stream.
inline std::string MakeCaptureFile(const char* tag) {
  const char* dir = std::getenv("TMPDIR");
  std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/tessera-cli-" + tag + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0) return "";
  close(fd);
  return buf.data();
}

}  // namespace internal

// Runs `TESSERA_BINARY args...` with working directory `cwd` (empty: the
// test's own) and the parent's environment; waits for it to finish.
inline CliResult RunBinary(const std::string& binary, const std::vector<std::string>& args,
                           const std::string& cwd = "") {
  CliResult result;
  std::string out_path = internal::MakeCaptureFile("out");
  std::string err_path = internal::MakeCaptureFile("err");
  if (out_path.empty() || err_path.empty()) {
    result.err = "run_cli: cannot create capture files";
    return result;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_TRUNC,
                                   0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_TRUNC,
                                   0);
  // posix_spawn has no portable chdir action before glibc 2.29's
  // addchdir_np; going through /bin/sh keeps this working everywhere.
  std::vector<std::string> argv_store;
  if (!cwd.empty()) {
    argv_store = {"/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", cwd, binary};
  } else {
    argv_store = {binary};
  }
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    result.err = "run_cli: posix_spawn failed for " + binary;
  } else {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
    result.out = internal::ReadWholeFile(out_path);
    result.err = internal::ReadWholeFile(err_path);
  }
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return result;
}

// Runs the tessera binary under test with `args` in directory `cwd`.
inline CliResult RunTessera(const std::vector<std::string>& args, const std::string& cwd = "") {
  return RunBinary(TESSERA_BINARY, args, cwd);
}

}  // namespace tessera::cli_test
