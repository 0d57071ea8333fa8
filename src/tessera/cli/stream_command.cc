// `tessera stream [--consumer NAME] [--source S]... [-r DIR]`: the stream
// consumers of the repo's streamed push sources (stream/stream_service.h),
// standalone, until SIGINT or SIGTERM. Only with the Redis online store:
// the embedded RocksDB store has one writer, the server (`tessera serve
// --stream`). `tessera stream --status` prints what the running consumers
// report (their status files, stream/stream_status.h).
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <mutex>

#include "tessera/cli/command.h"
#include "tessera/cli/repo_session.h"
#include "tessera/feature_store.h"
#include "tessera/registry/loader.h"
#include "tessera/stream/stream_service.h"
#include "tessera/stream/stream_status.h"

namespace tessera::cli {
namespace {

struct StreamArgs {
  bool status = false;
  std::string consumer;
  std::vector<std::string> sources;
  int batch_size = 1000;
  int64_t claim_idle_ms = 30000;
  int64_t block_ms = 100;
  bool no_compaction = false;
  int64_t commit_interval_ms = 5;
};

CommandStatus PrintStatus(const std::string& repo_dir) {
  std::vector<std::string> unreadable;
  TS_ASSIGN_OR_RETURN(
      std::vector<stream::StatusFile> files,
      stream::ReadStatusFiles(Env::Default(), stream::StatusDir(repo_dir), &unreadable));
  std::cout << stream::StatusTable(files, Env::Default()->NowMicros());
  for (const std::string& line : unreadable) std::cerr << "warning: " << line << "\n";
  return CommandStatus();
}

// SIGINT and SIGTERM stay blocked in every thread (the consumers inherit the
// mask); the main thread waits for one with sigwait.
sigset_t StopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

CommandStatus RunStream(const std::string& repo_dir, const StreamArgs& args) {
  TS_RETURN_NOT_OK(CheckIsRepo(repo_dir));
  if (args.status) return PrintStatus(repo_dir);
  if (args.batch_size < 1) return CommandStatus::Usage("--batch-size must be at least 1");
  if (args.claim_idle_ms < 1) return CommandStatus::Usage("--claim-idle-ms must be at least 1");
  if (args.block_ms < 1) return CommandStatus::Usage("--block-ms must be at least 1");
  if (args.commit_interval_ms < 0 || args.commit_interval_ms > 60000) {
    return CommandStatus::Usage("--commit-interval-ms must be 0 to 60000");
  }
  registry::LoadedRepo config;
  std::vector<registry::LoadError> errors = registry::LoadRepoConfig(repo_dir, &config);
  if (errors.empty() && config.config.online.type == "rocksdb") {
    return Status::Invalid(
        "tessera stream: the online store is the embedded RocksDB store, which only one process "
        "writes: run `tessera serve --stream` instead (or use the Redis online store)");
  }
  const sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  TS_ASSIGN_OR_RETURN(std::unique_ptr<FeatureStore> store, FeatureStore::Open(repo_dir));
  stream::StreamServiceOptions options;
  options.consumer = args.consumer;
  options.sources = args.sources;
  options.batch_size = args.batch_size;
  options.claim_idle_ms = args.claim_idle_ms;
  options.block_ms = args.block_ms;
  options.compact_logs = !args.no_compaction;
  options.min_commit_interval_ms = args.commit_interval_ms;
  auto log_mu = std::make_shared<std::mutex>();
  options.log = [log_mu](const std::string& line) {
    std::lock_guard<std::mutex> guard(*log_mu);
    std::cerr << "tessera stream: " << line << std::endl;
  };
  options.status_dir = stream::StatusDir(repo_dir);
  TS_ASSIGN_OR_RETURN(std::unique_ptr<stream::StreamService> service,
                      stream::StreamService::Start(store.get(), options));
  for (const stream::StreamStatus& s : service->Statuses()) {
    std::cerr << "tessera stream: consuming stream " << s.stream << " (group " << s.group
              << ", consumer " << s.consumer << ") into push source " << s.source << " (pid "
              << getpid() << ")" << std::endl;
  }
  int signal = 0;
  sigwait(&signals, &signal);
  std::cerr << "tessera stream: stopping (" << (signal == SIGINT ? "SIGINT" : "SIGTERM") << ")"
            << std::endl;
  service->Stop();
  std::cerr << "tessera stream: stopped" << std::endl;
  return CommandStatus();
}

}  // namespace

void RegisterStreamCommand(CLI::App* app, CommandContext* ctx) {
  auto args = std::make_shared<StreamArgs>();
  CLI::App* cmd = app->add_subcommand(
      "stream", "Consume the repo's streamed push sources (Redis Streams; see docs/STREAMS.md)");
  cmd->add_flag("--status", args->status,
                "Print what the running consumers report (lag, events applied, freshness) and "
                "exit");
  cmd->add_option("--consumer", args->consumer,
                  "This process's name in the consumer groups; keep it across restarts to resume "
                  "its pending entries (default tessera-<hostname>)");
  cmd->add_option("--source", args->sources, "Only this push source (repeatable; default all)");
  cmd->add_option("--batch-size", args->batch_size, "Entries per XREADGROUP (default 1000)");
  cmd->add_option("--claim-idle-ms", args->claim_idle_ms,
                  "Claim entries pending this long at another consumer (default 30000)");
  cmd->add_option("--block-ms", args->block_ms, "Longest wait of one read (default 100)");
  cmd->add_option("--commit-interval-ms", args->commit_interval_ms,
                  "Start a log commit at most this often; events arriving meanwhile join it "
                  "(default 5; 0: commit as soon as entries are read)");
  cmd->add_flag("--no-background-compaction", args->no_compaction,
                "Do not merge the source logs' small parts in the background (then run "
                "`tessera compact` yourself)");
  cmd->footer(
      "Runs until SIGINT or SIGTERM, then finishes and acknowledges the batch in flight.\n"
      "Needs the Redis online store; with the embedded RocksDB store run\n"
      "`tessera serve --stream`, which consumes the streams inside the server.\n"
      "Example:\n  tessera stream --consumer worker-1\n  tessera stream --status");
  cmd->fallthrough();
  cmd->callback([ctx, args] { ctx->run = [ctx, args] { return RunStream(ctx->repo, *args); }; });
}

}  // namespace tessera::cli
