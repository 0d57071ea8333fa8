// run_measured: runs a command and records what it cost as a whole process:
// wall time, CPU time (user and system, all threads, and any children it
// waited for) and peak resident memory, from wait4()'s rusage. The same
// figures as GNU time -v, without needing the `time` package (a fresh Debian
// 12 does not have /usr/bin/time).
//
//   run_measured RESULT.json -- COMMAND [ARG...]
//
// The command's stdin, stdout and stderr are this process's. RESULT.json
// gets one line:
//   {"wall_s":1.234,"user_s":2.0,"sys_s":0.1,"max_rss_kb":123456,"exit":0}
// ("exit" is the exit status, or 128 + the signal that ended it). The exit
// status of run_measured is the command's (127 when it cannot be started).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace {

double Seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || std::strcmp(argv[2], "--") != 0) {
    std::fprintf(stderr, "usage: run_measured RESULT.json -- COMMAND [ARG...]\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) {
    std::fprintf(stderr, "run_measured: fork: %s\n", std::strerror(errno));
    return 127;
  }
  if (pid == 0) {
    execvp(argv[3], argv + 3);
    std::fprintf(stderr, "run_measured: cannot run '%s': %s\n", argv[3], std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      std::fprintf(stderr, "run_measured: wait4: %s\n", std::strerror(errno));
      return 127;
    }
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::FILE* out = std::fopen(argv[1], "w");
  if (out == nullptr) {
    std::fprintf(stderr, "run_measured: cannot write '%s': %s\n", argv[1], std::strerror(errno));
    return code != 0 ? code : 1;
  }
  std::fprintf(out,
               "{\"wall_s\":%.3f,\"user_s\":%.3f,\"sys_s\":%.3f,\"max_rss_kb\":%ld,\"exit\":%d}\n",
               wall, Seconds(usage.ru_utime), Seconds(usage.ru_stime), usage.ru_maxrss, code);
  std::fclose(out);
  return code;
}
