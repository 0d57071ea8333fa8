#include "tessera/stream/stream_status.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>

#include "tessera/core/atomic_file.h"

namespace tessera::stream {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteStatus(const StreamStatus& s, JsonWriter* w) {
  auto str = [w](const char* key, const std::string& v) {
    w->Key(key);
    w->String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  auto i64 = [w](const char* key, int64_t v) {
    w->Key(key);
    w->Int64(v);
  };
  w->StartObject();
  str("source", s.source);
  str("stream", s.stream);
  str("group", s.group);
  str("consumer", s.consumer);
  w->Key("connected");
  w->Bool(s.connected);
  str("last_error", s.last_error);
  i64("entries_read", s.entries_read);
  i64("entries_claimed", s.entries_claimed);
  i64("events_applied", s.events_applied);
  i64("rejected", s.rejected);
  i64("too_old", s.too_old);
  i64("duplicates", s.duplicates);
  i64("batches", s.batches);
  i64("queued_batches", s.queued_batches);
  i64("lag_entries", s.lag_entries);
  w->Key("lag_seconds");
  w->Double(s.lag_seconds);
  w->Key("freshness_counts");
  w->StartArray();
  for (int64_t c : s.freshness_counts) w->Int64(c);
  w->EndArray();
  w->Key("freshness_sum_seconds");
  w->Double(s.freshness_sum_seconds);
  w->EndObject();
}

// Reads a status object; false when a field is missing or of another type.
bool ReadStatus(const rapidjson::Value& v, StreamStatus* s) {
  if (!v.IsObject()) return false;
  auto str = [&v](const char* key, std::string* out) {
    auto it = v.FindMember(key);
    if (it == v.MemberEnd() || !it->value.IsString()) return false;
    out->assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  auto i64 = [&v](const char* key, int64_t* out) {
    auto it = v.FindMember(key);
    if (it == v.MemberEnd() || !it->value.IsInt64()) return false;
    *out = it->value.GetInt64();
    return true;
  };
  auto dbl = [&v](const char* key, double* out) {
    auto it = v.FindMember(key);
    if (it == v.MemberEnd() || !it->value.IsNumber()) return false;
    *out = it->value.GetDouble();
    return true;
  };
  auto connected = v.FindMember("connected");
  auto counts = v.FindMember("freshness_counts");
  if (connected == v.MemberEnd() || !connected->value.IsBool() || counts == v.MemberEnd() ||
      !counts->value.IsArray()) {
    return false;
  }
  s->connected = connected->value.GetBool();
  for (const auto& c : counts->value.GetArray()) {
    if (!c.IsInt64()) return false;
    s->freshness_counts.push_back(c.GetInt64());
  }
  return str("source", &s->source) && str("stream", &s->stream) && str("group", &s->group) &&
         str("consumer", &s->consumer) && str("last_error", &s->last_error) &&
         i64("entries_read", &s->entries_read) && i64("entries_claimed", &s->entries_claimed) &&
         i64("events_applied", &s->events_applied) && i64("rejected", &s->rejected) &&
         i64("too_old", &s->too_old) && i64("duplicates", &s->duplicates) &&
         i64("batches", &s->batches) && i64("queued_batches", &s->queued_batches) &&
         i64("lag_entries", &s->lag_entries) && dbl("lag_seconds", &s->lag_seconds) &&
         dbl("freshness_sum_seconds", &s->freshness_sum_seconds);
}

bool ProcessAlive(int64_t pid) {
  if (pid <= 0) return false;
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// The freshness quantile q (0..1) from the histogram: the upper bound of the
// bucket holding it, in ms; -1 when there is no sample, INT64_MAX above the
// last bound.
int64_t FreshnessQuantileMs(const StreamStatus& s, double q) {
  int64_t total = 0;
  for (int64_t c : s.freshness_counts) total += c;
  if (total == 0) return -1;
  const double want = q * static_cast<double>(total);
  int64_t seen = 0;
  for (size_t b = 0; b < s.freshness_counts.size(); ++b) {
    seen += s.freshness_counts[b];
    if (static_cast<double>(seen) >= want) {
      return b + 1 < kFreshnessBuckets ? kFreshnessBucketsMs[b] : INT64_MAX;
    }
  }
  return INT64_MAX;
}

std::string QuantileText(int64_t ms) {
  if (ms < 0) return "-";
  if (ms == INT64_MAX)
    return "> " + std::to_string(kFreshnessBucketsMs[kFreshnessBuckets - 2]) + " ms";
  return "<= " + std::to_string(ms) + " ms";
}

}  // namespace

std::string StatusFileJson(int64_t pid, int64_t updated_at,
                           const std::vector<StreamStatus>& statuses) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("format_version");
  w.Int(1);
  w.Key("pid");
  w.Int64(pid);
  w.Key("updated_at");
  w.Int64(updated_at);
  w.Key("streams");
  w.StartArray();
  for (const StreamStatus& s : statuses) WriteStatus(s, &w);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Result<StatusFile> ParseStatusFile(const std::string& text, const std::string& origin) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  auto bad = [&origin](const std::string& why) { return Status::Corruption(origin + ": " + why); };
  if (doc.HasParseError() || !doc.IsObject()) return bad("not a JSON object");
  auto version = doc.FindMember("format_version");
  if (version == doc.MemberEnd() || !version->value.IsInt() || version->value.GetInt() != 1) {
    return bad("format_version is not 1");
  }
  StatusFile file;
  file.path = origin;
  auto pid = doc.FindMember("pid");
  auto updated = doc.FindMember("updated_at");
  auto streams = doc.FindMember("streams");
  if (pid == doc.MemberEnd() || !pid->value.IsInt64() || updated == doc.MemberEnd() ||
      !updated->value.IsInt64() || streams == doc.MemberEnd() || !streams->value.IsArray()) {
    return bad("pid, updated_at or streams is missing");
  }
  file.pid = pid->value.GetInt64();
  file.updated_at = updated->value.GetInt64();
  for (const auto& v : streams->value.GetArray()) {
    StreamStatus s;
    if (!ReadStatus(v, &s)) return bad("a stream's status is incomplete");
    file.streams.push_back(std::move(s));
  }
  return file;
}

std::string StatusDir(const std::string& repo_dir) { return repo_dir + "/data/streams"; }

Status WriteStatusFile(Env* env, const std::string& dir, const std::string& consumer, int64_t pid,
                       const std::vector<StreamStatus>& statuses) {
  std::vector<std::string> created;
  TS_RETURN_NOT_OK(CreateMissingDirs(env, dir, &created));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFileWriter> writer,
                      AtomicFileWriter::Create(env, dir + "/" + consumer + ".json"));
  TS_RETURN_NOT_OK(writer->Append(StatusFileJson(pid, env->NowMicros(), statuses)));
  return writer->Commit();
}

Result<std::vector<StatusFile>> ReadStatusFiles(Env* env, const std::string& dir,
                                                std::vector<std::string>* unreadable) {
  std::vector<StatusFile> out;
  if (!env->FileExists(dir)) return out;
  TS_ASSIGN_OR_RETURN(std::vector<std::string> names, env->GetChildren(dir));
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (name.size() < 6 || name.compare(name.size() - 5, 5, ".json") != 0) continue;
    const std::string path = dir + "/" + name;
    Result<std::string> text = ReadFileToString(env, path);
    if (!text.ok()) {
      if (unreadable != nullptr) unreadable->push_back(path + ": " + text.status().message());
      continue;
    }
    Result<StatusFile> file = ParseStatusFile(*text, path);
    if (!file.ok()) {
      if (unreadable != nullptr) unreadable->push_back(file.status().message());
      continue;
    }
    out.push_back(std::move(*file));
  }
  return out;
}

