#include "tessera/offline/source_log.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <optional>
#include <set>

#include "tessera/offline/manifest_journal.h"
#include "tessera/offline/source_log_internal.h"

namespace tessera::offline {
namespace {

// 2: manifest.json is a checkpoint that manifest.log may follow (a
// Tessera that knows only 1 would miss the journal's commits, so it must
// refuse); 1: manifest.json alone, still read.
constexpr int64_t kFormatVersion = 2;
constexpr int64_t kOldestFormatVersion = 1;
// How often ReadManifest starts over when it read a checkpoint and then a
// journal that a newer checkpoint started (a writer checkpointed between
// the two reads; each retry follows real progress of a writer).
constexpr int kMaxCheckpointRaces = 1000;

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void Member(Writer* w, const char* key, int64_t value) {
  w->Key(key);
  w->Int64(value);
}

void WritePart(Writer* w, const LogPart& p) {
  w->StartObject();
  w->Key("file");
  w->String(p.file.data(), static_cast<rapidjson::SizeType>(p.file.size()));
  Member(w, "num_rows", p.num_rows);
  Member(w, "min_event_ts", p.min_event_ts);
  Member(w, "max_event_ts", p.max_event_ts);
  Member(w, "first_seq", p.first_seq);
  Member(w, "last_seq", p.last_seq);
  Member(w, "committed_at", p.committed_at);
  w->EndObject();
}

// Parsing: each helper names the JSON path of what it rejects, so a message
// reads "<origin>: parts[2].first_seq: not an integer".
class ManifestParser {
 public:
  explicit ManifestParser(std::string origin) : origin_(std::move(origin)) {}

  Status Error(const std::string& where, const std::string& reason) const {
    return Status::Corruption(origin_ + ": " + where + ": " + reason);
  }

  Result<int64_t> Int(const rapidjson::Value& obj, const char* key, const std::string& where) {
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) return Error(where, std::string("missing \"") + key + "\"");
    if (!it->value.IsInt64()) return Error(where + "." + key, "not an integer");
    return it->value.GetInt64();
  }

  Result<std::string> FileName(const rapidjson::Value& obj, const std::string& where) {
    std::string at = where + ".file";
    auto it = obj.FindMember("file");
    if (it == obj.MemberEnd()) return Error(where, "missing \"file\"");
    if (!it->value.IsString()) return Error(at, "not a string");
    std::string name(it->value.GetString(), it->value.GetStringLength());
    if (!IsPartFileName(name)) return Error(at, "not a plain file name ending in .parquet");
    if (!names_.insert(name).second) return Error(at, "names a file listed before");
    return name;
  }

  Result<LogPart> Part(const rapidjson::Value& v, const std::string& where) {
    if (!v.IsObject()) return Error(where, "not an object");
    LogPart p;
    TS_ASSIGN_OR_RETURN(p.file, FileName(v, where));
    TS_ASSIGN_OR_RETURN(p.num_rows, Int(v, "num_rows", where));
    TS_ASSIGN_OR_RETURN(p.min_event_ts, Int(v, "min_event_ts", where));
    TS_ASSIGN_OR_RETURN(p.max_event_ts, Int(v, "max_event_ts", where));
    TS_ASSIGN_OR_RETURN(p.first_seq, Int(v, "first_seq", where));
    TS_ASSIGN_OR_RETURN(p.last_seq, Int(v, "last_seq", where));
    TS_ASSIGN_OR_RETURN(p.committed_at, Int(v, "committed_at", where));
    if (p.num_rows < 1) return Error(where + ".num_rows", "must be at least 1");
    if (p.min_event_ts > p.max_event_ts) {
      return Error(where, "min_event_ts is after max_event_ts");
    }
    if (p.first_seq < 1 || p.last_seq < p.first_seq) {
      return Error(where, "seq range [first_seq, last_seq] is empty or below 1");
    }
    if (p.last_seq - p.first_seq < p.num_rows - 1) {
      return Error(where, "num_rows exceeds the seq range's length");
    }
    return p;
  }

