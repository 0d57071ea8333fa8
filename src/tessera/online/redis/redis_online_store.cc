#include "tessera/online/redis/redis_online_store.h"

#include <algorithm>
#include <numeric>
#include <string_view>

#include "tessera/online/redis/redis_layout.h"
#include "tessera/online/redis/redis_read_plan.h"
#include "tessera/online/redis/redis_script.h"

namespace tessera::online::redis {

namespace {

bool IsNoScript(const redisReply& reply) {
  return reply.type == REDIS_REPLY_ERROR &&
         std::string_view(reply.str, reply.len).starts_with("NOSCRIPT");
}

Status Unexpected(const RedisConnection& connection, std::string_view command) {
  return Status::IOError("redis " + connection.address() + ": unexpected reply to " +
                         std::string(command));
}

}  // namespace

Result<std::unique_ptr<RedisOnlineStore>> RedisOnlineStore::Open(RedisOptions options,
                                                                 std::string project) {
  const bool plain =
      !project.empty() && project.find_first_not_of(
                              "abcdefghijklmnopqrstuvwxyz"
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == std::string::npos;
  if (!plain) {
    return Status::Invalid("redis online store: project name '" + PrintableText(project) +
                           "' must be letters, digits and '_' (it is part of every key)");
  }
  return std::unique_ptr<RedisOnlineStore>(
      new RedisOnlineStore(std::move(options), std::move(project)));
}

template <typename Fn>
Status RedisOnlineStore::WithConnection(Fn&& fn) {
  for (int attempt = 0;; ++attempt) {
    TS_ASSIGN_OR_RETURN(RedisPool::Lease lease, pool_.Acquire());
    Status status = fn(*lease);
    if (!lease->broken()) return status;
    if (!lease->closed_by_server()) return status;  // a timeout: retrying would wait again
    pool_.DropIdle();                               // opened before the same restart: stale too
    if (attempt > 0 || !lease.reused()) return status;
  }
}

Result<int64_t> RedisOnlineStore::Write(const ViewId& view, std::span<const OnlineWrite> rows) {
  const std::string field = ViewField(view);
  int64_t stored = 0;
  std::vector<uint8_t> results;
  for (size_t begin = 0; begin < rows.size(); begin += kMaxPipeline) {
    const auto chunk = rows.subspan(begin, std::min(kMaxPipeline, rows.size() - begin));
    TS_RETURN_NOT_OK(WithConnection([&](RedisConnection& connection) -> Status {
      return EvalWriteChunk(
          connection, field, chunk.size(),
          [&](size_t i, WriteArgs* args) {
            args->key = EntityHashKey(project_, chunk[i].entity_key);
            args->value = EncodeStoredRow(chunk[i].rank, chunk[i].values);
          },
          &results);
    }));
    for (uint8_t r : results) stored += r;
  }
  return stored;
}

Result<int64_t> RedisOnlineStore::WriteBulk(const ViewId& view, std::span<const OnlineWrite> rows) {
  const std::string field = ViewField(view);
  std::vector<std::string> keys(rows.size()), values(rows.size());
  std::vector<uint16_t> slots(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    keys[i] = EntityHashKey(project_, rows[i].entity_key);
    values[i] = EncodeStoredRow(rows[i].rank, rows[i].values);
    slots[i] = HashSlot(keys[i]);
  }
  // By slot, call order kept within one (rows of a key compete in order).
  std::vector<uint32_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return slots[a] < slots[b]; });
  std::vector<size_t> starts;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i == 0 || slots[order[i]] != slots[order[i - 1]] || i - starts.back() == kMaxScriptKeys) {
      starts.push_back(i);
    }
  }
  const size_t groups = starts.size();
  starts.push_back(order.size());
  int64_t stored = 0;
  for (size_t first = 0; first < groups;) {
    // A pipeline of whole groups holding at most about kMaxPipeline * 16 rows.
    size_t last = first + 1;
    while (last < groups && last - first < kMaxPipeline &&
           starts[last + 1] - starts[first] <= kMaxPipeline * 16) {
      ++last;
    }
    int64_t chunk = 0;
    TS_RETURN_NOT_OK(WithConnection([&](RedisConnection& connection) -> Status {
      chunk = 0;
      std::vector<std::string_view> argv;
      return EvalPipelined(
          connection, last - first,
          [&](size_t c) {
            const size_t g = first + c;
            const std::string count = std::to_string(starts[g + 1] - starts[g]);
            argv.assign({"EVALSHA", connection.script_sha(), count});
            for (size_t i = starts[g]; i < starts[g + 1]; ++i) argv.push_back(keys[order[i]]);
            argv.push_back(field);
            for (size_t i = starts[g]; i < starts[g + 1]; ++i) argv.push_back(values[order[i]]);
            connection.Append(argv);
          },
          [&](size_t, long long stored_rows) { chunk += stored_rows; });
    }));
    stored += chunk;
    first = last;
  }
  return stored;
}

