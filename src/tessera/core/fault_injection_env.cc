#include "tessera/core/fault_injection_env.h"

#include <cerrno>

#include "tessera/core/io_error.h"

namespace tessera {

const char* IoOpName(IoOp op) {
  switch (op) {
    case IoOp::kOpen: return "open";
    case IoOp::kRead: return "read";
    case IoOp::kWrite: return "write";
    case IoOp::kSync: return "sync";
    case IoOp::kClose: return "close";
    case IoOp::kRename: return "rename";
    case IoOp::kLink: return "link";
    case IoOp::kRemove: return "remove";
    case IoOp::kCreateDir: return "create folder";
    case IoOp::kList: return "list folder";
    case IoOp::kSyncDir: return "sync folder";
    case IoOp::kStat: return "stat";
    case IoOp::kTruncate: return "truncate";
    case IoOp::kLock: return "lock";
    case IoOp::kShmMap: return "map shared memory";
  }
  return "?";
}

// --- FaultPolicy ---

int FaultPolicy::Decide(IoOp op, std::string_view path) {
  ++calls_;
  const bool fail = fail_at_ > 0 && (calls_ == fail_at_ || (crash_ && calls_ > fail_at_));
  if (!fail) return 0;
  if (injected_call_ == 0) {
    injected_call_ = calls_;
    injected_op_ = op;
    injected_path_ = std::string(path);
  }
  return crash_ ? EIO : fail_errno_;
}

int FaultPolicy::BeforeCall(IoOp op, std::string_view path) {
  std::lock_guard<std::mutex> lock(mu_);
  return Decide(op, path);
}

int FaultPolicy::BeforeWrite(std::string_view path, size_t n, size_t* allowed) {
  std::lock_guard<std::mutex> lock(mu_);
  *allowed = 0;
  if (int err = Decide(IoOp::kWrite, path)) return err;
  if (space_left_ < 0 || static_cast<int64_t>(n) <= space_left_) {
    *allowed = n;
    if (space_left_ >= 0) space_left_ -= static_cast<int64_t>(n);
    return 0;
  }
  *allowed = static_cast<size_t>(space_left_);
  space_left_ = 0;
  if (injected_call_ == 0) {
    injected_call_ = calls_;
    injected_op_ = IoOp::kWrite;
    injected_path_ = std::string(path);
  }
  return ENOSPC;
}

void FaultPolicy::FailCallNumber(int64_t k, int err) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_at_ = calls_ + k;
  fail_errno_ = err;
  crash_ = false;
}

void FaultPolicy::CrashAtCall(int64_t k) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_at_ = calls_ + k;
  fail_errno_ = EIO;
  crash_ = true;
}

void FaultPolicy::SetSpaceLimit(int64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  space_left_ = bytes;
}

void FaultPolicy::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  calls_ = 0;
  fail_at_ = 0;
  fail_errno_ = 0;
  crash_ = false;
  space_left_ = -1;
  injected_call_ = 0;
  injected_path_.clear();
}

int64_t FaultPolicy::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}
bool FaultPolicy::injected() const {
  std::lock_guard<std::mutex> lock(mu_);
  return injected_call_ > 0;
}
int64_t FaultPolicy::injected_call() const {
  std::lock_guard<std::mutex> lock(mu_);
  return injected_call_;
}
IoOp FaultPolicy::injected_op() const {
  std::lock_guard<std::mutex> lock(mu_);
  return injected_op_;
}
std::string FaultPolicy::injected_path() const {
  std::lock_guard<std::mutex> lock(mu_);
  return injected_path_;
}

// --- files ---