  Status Parts(const rapidjson::Value& doc, Manifest* m) {
    auto it = doc.FindMember("parts");
    if (it == doc.MemberEnd()) return Error("manifest", "missing \"parts\"");
    if (!it->value.IsArray()) return Error("parts", "not an array");
    for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
      std::string where = "parts[" + std::to_string(i) + "]";
      TS_ASSIGN_OR_RETURN(LogPart p, Part(it->value[i], where));
      if (!m->parts.empty() && p.first_seq <= m->parts.back().last_seq) {
        return Error(where, "seq range overlaps or precedes the previous part's");
      }
      m->parts.push_back(std::move(p));
    }
    return Status::OK();
  }

  Status Replaced(const rapidjson::Value& doc, Manifest* m) {
    auto it = doc.FindMember("replaced");
    if (it == doc.MemberEnd()) return Status::OK();  // optional: no compaction yet
    if (!it->value.IsArray()) return Error("replaced", "not an array");
    for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
      std::string where = "replaced[" + std::to_string(i) + "]";
      const rapidjson::Value& v = it->value[i];
      if (!v.IsString()) return Error(where, "not a string");
      std::string name(v.GetString(), v.GetStringLength());
      if (!IsPartFileName(name)) return Error(where, "not a plain file name ending in .parquet");
      if (!names_.insert(name).second) return Error(where, "names a file listed before");
      m->replaced.push_back(std::move(name));
    }
    m->replaced_at.assign(m->replaced.size(), 0);
    auto at = doc.FindMember("replaced_at");
    if (at == doc.MemberEnd()) return Status::OK();  // written before the field existed
    if (!at->value.IsArray() || at->value.Size() != m->replaced.size()) {
      return Error("replaced_at", "not an array as long as \"replaced\"");
    }
    for (rapidjson::SizeType i = 0; i < at->value.Size(); ++i) {
      if (!at->value[i].IsInt64()) {
        return Error("replaced_at[" + std::to_string(i) + "]", "not an integer");
      }
      m->replaced_at[i] = at->value[i].GetInt64();
    }
    return Status::OK();
  }

  Result<Manifest> Parse(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError()) {
      return Status::Corruption(origin_ + ": not valid JSON at offset " +
                                std::to_string(doc.GetErrorOffset()) + ": " +
                                rapidjson::GetParseError_En(doc.GetParseError()));
    }
    if (!doc.IsObject()) return Error("manifest", "not a JSON object");
    TS_ASSIGN_OR_RETURN(int64_t version, Int(doc, "format_version", "manifest"));
    if (version < kOldestFormatVersion || version > kFormatVersion) {
      return Status::Unsupported(
          origin_ + ": format_version " + std::to_string(version) + " is not 1 or 2" +
          (version > kFormatVersion ? " (written by a newer Tessera?)" : ""));
    }
    Manifest m;
    TS_ASSIGN_OR_RETURN(m.generation, Int(doc, "generation", "manifest"));
    TS_ASSIGN_OR_RETURN(m.last_seq, Int(doc, "last_seq", "manifest"));
    if (m.generation < 0) return Error("generation", "is negative");
    if (m.last_seq < 0) return Error("last_seq", "is negative");
    TS_RETURN_NOT_OK(Parts(doc, &m));
    TS_RETURN_NOT_OK(Replaced(doc, &m));
    if (!m.parts.empty() && m.parts.back().last_seq > m.last_seq) {
      return Error("last_seq", "is below the last part's last_seq");
    }
    if (m.generation == 0 && (!m.parts.empty() || !m.replaced.empty())) {
      return Error("generation", "is 0 but parts are listed");
    }
    return m;
  }

 private:
  std::string origin_;
  std::set<std::string> names_;
};

}  // namespace