std::string StatusTable(const std::vector<StatusFile>& files, int64_t now) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof(line),
                "%-16s %-16s %-20s %-9s %10s %9s %12s %9s %9s %9s %-10s %-10s\n", "SOURCE",
                "STREAM", "CONSUMER", "STATE", "LAG", "LAG_S", "APPLIED", "REJECTED", "TOO_OLD",
                "DUPS", "FRESH_P50", "FRESH_P99");
  out += line;
  for (const StatusFile& file : files) {
    const bool alive = ProcessAlive(file.pid);
    for (const StreamStatus& s : file.streams) {
      const char* state = !alive ? "stopped" : s.connected ? "running" : "no-redis";
      std::snprintf(line, sizeof(line),
                    "%-16s %-16s %-20s %-9s %10" PRId64 " %9.3f %12" PRId64 " %9" PRId64
                    " %9" PRId64 " %9" PRId64 " %-10s %-10s\n",
                    s.source.c_str(), s.stream.c_str(), s.consumer.c_str(), state, s.lag_entries,
                    s.lag_seconds, s.events_applied, s.rejected, s.too_old, s.duplicates,
                    QuantileText(FreshnessQuantileMs(s, 0.5)).c_str(),
                    QuantileText(FreshnessQuantileMs(s, 0.99)).c_str());
      out += line;
      if (!s.last_error.empty()) out += "  last error: " + s.last_error + "\n";
    }
    std::snprintf(line, sizeof(line), "  (%s: pid %" PRId64 ", %s, updated %.1f s ago)\n",
                  file.path.c_str(), file.pid, alive ? "alive" : "not running",
                  static_cast<double>(now - file.updated_at) / 1e6);
    out += line;
  }
  if (files.empty())
    out += "(no stream consumer has run in this repo: see tessera stream --help)\n";
  return out;
}

}  // namespace tessera::stream
