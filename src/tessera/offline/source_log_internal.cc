#include "tessera/offline/source_log_internal.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "tessera/core/atomic_file.h"
#include "tessera/offline/manifest_journal.h"

namespace tessera::offline::internal {

std::string LockPath(const std::string& log_dir) { return log_dir + "/" + kLockFile; }
std::string CompactLockPath(const std::string& log_dir) { return log_dir + "/" + kCompactLockFile; }
std::string JournalPath(const std::string& log_dir) { return log_dir + "/" + kJournalFile; }
std::string NextJournalPath(const std::string& log_dir) { return log_dir + "/" + kNextJournalFile; }

bool IsMergeOutput(const std::string& name) {
  constexpr size_t kDigits = 20;
  if (name.size() < 5 + kDigits + 1 + kDigits || name.compare(0, 5, "part-") != 0) return false;
  auto digits = [&name](size_t from) {
    for (size_t i = from; i < from + kDigits; ++i) {
      if (name[i] < '0' || name[i] > '9') return false;
    }
    return true;
  };
  return digits(5) && name[5 + kDigits] == '-' && digits(5 + kDigits + 1);
}

Status RemoveOrphans(Env* env, const std::string& log_dir, const Manifest& manifest,
                     bool spare_merges) {
  TS_ASSIGN_OR_RETURN(std::vector<std::string> names, env->GetChildren(log_dir));
  std::unordered_set<std::string_view> named;
  named.reserve(manifest.parts.size() + manifest.replaced.size());
  for (const LogPart& p : manifest.parts) named.insert(p.file);
  for (const std::string& r : manifest.replaced) named.insert(r);
  for (const std::string& name : names) {
    if (name == kLockFile || name == kCompactLockFile || name == kManifestFile ||
        name == kJournalFile || name == kNextJournalFile) {
      continue;
    }
    if (spare_merges && IsMergeOutput(name)) continue;
    if (named.count(name) > 0) continue;
    Status st = env->RemoveFile(log_dir + "/" + name);
    if (!st.ok() && !st.IsNotFound()) return st;
  }
  return Status::OK();
}

Status WriteManifest(Env* env, const std::string& log_dir, const Manifest& manifest,
                     bool* attempted) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFileWriter> out,
                      AtomicFileWriter::Create(env, ManifestPath(log_dir)));
  TS_RETURN_NOT_OK(out->Append(ManifestToJson(manifest)));
  *attempted = true;
  return out->Commit();
}

namespace {

Status WriteWholeFile(Env* env, const std::string& path, const std::string& bytes) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file,
                      env->NewWritableFile(path, CreateMode::kTruncate));
  TS_RETURN_NOT_OK(file->Append(bytes));
  TS_RETURN_NOT_OK(file->Sync());
  return file->Close();
}

// Whether manifest.json may be the checkpoint of `generation` now: unless
// it reads back as another.
bool CheckpointMayBe(Env* env, const std::string& log_dir, int64_t generation) {
  Result<std::string> text = ReadFileToString(env, ManifestPath(log_dir));
  if (!text.ok()) return !text.status().IsNotFound();
  Result<Manifest> m = ManifestFromJson(*text, ManifestPath(log_dir));
  return !m.ok() || m->generation == generation;
}

}  // namespace

Status WriteCheckpoint(Env* env, const std::string& log_dir, const Manifest& manifest,
                       bool* attempted) {
  const std::string next = NextJournalPath(log_dir);
  Result<uint64_t> had = env->GetFileSize(next);
  if (!had.ok() && !had.status().IsNotFound()) return had.status();
  const bool had_next = had.ok();
  Status st = WriteWholeFile(env, next, EncodeStartRecord(manifest.generation, manifest.last_seq));
  if (st.ok()) st = WriteManifest(env, log_dir, manifest, attempted);
  if (!st.ok()) {
    // Before the rename manifest.log.next means nothing; after it, it is
    // what tells the next writer that manifest.log is stale.
    if (!had_next && !(*attempted && CheckpointMayBe(env, log_dir, manifest.generation))) {
      (void)env->RemoveFile(next);
    }
    return st;
  }
  if (env->RenameFile(next, JournalPath(log_dir)).ok()) (void)env->SyncDir(log_dir);
  return Status::OK();
}

Status AppendCommit(Env* env, const std::string& log_dir, int64_t generation, int64_t last_seq,
                    const LogPart& part, bool* attempted) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file,
                      env->NewWritableFile(JournalPath(log_dir), CreateMode::kAppend));
  *attempted = true;
  TS_RETURN_NOT_OK(file->Append(EncodeCommitRecord(generation, last_seq, part)));
  TS_RETURN_NOT_OK(file->Sync());
  return file->Close();
}

bool ManifestMayName(Env* env, const std::string& log_dir, const std::string& file) {
  Result<Manifest> m = ReadManifest(env, log_dir);
  if (!m.ok()) return true;
  return std::any_of(m->parts.begin(), m->parts.end(),
                     [&](const LogPart& p) { return p.file == file; });
}

}  // namespace tessera::offline::internal