bool IsPartFileName(const std::string& name) {
  constexpr std::string_view kSuffix = ".parquet";
  if (name.size() <= kSuffix.size() || name[0] == '.') return false;
  if (name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) return false;
  for (char c : name) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string SourceLogDir(const std::string& offline_root, const std::string& project,
                         const std::string& source) {
  return offline_root + "/" + project + "/sources/" + source;
}

std::string ManifestPath(const std::string& log_dir) {
  return log_dir + "/" + internal::kManifestFile;
}

namespace {

// manifest.json alone; an empty Manifest when it does not exist.
Result<Manifest> ReadCheckpoint(Env* env, const std::string& log_dir) {
  std::string path = ManifestPath(log_dir);
  Result<std::string> text = ReadFileToString(env, path);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return Manifest{};
    return text.status();
  }
  return ManifestFromJson(*text, path);
}

}  // namespace

Result<Manifest> ReadManifest(Env* env, const std::string& log_dir) {
  const std::string journal_path = internal::JournalPath(log_dir);
  for (int attempt = 0;; ++attempt) {
    TS_ASSIGN_OR_RETURN(Manifest m, ReadCheckpoint(env, log_dir));
    TS_ASSIGN_OR_RETURN(std::optional<internal::Journal> journal,
                        internal::ReadJournal(env, journal_path));
    if (!journal.has_value() || !journal->started) return m;
    if (journal->base_generation > m.generation) {
      // A checkpoint came between the two reads: read both again.
      if (attempt < kMaxCheckpointRaces) continue;
      return Status::Corruption(
          journal_path + ": follows generation " + std::to_string(journal->base_generation) +
          " but " + internal::kManifestFile + " is at generation " + std::to_string(m.generation));
    }
    TS_RETURN_NOT_OK(internal::ApplyJournal(*journal, journal_path, &m));
    return m;
  }
}

Result<LogTail> ReadLogTail(Env* env, const std::string& log_dir, int64_t after_seq) {
  LogTail tail;
  if (!env->FileExists(internal::NextJournalPath(log_dir))) {
    TS_ASSIGN_OR_RETURN(std::optional<internal::Journal> journal,
                        internal::ReadJournal(env, internal::JournalPath(log_dir)));
    if (journal.has_value() && journal->started && journal->base_last_seq <= after_seq) {
      tail.generation = journal->generation();
      tail.last_seq = journal->last_seq();
      for (const internal::JournalCommit& commit : journal->commits) {
        if (commit.part.last_seq > after_seq) tail.parts.push_back(commit.part);
      }
      return tail;
    }
  }
  TS_ASSIGN_OR_RETURN(Manifest manifest, ReadManifest(env, log_dir));
  tail.generation = manifest.generation;
  tail.last_seq = manifest.last_seq;
  for (const LogPart& part : manifest.parts) {
    if (part.last_seq > after_seq) tail.parts.push_back(part);
  }
  return tail;
}

std::string ManifestToJson(const Manifest& manifest) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.SetIndent(' ', 2);
  w.StartObject();
  Member(&w, "format_version", kFormatVersion);
  Member(&w, "generation", manifest.generation);
  Member(&w, "last_seq", manifest.last_seq);
  w.Key("parts");
  w.StartArray();
  for (const LogPart& p : manifest.parts) WritePart(&w, p);
  w.EndArray();
  w.Key("replaced");
  w.StartArray();
  for (const std::string& f : manifest.replaced) {
    w.String(f.data(), static_cast<rapidjson::SizeType>(f.size()));
  }
  w.EndArray();
  w.Key("replaced_at");
  w.StartArray();
  for (size_t i = 0; i < manifest.replaced.size(); ++i) {
    w.Int64(i < manifest.replaced_at.size() ? manifest.replaced_at[i] : 0);
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Result<Manifest> ManifestFromJson(const std::string& text, const std::string& origin) {
  return ManifestParser(origin).Parse(text);
}

}  // namespace tessera::offline
