#include "tessera/online/serving_catalog.h"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace tessera::online {

int64_t CatalogSnapshot::CurrentVersion(const std::string& name) const {
  auto it = versions.find(registry::ObjectRef{registry::ObjectKind::kFeatureView, name});
  return it == versions.end() ? 0 : it->second;
}

ServingCatalog::ServingCatalog(ServingCatalogOptions options)
    : options_(std::move(options)), wal_path_(options_.registry_path + "-wal") {
  options_.registry_options.read_only = true;
  const std::string folder = std::filesystem::path(options_.registry_path).parent_path().string();
  notify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (notify_fd_ >= 0 &&
      ::inotify_add_watch(notify_fd_, folder.empty() ? "." : folder.c_str(),
                          IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE |
                              IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF) < 0) {
    ::close(notify_fd_);  // no folder yet, or no watches left: stat every call
    notify_fd_ = -1;
  }
}

ServingCatalog::~ServingCatalog() {
  recheck_ = std::jthread();  // stops and joins the recheck first
  if (notify_fd_ >= 0) ::close(notify_fd_);
}

bool ServingCatalog::Quiet() {
  if (notify_fd_ < 0 || notify_dead_.load(std::memory_order_acquire)) return false;
  alignas(struct inotify_event) char buf[4096];
  bool any = false;
  for (;;) {
    const ssize_t n = ::read(notify_fd_, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (errno != EAGAIN) notify_dead_.store(true, std::memory_order_release);
      break;
    }
    if (n == 0) break;
    any = true;
    for (ssize_t at = 0; at < n;) {
      const auto* e = reinterpret_cast<const struct inotify_event*>(buf + at);
      if (e->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
        notify_dead_.store(true, std::memory_order_release);
      }
      at += static_cast<ssize_t>(sizeof(struct inotify_event) + e->len);
    }
  }
  if (any) events_.fetch_add(1, std::memory_order_acq_rel);
  return !any && !notify_dead_.load(std::memory_order_acquire) &&
         checked_.load(std::memory_order_acquire) == events_.load(std::memory_order_acquire);
}

void ServingCatalog::Checked(uint64_t events) {
  uint64_t seen = checked_.load(std::memory_order_acquire);
  while (seen < events && !checked_.compare_exchange_weak(seen, events)) {
  }
}

void ServingCatalog::Invalidate() {
  std::unique_lock lock(mu_);
  ++invalidations_;
}

namespace {

// What stat(2) says of `path` that changes when SQLite writes it (size -1:
// absent). mtime alone is too coarse (the kernel's clock tick), so size and
// inode come with it; the periodic recheck covers what all three miss.
auto StatOf(const std::string& path) {
  struct ::stat st {};
  std::tuple<uint64_t, int64_t, int64_t> out{0, -1, 0};
  if (::stat(path.c_str(), &st) == 0) {
    out = {st.st_ino, st.st_size,
           static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
  }
  return out;
}

bool SameMaterialized(const std::vector<registry::MaterializedView>& a,
                      const std::vector<registry::MaterializedView>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].view != b[i].view || a[i].version != b[i].version ||
        a[i].intervals != b[i].intervals || a[i].log_seq != b[i].log_seq ||
        a[i].updated_at != b[i].updated_at) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::pair<FileStamp, FileStamp> ServingCatalog::Stamp() const {
  auto [ino, size, mtime] = StatOf(options_.registry_path);
  auto [wino, wsize, wmtime] = StatOf(wal_path_);
  // An empty -wal holds no commit: it is what every reader (this catalog's
  // own recheck included) makes SQLite create and delete again, so it
  // stamps as no -wal at all. A commit grows it; a checkpoint that empties
  // it has written the database file, whose stamp then changes.
  if (wsize == 0) return {FileStamp{ino, size, mtime}, FileStamp{0, -1, 0}};
  return {FileStamp{ino, size, mtime}, FileStamp{wino, wsize, wmtime}};
}

Result<std::shared_ptr<const CatalogSnapshot>> ServingCatalog::Current() {
  const auto now = std::chrono::steady_clock::now();
  if (Quiet()) {
    std::shared_ptr<const CatalogSnapshot> snapshot;
    bool due = false;
    {
      std::shared_lock lock(mu_);
      if (snapshot_ != nullptr && seen_invalidations_ == invalidations_) {
        snapshot = snapshot_;
        due = now >= next_check_;
      }
    }
    if (snapshot != nullptr) {
      if (due) StartRecheck();
      return snapshot;
    }
  }
  // Read before the stat: a match vouches for the events drained so far.
  const uint64_t events = events_.load(std::memory_order_acquire);
  const auto stamp = Stamp();
  auto fresh_enough = [&] {
    return snapshot_ != nullptr && seen_invalidations_ == invalidations_ && stamp == stamp_;
  };
  std::shared_ptr<const CatalogSnapshot> old;
  bool unchanged = false;
  bool due = false;  // the snapshot has been in use for a recheck interval
  {
    std::shared_lock lock(mu_);
    old = snapshot_;
    unchanged = fresh_enough();
    due = now >= next_check_;
  }
  if (unchanged) {
    Checked(events);
    // The periodic recheck reads the registry on a background thread, off
    // the request path (started the first time one is due).
    if (due) StartRecheck();
    return old;
  }
  // One thread refreshes; the others keep serving the snapshot they have
  // (or, before the first one exists, wait for it).
  // A background recheck in progress may have read the registry before the
  // change this call saw: wait for it, then look again (a caller whose own
  // write just finished must not get the snapshot from before it).
  std::unique_lock refresh(refresh_mu_, std::defer_lock);
  if (old != nullptr) {
    if (!refresh.try_lock()) {
      if (!rechecking_.load(std::memory_order_acquire)) return old;
      refresh.lock();
    }
  } else {
    refresh.lock();
  }
  uint64_t invalidations = 0;
  {
    std::shared_lock lock(mu_);
    if (fresh_enough()) return snapshot_;
    old = snapshot_;
    invalidations = invalidations_;
  }
  TS_ASSIGN_OR_RETURN(std::shared_ptr<const CatalogSnapshot> fresh, Refresh(old));
  std::unique_lock lock(mu_);
  snapshot_ = fresh;
  stamp_ = stamp;  // taken before reading: a write in between shows next time
  next_check_ = now + options_.recheck_interval;
  seen_invalidations_ = invalidations;
  Checked(events);
  return snapshot_;
}

void ServingCatalog::StartRecheck() {
  if (options_.recheck_interval.count() <= 0) return;
  std::call_once(recheck_once_, [this] {
    recheck_ = std::jthread([this](std::stop_token stop) { RecheckLoop(stop); });
  });
}

void ServingCatalog::RecheckLoop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    Recheck();
    std::unique_lock lock(wake_mu_);
    // Wakes early only to stop.
    wake_.wait_for(lock, stop, options_.recheck_interval, [] { return false; });
  }
}

