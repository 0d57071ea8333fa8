#include "tessera/serving/serve.h"

#include <signal.h>

#include <atomic>
#include <memory>
#include <mutex>

#include "tessera/core/time.h"
#include "tessera/feature_store.h"
#include "tessera/serving/api.h"
#include "tessera/serving/backend.h"
#include "tessera/serving/metrics.h"
#include "tessera/serving/serve_lock.h"
#include "tessera/stream/stream_status.h"  // StatusDir

namespace tessera::serving {
namespace {

// Blocks SIGINT and SIGTERM in this thread while it lives: a stop asked for
// before the server's handler is installed then waits for it (instead of
// killing the process with the lock taken); RunUntilSignal unblocks them.
class BlockStopSignals {
 public:
  BlockStopSignals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, &old_);
  }
  ~BlockStopSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

}  // namespace

Status Serve(const ServeOptions& options) {
  BlockStopSignals block;
  TS_ASSIGN_OR_RETURN(std::unique_ptr<FeatureStore> store, FeatureStore::Open(options.repo_dir));
  // A live server is reported before binding, so its port being taken is
  // not what the user sees.
  TS_ASSIGN_OR_RETURN(std::optional<ServeLockInfo> running, FindRunningServer(options.repo_dir));
  if (running) {
    return Status::AlreadyExists("a tessera server already runs for this repo (pid " +
                                 std::to_string(running->pid) + ", http://" + running->address +
                                 "; data/serve.lock)");
  }
  std::unique_ptr<Backend> backend = MakeFacadeBackend(store.get());
  Metrics metrics;
  // Set once the consumers run; /metrics may be asked before.
  std::atomic<stream::StreamService*> streams{nullptr};
  metrics.set_extra([&streams](std::string* out) {
    if (stream::StreamService* s = streams.load()) Metrics::RenderStreams(s->Statuses(), out);
  });
  Api api(backend.get(), &metrics);
  TS_ASSIGN_OR_RETURN(std::unique_ptr<HttpServer> server, HttpServer::Open(options.http, &api));
  ServeLockInfo info;
  info.host = options.http.host;
  info.port = server->port();
  info.address = server->address();
  info.started_at = NowMicros();
  TS_ASSIGN_OR_RETURN(std::unique_ptr<ServeLock> lock, ServeLock::Acquire(options.repo_dir, info));
  // Open the online store now, so a broken one shows at start (the server
  // still runs: /health answers 503 until the store answers).
  Result<std::string> health = store->PingOnlineStore();
  if (options.log) {
    *options.log << "tessera serve: listening on http://" << server->address() << " (pid "
                 << lock->info().pid << ", " << options.http.threads << " threads, online store: "
                 << (health.ok() ? *health : "unavailable: " + health.status().message()) << ")"
                 << std::endl;
  }
  std::unique_ptr<stream::StreamService> service;
  if (options.stream) {
    stream::StreamServiceOptions stream_options = options.stream_options;
    std::ostream* log = options.log;
    auto log_mu = std::make_shared<std::mutex>();
    stream_options.log = [log, log_mu](const std::string& line) {
      if (log == nullptr) return;
      std::lock_guard<std::mutex> guard(*log_mu);
      *log << "tessera serve: " << line << std::endl;
    };
    stream_options.status_dir = stream::StatusDir(options.repo_dir);
    Result<std::unique_ptr<stream::StreamService>> started =
        stream::StreamService::Start(store.get(), stream_options);
    if (!started.ok()) {
      (void)lock->Release();
      return started.status();
    }
    service = std::move(*started);
    streams.store(service.get());
    if (options.log) {
      for (const stream::StreamStatus& s : service->Statuses()) {
        *options.log << "tessera serve: consuming stream " << s.stream << " (group " << s.group
                     << ", consumer " << s.consumer << ") into push source " << s.source
                     << std::endl;
      }
    }
  }
  server->RunUntilSignal();
  if (service != nullptr) service->Stop();  // finishes and acknowledges the batch in flight
  Status released = lock->Release();
  if (options.log) *options.log << "tessera serve: stopped" << std::endl;
  return released;
}

}  // namespace tessera::serving
