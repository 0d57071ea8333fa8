#include "tessera/offline/manifest_journal.h"

#include <algorithm>
#include <unordered_set>

#include "tessera/core/coding.h"
#include "tessera/format/parquet/compression.h"

namespace tessera::offline::internal {
namespace {

constexpr uint8_t kStartRecord = 1;
constexpr uint8_t kCommitRecord = 2;
constexpr uint32_t kJournalVersion = 1;
constexpr size_t kHeaderSize = 8;  // u32 length, u32 CRC
constexpr size_t kStartBodySize = 1 + 4 + 8 + 8;
constexpr size_t kCommitFixedSize = 1 + 8 * 8 + 4;  // before the name's bytes
// A torn tail is what one append left: at most one record, and a writer's
// records are about 100 bytes. A bad record with more than this after it
// (a length field that runs past the end, say) is damage, not a crash's
// trace: Corruption rather than losing the records after it unseen.
constexpr size_t kMaxTornTail = 4096;

uint32_t Crc(std::string_view body) {
  return parquet::Crc32(reinterpret_cast<const uint8_t*>(body.data()),
                        static_cast<int64_t>(body.size()));
}

std::string Frame(const std::string& body) {
  std::string out;
  out.reserve(kHeaderSize + body.size());
  PutFixed32(&out, static_cast<uint32_t>(body.size()));
  PutFixed32(&out, Crc(body));
  out += body;
  return out;
}

void PutInt64(std::string* dst, int64_t v) { PutFixed64(dst, static_cast<uint64_t>(v)); }

int64_t Int64At(std::string_view body, size_t at) {
  return static_cast<int64_t>(DecodeFixed64(body.data() + at));
}

bool AllZero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

class JournalParser {
 public:
  JournalParser(std::string_view bytes, const std::string& path) : bytes_(bytes), path_(path) {}

  Result<Journal> Parse() {
    Journal j;
    j.size = bytes_.size();
    size_t at = 0;
    while (at < bytes_.size()) {
      std::string_view body;
      if (!Framed(at, &body)) {
        // A record cut short or not checksummed whole: a torn tail when
        // nothing but zeros can follow it.
        const bool reaches_end =
            at + kHeaderSize > bytes_.size() ||
            at + kHeaderSize + DecodeFixed32(bytes_.data() + at) >= bytes_.size();
        if ((reaches_end && bytes_.size() - at <= kMaxTornTail) || AllZero(bytes_.substr(at))) {
          break;
        }
        return Error(at, "the record fails its checksum and more records follow");
      }
      TS_RETURN_NOT_OK(Record(at, body, &j));
      at += kHeaderSize + body.size();
      j.valid_size = at;
    }
    return j;
  }

 private:
  Status Error(size_t at, const std::string& reason) const {
    return Status::Corruption(path_ + ": offset " + std::to_string(at) + ": " + reason);
  }

  // Whether a whole record with a good checksum starts at `at`.
  bool Framed(size_t at, std::string_view* body) const {
    if (at + kHeaderSize > bytes_.size()) return false;
    const uint64_t length = DecodeFixed32(bytes_.data() + at);
    if (length == 0 || length > bytes_.size() - at - kHeaderSize) return false;
    *body = bytes_.substr(at + kHeaderSize, length);
    return Crc(*body) == DecodeFixed32(bytes_.data() + at + 4);
  }

  Status Record(size_t at, std::string_view body, Journal* j) {
    const uint8_t type = static_cast<uint8_t>(body[0]);
    if (!j->started) {
      if (type != kStartRecord) return Error(at, "the journal does not begin with a start record");
      if (body.size() != kStartBodySize) return Error(at, "a start record of a wrong length");
      const uint32_t version = DecodeFixed32(body.data() + 1);
      if (version != kJournalVersion) {
        return Status::Unsupported(path_ + ": journal version " + std::to_string(version) +
                                   " is not 1 (written by a newer Tessera?)");
      }
      j->base_generation = Int64At(body, 5);
      j->base_last_seq = Int64At(body, 13);
      if (j->base_generation < 0 || j->base_last_seq < 0) {
        return Error(at, "the start record's generation or last_seq is negative");
      }
      j->started = true;
      return Status::OK();
    }
    if (type != kCommitRecord) {
      return Error(at, "unknown record type " + std::to_string(static_cast<int>(type)));
    }
    TS_ASSIGN_OR_RETURN(JournalCommit c, Commit(at, body));
    if (c.generation != j->generation() + 1) {
      return Error(at, "generation " + std::to_string(c.generation) + " does not follow " +
                           std::to_string(j->generation()));
    }
    if (c.part.first_seq <= j->last_seq()) {
      return Error(at, "the part's seqs do not follow last_seq " + std::to_string(j->last_seq()));
    }
    j->commits.push_back(std::move(c));
    return Status::OK();
  }

