#include "tessera/core/atomic_file.h"

#include <unistd.h>

#include <random>

#include "tessera/core/temp_file_registry.h"

namespace tessera {

namespace {

constexpr size_t kBufferBytes = 1 << 20;
constexpr int kCreateAttempts = 100;

// Six characters of [0-9A-Za-z], as mkstemp's XXXXXX.
std::string RandomSuffix() {
  static constexpr char kChars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^ static_cast<uint64_t>(::getpid());
  }());
  std::string s(6, '0');
  for (char& c : s) c = kChars[rng() % (sizeof(kChars) - 1)];
  return s;
}

}  // namespace

std::string TempPathFor(const std::string& path) { return path + ".tmp-" + RandomSuffix(); }

Result<std::unique_ptr<AtomicFileWriter>> AtomicFileWriter::Create(Env* env,
                                                                   const std::string& path) {
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    std::string temp = TempPathFor(path);
    Result<std::unique_ptr<WritableFile>> file = env->NewWritableFile(temp, CreateMode::kExclusive);
    if (file.ok()) {
      return std::unique_ptr<AtomicFileWriter>(
          new AtomicFileWriter(env, path, std::move(temp), std::move(*file)));
    }
    if (file.status().code() != StatusCode::kAlreadyExists) return file.status();
  }
  return Status::IOError("cannot create a temporary file next to '" + path + "'");
}

AtomicFileWriter::AtomicFileWriter(Env* env, std::string path, std::string temp_path,
                                   std::unique_ptr<WritableFile> file)
    : env_(env),
      path_(std::move(path)),
      temp_path_(std::move(temp_path)),
      file_(std::move(file)),
      registry_slot_(RegisterTempFile(temp_path_.c_str())) {}

AtomicFileWriter::~AtomicFileWriter() { Abandon(); }

void AtomicFileWriter::Abandon() {
  if (done_) return;
  done_ = true;
  file_.reset();  // closes the descriptor
  (void)env_->RemoveFile(temp_path_);
  UnregisterTempFile(registry_slot_);
}

Status AtomicFileWriter::Fail(Status st) {
  Abandon();
  return st;
}

Status AtomicFileWriter::WriteBuffer() {
  if (buffer_.empty()) return Status::OK();
  TS_RETURN_NOT_OK(file_->Append(buffer_));
  buffer_.clear();
  return Status::OK();
}

Status AtomicFileWriter::Append(std::string_view data) {
  if (done_) return Status::IOError("cannot write '" + path_ + "': the file is closed");
  if (buffer_.size() + data.size() > kBufferBytes) {
    Status st = WriteBuffer();
    if (!st.ok()) return Fail(st);
  }
  if (data.size() >= kBufferBytes) {  // large chunks skip the (now empty) buffer
    Status st = file_->Append(data);
    if (!st.ok()) return Fail(st);
  } else {
    if (buffer_.capacity() < kBufferBytes) buffer_.reserve(kBufferBytes);
    buffer_.append(data);
  }
  position_ += static_cast<int64_t>(data.size());
  return Status::OK();
}

Status AtomicFileWriter::Commit() {
  if (done_) return Status::IOError("cannot write '" + path_ + "': the file is closed");
  Status st = WriteBuffer();
  if (st.ok()) st = file_->Sync();
  if (st.ok()) st = file_->Close();
  if (st.ok()) st = env_->RenameFile(temp_path_, path_);
  if (!st.ok()) return Fail(st);
  done_ = true;
  file_.reset();
  UnregisterTempFile(registry_slot_);
  return env_->SyncDir(ParentDir(path_));
}

}  // namespace tessera