// The periodic check, on the background thread: reads the registry and
// installs what it says. A failure keeps the snapshot (a request whose
// stat check sees the registry change reads it and reports the error).
void ServingCatalog::Recheck() {
  // Raised before the lock is taken and lowered after it is released, so a
  // request that fails to take it while this runs sees the flag.
  rechecking_.store(true, std::memory_order_release);
  struct Lower {
    std::atomic<bool>* flag;
    ~Lower() { flag->store(false, std::memory_order_release); }
  } lower{&rechecking_};
  std::lock_guard refresh(refresh_mu_);
  std::shared_ptr<const CatalogSnapshot> old;
  uint64_t invalidations = 0;
  {
    std::shared_lock lock(mu_);
    old = snapshot_;
    invalidations = invalidations_;
  }
  if (old == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  const uint64_t events = events_.load(std::memory_order_acquire);
  const auto stamp = Stamp();
  Result<std::shared_ptr<const CatalogSnapshot>> fresh = Refresh(old);
  if (!fresh.ok()) return;
  std::unique_lock lock(mu_);
  snapshot_ = *fresh;
  stamp_ = stamp;
  next_check_ = now + options_.recheck_interval;
  seen_invalidations_ = invalidations;
  Checked(events);
}

Result<std::shared_ptr<const CatalogSnapshot>> ServingCatalog::Refresh(
    const std::shared_ptr<const CatalogSnapshot>& old) {
  if (Stamp().first.size <= 0) {
    return Status::NotFound("registry '" + options_.config.config.registry_path +
                            "' does not exist yet: run tessera apply first");
  }
  const std::string path = options_.registry_path;
  const registry::RegistryOptions ro = options_.registry_options;
  auto open = [path, ro]() { return registry::Registry::Open(path, ro); };
  reads_.fetch_add(1, std::memory_order_relaxed);
  TS_ASSIGN_OR_RETURN(std::unique_ptr<registry::Registry> reg, open());
  TS_ASSIGN_OR_RETURN(int64_t version, reg->Version());
  TS_ASSIGN_OR_RETURN(std::vector<registry::MaterializedView> materialized,
                      reg->MaterializedViews());
  if (old != nullptr && old->registry_version == version &&
      SameMaterialized(old->materialized, materialized)) {
    return old;
  }
  auto snap = std::make_shared<CatalogSnapshot>();
  snap->repo = options_.config;
  if (old != nullptr && old->registry_version == version) {
    snap->repo.definitions = old->repo.definitions;
    snap->versions = old->versions;
    snap->registry_version = version;
  } else {
    TS_ASSIGN_OR_RETURN(registry::LiveDefinitions live, reg->LiveDefinitionsNow());
    snap->repo.definitions = std::move(live.definitions);
    snap->versions = std::move(live.versions);
    snap->registry_version = live.registry_version;
  }
  for (const registry::MaterializedView& m : materialized) {
    auto it = snap->newest_materialized.find(m.view);
    if (it != snap->newest_materialized.end() && it->second.first >= m.version) continue;
    TS_ASSIGN_OR_RETURN(registry::FeatureView def, reg->FeatureViewAt(m.view, m.version));
    snap->newest_materialized[m.view] = {m.version, std::move(def)};
  }
  snap->materialized = std::move(materialized);
  snap->open_registry = open;
  return std::shared_ptr<const CatalogSnapshot>(std::move(snap));
}

}  // namespace tessera::online