namespace {

const char* ActionOf(IoOp op) {
  switch (op) {
    case IoOp::kOpen: return "cannot open";
    case IoOp::kRead: return "cannot read";
    case IoOp::kWrite: return "cannot write";
    case IoOp::kSync: return "cannot sync";
    case IoOp::kClose: return "cannot close";
    case IoOp::kRename: return "cannot rename";
    case IoOp::kLink: return "cannot link";
    case IoOp::kRemove: return "cannot remove";
    case IoOp::kCreateDir: return "cannot create folder";
    case IoOp::kList: return "cannot list folder";
    case IoOp::kSyncDir: return "cannot sync folder";
    case IoOp::kStat: return "cannot stat";
    case IoOp::kTruncate: return "cannot truncate";
    case IoOp::kLock: return "cannot lock";
    case IoOp::kShmMap: return "cannot map shared memory of";
  }
  return "cannot access";
}

class FaultSequentialFile final : public SequentialFile {
 public:
  FaultSequentialFile(FaultInjectionEnv* env, std::unique_ptr<SequentialFile> base)
      : env_(env), base_(std::move(base)) {}
  Result<size_t> Read(size_t n, char* scratch) override {
    TS_RETURN_NOT_OK(env_->Check(IoOp::kRead, base_->path()));
    return base_->Read(n, scratch);
  }
  const std::string& path() const override { return base_->path(); }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<SequentialFile> base_;
};

class FaultRandomAccessFile final : public RandomAccessFile {
 public:
  FaultRandomAccessFile(FaultInjectionEnv* env, std::unique_ptr<RandomAccessFile> base)
      : env_(env), base_(std::move(base)) {}
  Status Read(uint64_t offset, size_t n, uint8_t* out) const override {
    TS_RETURN_NOT_OK(env_->Check(IoOp::kRead, base_->path()));
    return base_->Read(offset, n, out);
  }
  uint64_t size() const override { return base_->size(); }
  const std::string& path() const override { return base_->path(); }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<RandomAccessFile> base_;
};

class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(FaultInjectionEnv* env, std::unique_ptr<WritableFile> base)
      : env_(env), base_(std::move(base)) {}
  Status Append(std::string_view data) override {
    size_t allowed = 0;
    const int err = env_->policy()->BeforeWrite(path(), data.size(), &allowed);
    if (allowed > 0) {
      TS_RETURN_NOT_OK(base_->Append(data.substr(0, allowed)));
      env_->OnAppended(path(), allowed);
    }
    if (err != 0) return ErrnoToStatus(err, "cannot write", path());
    return Status::OK();
  }
  Status Flush() override { return base_->Flush(); }
  Status Sync() override {
    TS_RETURN_NOT_OK(env_->Check(IoOp::kSync, path()));
    TS_RETURN_NOT_OK(base_->Sync());
    env_->OnSynced(path());
    return Status::OK();
  }
  Status Close() override {
    Status st = env_->Check(IoOp::kClose, path());
    Status closed = base_->Close();  // the descriptor is released either way
    return st.ok() ? closed : st;
  }
  const std::string& path() const override { return base_->path(); }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<WritableFile> base_;
};

}  // namespace

// --- FaultInjectionEnv ---

Status FaultInjectionEnv::Check(IoOp op, const std::string& path) {
  const int err = policy_->BeforeCall(op, path);
  return err == 0 ? Status::OK() : ErrnoToStatus(err, ActionOf(op), path);
}

void FaultInjectionEnv::OnAppended(const std::string& path, size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[path].size += n;
}

void FaultInjectionEnv::OnSynced(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  FileState& f = files_[path];
  f.synced = f.size;
}

Result<std::unique_ptr<SequentialFile>> FaultInjectionEnv::NewSequentialFile(
    const std::string& path) {
  TS_RETURN_NOT_OK(Check(IoOp::kOpen, path));
  TS_ASSIGN_OR_RETURN(auto base, target()->NewSequentialFile(path));
  return std::unique_ptr<SequentialFile>(new FaultSequentialFile(this, std::move(base)));
}

