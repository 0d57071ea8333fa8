// `tessera serve [--host H] [--port P] [--threads N] [--body-limit SIZE] [--stream]
// [-r/--repo DIR]`: the HTTP server over the repo's feature store
// (serving/serve.h; the API in docs/HTTP.md). Runs until SIGINT or SIGTERM,
// then finishes the requests in flight and exits 0.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <iostream>
#include <memory>
#include <thread>

#include "tessera/cli/command.h"
#include "tessera/cli/repo_session.h"
#include "tessera/serving/serve.h"

namespace tessera::cli {
namespace {

struct ServeArgs {
  std::string host = "127.0.0.1";
  int port = 6566;
  int threads = 0;  // 0: one per core
  std::string body_limit = "16MB";
  bool stream = false;
  std::string consumer;
  bool no_compaction = false;
  int64_t commit_interval_ms = 5;
};

// "16MB", "512KB", "1GB", "1048576" (bytes; K/M/G are powers of 1024, the
// B optional).
Result<uint64_t> ParseSize(const std::string& text) {
  uint64_t n = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  std::string unit(ptr, end);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!unit.empty() && unit.back() == 'B') unit.pop_back();
  int shift = unit.empty() ? 0 : unit == "K" ? 10 : unit == "M" ? 20 : unit == "G" ? 30 : -1;
  if (ec != std::errc() || shift < 0 || n == 0 || n > (uint64_t{1} << (40 - shift))) {
    return Status::Invalid("--body-limit " + text +
                           ": expected a size such as 16MB, 512KB or 1048576 (at most 1TB)");
  }
  return n << shift;
}

CommandStatus RunServe(const std::string& repo_dir, const ServeArgs& args) {
  TS_RETURN_NOT_OK(CheckIsRepo(repo_dir));
  Result<uint64_t> limit = ParseSize(args.body_limit);
  if (!limit.ok()) return CommandStatus::Usage(limit.status().message());
  if (args.port < 0 || args.port > 65535) {
    return CommandStatus::Usage("--port " + std::to_string(args.port) + ": expected 0 to 65535");
  }
  if (args.threads < 0) return CommandStatus::Usage("--threads must be at least 1");
  serving::ServeOptions options;
  options.repo_dir = repo_dir;
  options.http.host = args.host;
  options.http.port = args.port;
  options.http.threads =
      args.threads > 0 ? args.threads : std::max(1u, std::thread::hardware_concurrency());
  options.http.body_limit = *limit;
  options.log = &std::cerr;
  options.stream = args.stream;
  options.stream_options.consumer = args.consumer;
  options.stream_options.compact_logs = !args.no_compaction;
  if (args.commit_interval_ms < 0 || args.commit_interval_ms > 60000) {
    return CommandStatus::Usage("--commit-interval-ms must be 0 to 60000");
  }
  options.stream_options.min_commit_interval_ms = args.commit_interval_ms;
  if (!args.consumer.empty() && !args.stream) {
    return CommandStatus::Usage("--consumer needs --stream");
  }
  return serving::Serve(options);
}

}  // namespace

void RegisterServeCommand(CLI::App* app, CommandContext* ctx) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* serve = app->add_subcommand(
      "serve", "Serve online features over HTTP (Feast-shaped JSON; see docs/HTTP.md)");
  serve->add_option("--host", args->host, "Address to listen on (default 127.0.0.1)");
  serve->add_option("--port", args->port, "Port to listen on; 0 picks a free one (default 6566)");
  serve->add_option("--threads", args->threads, "Server threads (default: one per core)");
  serve->add_option("--body-limit", args->body_limit,
                    "Largest request body; larger ones get 413 (default 16MB)");
  serve->add_flag("--stream", args->stream,
                  "Also consume the streamed push sources (Redis Streams; docs/STREAMS.md)");
  serve->add_option("--consumer", args->consumer,
                    "With --stream: this server's name in the consumer groups (default "
                    "tessera-<hostname>)");
  serve->add_option("--commit-interval-ms", args->commit_interval_ms,
                    "With --stream: start a log commit at most this often (default 5)");
  serve->add_flag("--no-background-compaction", args->no_compaction,
                  "With --stream: do not merge the source logs' small parts in the background");
  serve->footer(
      "Stops on SIGINT or SIGTERM after the requests in flight finish. While it runs,\n"
      "data/serve.lock in the repo holds its pid and address.\n"
      "Example:\n  tessera serve --port 6566 --threads 4\n  tessera serve --stream");
  serve->fallthrough();  // -r/--repo may follow the options
  serve->callback([ctx, args] { ctx->run = [ctx, args] { return RunServe(ctx->repo, *args); }; });
}

}  // namespace tessera::cli
