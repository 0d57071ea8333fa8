#include "tessera/stream/stream_replies.h"

namespace tessera::stream {

namespace {

bool IsText(const redisReply& r) {
  return r.type == REDIS_REPLY_STRING || r.type == REDIS_REPLY_STATUS;
}

std::string Text(const redisReply& r) { return std::string(r.str, r.len); }

bool IsArray(const redisReply& r) { return r.type == REDIS_REPLY_ARRAY; }

// [id, [field, value, ...]] or [id, nil].
bool ParseEntry(const redisReply& r, StreamEntry* entry, bool* deleted) {
  if (!IsArray(r) || r.elements != 2 || !IsText(*r.element[0])) return false;
  entry->id = Text(*r.element[0]);
  entry->fields.clear();
  const redisReply& fields = *r.element[1];
  *deleted = fields.type == REDIS_REPLY_NIL;
  if (*deleted) return true;
  if (!IsArray(fields) || fields.elements % 2 != 0) return false;
  entry->fields.reserve(fields.elements / 2);
  for (size_t i = 0; i < fields.elements; i += 2) {
    if (!IsText(*fields.element[i]) || !IsText(*fields.element[i + 1])) return false;
    entry->fields.emplace_back(Text(*fields.element[i]), Text(*fields.element[i + 1]));
  }
  return true;
}

bool ParseEntries(const redisReply& r, std::vector<StreamEntry>* entries,
                  std::vector<std::string>* deleted) {
  if (!IsArray(r)) return false;
  entries->reserve(entries->size() + r.elements);
  for (size_t i = 0; i < r.elements; ++i) {
    StreamEntry entry;
    bool gone = false;
    if (!ParseEntry(*r.element[i], &entry, &gone)) return false;
    if (gone) {
      deleted->push_back(std::move(entry.id));
    } else {
      entries->push_back(std::move(entry));
    }
  }
  return true;
}

bool AsInt(const redisReply& r, int64_t* value) {
  if (r.type == REDIS_REPLY_NIL) {
    *value = -1;
    return true;
  }
  if (r.type != REDIS_REPLY_INTEGER) return false;
  *value = r.integer;
  return true;
}

// One group of XINFO GROUPS: a flat [name, value, ...] list.
bool ParseGroupFields(const redisReply& r, std::string* name, GroupInfo* info) {
  if (!IsArray(r) || r.elements % 2 != 0) return false;
  for (size_t i = 0; i < r.elements; i += 2) {
    if (!IsText(*r.element[i])) return false;
    const std::string key = Text(*r.element[i]);
    const redisReply& value = *r.element[i + 1];
    bool ok = true;
    if (key == "name") {
      ok = IsText(value);
      if (ok) *name = Text(value);
    } else if (key == "last-delivered-id") {
      ok = IsText(value);
      if (ok) info->last_delivered_id = Text(value);
    } else if (key == "pending") {
      ok = AsInt(value, &info->pending);
    } else if (key == "lag") {
      ok = AsInt(value, &info->lag);
    } else if (key == "consumers") {
      ok = AsInt(value, &info->consumers);
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool ParseReadReply(const redisReply& reply, std::vector<StreamEntry>* entries,
                    std::vector<std::string>* deleted) {
  if (reply.type == REDIS_REPLY_NIL) return true;
  if (!IsArray(reply)) return false;
  for (size_t i = 0; i < reply.elements; ++i) {
    const redisReply& stream = *reply.element[i];
    if (!IsArray(stream) || stream.elements != 2) return false;
    if (!ParseEntries(*stream.element[1], entries, deleted)) return false;
  }
  return true;
}

bool ParseClaimReply(const redisReply& reply, ClaimResult* result) {
  if (!IsArray(reply) || reply.elements < 2 || !IsText(*reply.element[0])) return false;
  result->next_start = Text(*reply.element[0]);
  if (!ParseEntries(*reply.element[1], &result->entries, &result->deleted)) return false;
  if (reply.elements < 3) return true;
  const redisReply& deleted = *reply.element[2];
  if (!IsArray(deleted)) return false;
  for (size_t i = 0; i < deleted.elements; ++i) {
    if (!IsText(*deleted.element[i])) return false;
    result->deleted.push_back(Text(*deleted.element[i]));
  }
  return true;
}

bool ParseGroupInfo(const redisReply& reply, std::string_view group, GroupInfo* info, bool* found) {
  *found = false;
  if (!IsArray(reply)) return false;
  for (size_t i = 0; i < reply.elements; ++i) {
    std::string name;
    GroupInfo candidate;
    candidate.lag = -1;  // Redis before 7 has no lag field
    if (!ParseGroupFields(*reply.element[i], &name, &candidate)) return false;
    if (name == group) {
      candidate.oldest_undelivered_millis = info->oldest_undelivered_millis;
      *info = std::move(candidate);
      *found = true;
    }
  }
  return true;
}

bool IsLostGroupError(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ERROR) return false;
  const std::string_view text(reply.str, reply.len);
  return text.starts_with("NOGROUP") || text.starts_with("UNBLOCKED");
}

}  // namespace tessera::stream