  Result<JournalCommit> Commit(size_t at, std::string_view body) const {
    if (body.size() < kCommitFixedSize) return Error(at, "a commit record of a wrong length");
    const uint32_t name_length = DecodeFixed32(body.data() + kCommitFixedSize - 4);
    if (body.size() != kCommitFixedSize + name_length) {
      return Error(at, "a commit record of a wrong length");
    }
    JournalCommit c;
    c.offset = at;
    c.generation = Int64At(body, 1);
    c.last_seq = Int64At(body, 9);
    LogPart& p = c.part;
    p.first_seq = Int64At(body, 17);
    p.last_seq = Int64At(body, 25);
    p.num_rows = Int64At(body, 33);
    p.min_event_ts = Int64At(body, 41);
    p.max_event_ts = Int64At(body, 49);
    p.committed_at = Int64At(body, 57);
    p.file = std::string(body.substr(kCommitFixedSize, name_length));
    // The checks ManifestFromJson makes of a listed part.
    if (!IsPartFileName(p.file)) return Error(at, "the part is not a plain file name");
    if (p.num_rows < 1) return Error(at, "num_rows must be at least 1");
    if (p.min_event_ts > p.max_event_ts) return Error(at, "min_event_ts is after max_event_ts");
    if (p.first_seq < 1 || p.last_seq < p.first_seq) {
      return Error(at, "seq range [first_seq, last_seq] is empty or below 1");
    }
    if (p.last_seq - p.first_seq < p.num_rows - 1) {
      return Error(at, "num_rows exceeds the seq range's length");
    }
    if (c.last_seq < p.last_seq) return Error(at, "last_seq is below the part's last_seq");
    return c;
  }

  std::string_view bytes_;
  const std::string& path_;
};

}  // namespace

std::string EncodeStartRecord(int64_t base_generation, int64_t base_last_seq) {
  std::string body(1, static_cast<char>(kStartRecord));
  PutFixed32(&body, kJournalVersion);
  PutInt64(&body, base_generation);
  PutInt64(&body, base_last_seq);
  return Frame(body);
}

std::string EncodeCommitRecord(int64_t generation, int64_t last_seq, const LogPart& part) {
  std::string body(1, static_cast<char>(kCommitRecord));
  for (int64_t v : {generation, last_seq, part.first_seq, part.last_seq, part.num_rows,
                    part.min_event_ts, part.max_event_ts, part.committed_at}) {
    PutInt64(&body, v);
  }
  PutFixed32(&body, static_cast<uint32_t>(part.file.size()));
  body += part.file;
  return Frame(body);
}

Result<Journal> ParseJournal(std::string_view bytes, const std::string& path) {
  return JournalParser(bytes, path).Parse();
}

Result<std::optional<Journal>> ReadJournal(Env* env, const std::string& path) {
  Result<std::string> bytes = ReadFileToString(env, path);
  if (!bytes.ok()) {
    if (bytes.status().IsNotFound()) return std::optional<Journal>();
    return bytes.status();
  }
  TS_ASSIGN_OR_RETURN(Journal j, ParseJournal(*bytes, path));
  return std::optional<Journal>(std::move(j));
}

Status ApplyJournal(const Journal& journal, const std::string& path, Manifest* manifest) {
  std::unordered_set<std::string> names;
  bool named = false;
  for (const JournalCommit& c : journal.commits) {
    if (c.generation <= manifest->generation) continue;
    auto error = [&](const std::string& reason) {
      return Status::Corruption(path + ": offset " + std::to_string(c.offset) + ": " + reason);
    };
    if (c.generation != manifest->generation + 1) {
      return error("generation " + std::to_string(c.generation) +
                   " does not follow the checkpoint's " + std::to_string(manifest->generation));
    }
    if (c.part.first_seq <= manifest->last_seq) {
      return error("the part's seqs do not follow last_seq " + std::to_string(manifest->last_seq));
    }
    if (!named) {  // built once, only when a record applies
      for (const LogPart& p : manifest->parts) names.insert(p.file);
      for (const std::string& r : manifest->replaced) names.insert(r);
      named = true;
    }
    if (!names.insert(c.part.file).second) return error("names a file listed before");
    manifest->parts.push_back(c.part);
    manifest->generation = c.generation;
    manifest->last_seq = c.last_seq;
  }
  return Status::OK();
}

}  // namespace tessera::offline::internal