Status RedisOnlineStore::CompareAndWrite(const ViewId& view,
                                         std::span<const OnlineCompareWrite> rows,
                                         std::vector<uint8_t>* stored) {
  const std::string field = ViewField(view);
  stored->assign(rows.size(), 0);
  std::vector<uint8_t> results;
  for (size_t begin = 0; begin < rows.size(); begin += kMaxPipeline) {
    const auto chunk = rows.subspan(begin, std::min(kMaxPipeline, rows.size() - begin));
    TS_RETURN_NOT_OK(WithConnection([&](RedisConnection& connection) -> Status {
      return EvalWriteChunk(
          connection, field, chunk.size(),
          [&](size_t i, WriteArgs* args) {
            const OnlineCompareWrite& w = chunk[i];
            args->key = EntityHashKey(project_, w.entity_key);
            args->value = EncodeStoredRow(w.rank, w.values);
            args->expected = w.expected == nullptr
                                 ? std::string()
                                 : EncodeStoredRow(w.expected->rank, w.expected->values);
          },
          &results);
    }));
    std::copy(results.begin(), results.end(), stored->begin() + static_cast<std::ptrdiff_t>(begin));
  }
  return Status::OK();
}

Status RedisOnlineStore::EvalWriteChunk(RedisConnection& connection, const std::string& field,
                                        size_t n,
                                        const std::function<void(size_t, WriteArgs*)>& make_args,
                                        std::vector<uint8_t>* results) {
  results->assign(n, 0);
  WriteArgs args;
  return EvalPipelined(
      connection, n,
      [&](size_t i) {
        args.expected.reset();
        make_args(i, &args);
        if (args.expected.has_value()) {
          const std::string_view argv[] = {
              "EVALSHA", connection.script_sha(), "1", args.key, field, args.value, *args.expected};
          connection.Append(argv);
        } else {
          const std::string_view argv[] = {"EVALSHA", connection.script_sha(), "1", args.key, field,
                                           args.value};
          connection.Append(argv);
        }
      },
      [&](size_t i, long long reply) { (*results)[i] = reply == 1 ? 1 : 0; });
}

// Sends every call, then reads every reply (a connection goes back to the
// pool only with none unread). On NOSCRIPT (the server lost its scripts:
// SCRIPT FLUSH) the script is loaded again and the calls from the first
// NOSCRIPT on are sent again, in order, so rows of one key still land in
// the caller's order. A retry through WithConnection sends every call
// again: harmless for a tie-break write (an equal rank replaces the same
// bytes), and a compare-and-set that had landed reports 0 and the caller
// reads the key again.
Status RedisOnlineStore::EvalPipelined(RedisConnection& connection, size_t n,
                                       const std::function<void(size_t)>& append,
                                       const std::function<void(size_t, long long)>& on_reply) {
  if (connection.script_sha().empty()) TS_RETURN_NOT_OK(LoadWriteScript(&connection));
  for (size_t from = 0, loads = 0; from < n;) {
    for (size_t i = from; i < n; ++i) append(i);
    size_t first_noscript = n;
    Status error;
    for (size_t i = from; i < n; ++i) {
      TS_ASSIGN_OR_RETURN(ReplyPtr reply, connection.Next());
      if (IsNoScript(*reply)) {
        first_noscript = std::min(first_noscript, i);
      } else if (reply->type == REDIS_REPLY_ERROR) {
        if (error.ok()) error = connection.ReplyStatus(*reply, "EVALSHA (write script)");
      } else if (reply->type != REDIS_REPLY_INTEGER) {
        if (error.ok()) error = Unexpected(connection, "EVALSHA (write script)");
      } else if (i < first_noscript) {
        on_reply(i, reply->integer);
      }
    }
    TS_RETURN_NOT_OK(error);
    if (first_noscript == n) break;
    if (++loads > 1) {
      return Status::IOError("redis " + connection.address() +
                             ": EVALSHA failed: NOSCRIPT again right after SCRIPT LOAD");
    }
    TS_RETURN_NOT_OK(LoadWriteScript(&connection));
    from = first_noscript;
  }
  return Status::OK();
}