Result<std::unique_ptr<RandomAccessFile>> FaultInjectionEnv::NewRandomAccessFile(
    const std::string& path) {
  TS_RETURN_NOT_OK(Check(IoOp::kOpen, path));
  TS_ASSIGN_OR_RETURN(auto base, target()->NewRandomAccessFile(path));
  return std::unique_ptr<RandomAccessFile>(new FaultRandomAccessFile(this, std::move(base)));
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(const std::string& path,
                                                                         CreateMode mode) {
  TS_RETURN_NOT_OK(Check(IoOp::kOpen, path));
  TS_ASSIGN_OR_RETURN(auto base, target()->NewWritableFile(path, mode));
  // An appended file keeps its bytes: those written through this Env keep
  // their synced mark, earlier ones count as synced.
  uint64_t existing = 0;
  if (mode == CreateMode::kAppend) {
    Result<uint64_t> size = target()->GetFileSize(path);
    existing = size.ok() ? *size : 0;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(path);
    if (mode != CreateMode::kAppend || it == files_.end()) {
      files_[path] = FileState{existing, existing};
    }
  }
  return std::unique_ptr<WritableFile>(new FaultWritableFile(this, std::move(base)));
}

bool FaultInjectionEnv::FileExists(const std::string& path) {
  if (!Check(IoOp::kStat, path).ok()) return false;
  return target()->FileExists(path);
}

Result<uint64_t> FaultInjectionEnv::GetFileSize(const std::string& path) {
  TS_RETURN_NOT_OK(Check(IoOp::kStat, path));
  return target()->GetFileSize(path);
}

Status FaultInjectionEnv::RemoveFile(const std::string& path) {
  TS_RETURN_NOT_OK(Check(IoOp::kRemove, path));
  TS_RETURN_NOT_OK(target()->RemoveFile(path));
  std::lock_guard<std::mutex> lock(mu_);
  files_.erase(path);
  return Status::OK();
}

Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  TS_RETURN_NOT_OK(Check(IoOp::kRename, to));
  PendingRename pending{from, to, false, {}};
  if (target()->FileExists(to)) {
    Result<std::string> old = ReadFileToString(target(), to);
    if (old.ok()) {
      pending.had_old = true;
      pending.old_contents = std::move(*old);
    }
  }
  TS_RETURN_NOT_OK(target()->RenameFile(from, to));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(from);
  if (it != files_.end()) {
    files_[to] = it->second;
    files_.erase(from);
  }
  renames_.push_back(std::move(pending));
  return Status::OK();
}

Status FaultInjectionEnv::LinkFile(const std::string& from, const std::string& to) {
  TS_RETURN_NOT_OK(Check(IoOp::kLink, to));
  return target()->LinkFile(from, to);
}

Status FaultInjectionEnv::CreateDir(const std::string& path) {
  TS_RETURN_NOT_OK(Check(IoOp::kCreateDir, path));
  return target()->CreateDir(path);
}

Result<std::unique_ptr<FileLock>> FaultInjectionEnv::LockFile(const std::string& path) {
  TS_RETURN_NOT_OK(Check(IoOp::kLock, path));
  return target()->LockFile(path);
}

Status FaultInjectionEnv::RemoveDir(const std::string& path) {
  TS_RETURN_NOT_OK(Check(IoOp::kRemove, path));
  return target()->RemoveDir(path);
}

Result<std::vector<std::string>> FaultInjectionEnv::GetChildren(const std::string& dir) {
  TS_RETURN_NOT_OK(Check(IoOp::kList, dir));
  return target()->GetChildren(dir);
}

Status FaultInjectionEnv::SyncDir(const std::string& dir) {
  TS_RETURN_NOT_OK(Check(IoOp::kSyncDir, dir));
  TS_RETURN_NOT_OK(target()->SyncDir(dir));
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(renames_, [&](const PendingRename& r) { return ParentDir(r.to) == dir; });
  return Status::OK();
}

namespace {

Status WriteWholeFile(Env* env, const std::string& path, std::string_view contents) {
  TS_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(path, CreateMode::kTruncate));
  TS_RETURN_NOT_OK(file->Append(contents));
  return file->Close();
}

}  // namespace

Status FaultInjectionEnv::SimulateCrash() {
  std::lock_guard<std::mutex> lock(mu_);
  Env* env = target();
  // Undo unsynced renames, newest first: the file goes back to its old name
  // and the old target comes back.
  for (auto it = renames_.rbegin(); it != renames_.rend(); ++it) {
    TS_RETURN_NOT_OK(env->RenameFile(it->to, it->from));
    auto f = files_.find(it->to);
    if (f != files_.end()) {
      files_[it->from] = f->second;
      files_.erase(f);
    }
    if (it->had_old) TS_RETURN_NOT_OK(WriteWholeFile(env, it->to, it->old_contents));
  }
  renames_.clear();
  // Cut every file back to what was synced.
  for (const auto& [path, state] : files_) {
    if (state.synced == state.size || !env->FileExists(path)) continue;
    TS_ASSIGN_OR_RETURN(std::string contents, ReadFileToString(env, path));
    contents.resize(std::min<size_t>(contents.size(), state.synced));
    TS_RETURN_NOT_OK(WriteWholeFile(env, path, contents));
  }
  files_.clear();
  return Status::OK();
}

}  // namespace tessera