Status RedisOnlineStore::Read(std::span<const OnlineLookup> lookups,
                              std::vector<std::optional<OnlineRow>>* out) {
  out->assign(lookups.size(), std::nullopt);
  const ReadPlan plan(project_, lookups);
  for (size_t begin = 0; begin < plan.size(); begin += kMaxPipeline) {
    const size_t end = std::min(plan.size(), begin + kMaxPipeline);
    TS_RETURN_NOT_OK(WithConnection([&](RedisConnection& connection) -> Status {
      for (size_t g = begin; g < end; ++g) connection.Append(plan.Command(g));
      Status error;
      for (size_t g = begin; g < end; ++g) {
        TS_ASSIGN_OR_RETURN(ReplyPtr reply, connection.Next());
        if (error.ok()) error = plan.TakeReply(g, connection, *reply, out);
      }
      return error;
    }));
  }
  return Status::OK();
}

// DeleteView walks the project's hashes with SCAN and removes the view's
// field from each (HDEL; Redis deletes a hash left empty). Cost: SCAN visits
// every key of the database, the other projects' too, in pages of 1000, so
// it is O(keys in the database) round trips / 1000 plus one pipelined HDEL
// per hash of the project, whether or not it holds the view. That is the
// price of the one-hash-per-entity layout that makes reads one HMGET;
// deleting a view version is rare (version cleanup), reads are the hot
// path. SCAN may return a key twice; HDEL is idempotent. Keys written
// during the walk may be missed, as with any SCAN.
Status RedisOnlineStore::DeleteView(const ViewId& view) {
  const std::string field = ViewField(view);
  return WithConnection([&](RedisConnection& connection) -> Status {
    std::string cursor = "0";
    do {
      TS_RETURN_NOT_OK(DeleteScanPage(connection, field, &cursor));
    } while (cursor != "0");
    return Status::OK();
  });
}

Status RedisOnlineStore::DeleteScanPage(RedisConnection& connection, const std::string& field,
                                        std::string* cursor) {
  const std::string pattern = ProjectKeyPattern(project_);
  const std::string_view scan[] = {"SCAN", *cursor, "MATCH", pattern, "COUNT", "1000"};
  TS_ASSIGN_OR_RETURN(ReplyPtr page, connection.Command(scan));
  TS_RETURN_NOT_OK(connection.ReplyStatus(*page, "SCAN"));
  if (page->type != REDIS_REPLY_ARRAY || page->elements != 2 ||
      page->element[0]->type != REDIS_REPLY_STRING || page->element[1]->type != REDIS_REPLY_ARRAY) {
    return Unexpected(connection, "SCAN");
  }
  cursor->assign(page->element[0]->str, page->element[0]->len);
  const redisReply& keys = *page->element[1];
  for (size_t i = 0; i < keys.elements; ++i) {
    if (keys.element[i]->type != REDIS_REPLY_STRING) return Unexpected(connection, "SCAN");
    const std::string_view hdel[] = {
        "HDEL", std::string_view(keys.element[i]->str, keys.element[i]->len), field};
    connection.Append(hdel);
  }
  Status error;
  for (size_t i = 0; i < keys.elements; ++i) {
    TS_ASSIGN_OR_RETURN(ReplyPtr reply, connection.Next());
    if (error.ok()) error = connection.ReplyStatus(*reply, "HDEL");
  }
  return error;
}

Status RedisOnlineStore::Ping() {
  return WithConnection([&](RedisConnection& connection) -> Status {
    const std::string_view ping[] = {"PING"};
    TS_ASSIGN_OR_RETURN(ReplyPtr reply, connection.Command(ping));
    TS_RETURN_NOT_OK(connection.ReplyStatus(*reply, "PING"));
    if (reply->type != REDIS_REPLY_STATUS || std::string_view(reply->str, reply->len) != "PONG") {
      return Unexpected(connection, "PING");
    }
    return Status::OK();
  });
}

std::string RedisOnlineStore::Describe() const { return "redis " + pool_.options().Address(); }

}  // namespace tessera::online::redis
