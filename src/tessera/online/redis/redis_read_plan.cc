#include "tessera/online/redis/redis_read_plan.h"

#include <unordered_map>

#include "tessera/online/redis/redis_layout.h"

namespace tessera::online::redis {

ReadPlan::ReadPlan(std::string_view project, std::span<const OnlineLookup> lookups) {
  std::unordered_map<std::string_view, uint32_t> group_of_key;
  std::unordered_map<const ViewId*, uint32_t> field_of_view;
  std::vector<uint32_t> group_of(lookups.size());
  std::vector<uint32_t> count;
  field_of_.resize(lookups.size());
  for (size_t i = 0; i < lookups.size(); ++i) {
    auto [key_it, new_key] =
        group_of_key.try_emplace(lookups[i].entity_key, static_cast<uint32_t>(keys_.size()));
    if (new_key) {
      keys_.push_back(EntityHashKey(project, lookups[i].entity_key));
      count.push_back(0);
    }
    group_of[i] = key_it->second;
    ++count[key_it->second];
    auto [field_it, new_field] =
        field_of_view.try_emplace(lookups[i].view, static_cast<uint32_t>(fields_.size()));
    if (new_field) fields_.push_back(ViewField(*lookups[i].view));
    field_of_[i] = field_it->second;
  }
  // Counting sort of the lookups by command, keeping request order within.
  begin_.assign(keys_.size() + 1, 0);
  for (size_t g = 0; g < keys_.size(); ++g) begin_[g + 1] = begin_[g] + count[g];
  std::vector<uint32_t> next(begin_.begin(), begin_.end() - 1);
  members_.resize(lookups.size());
  for (size_t i = 0; i < lookups.size(); ++i)
    members_[next[group_of[i]]++] = static_cast<uint32_t>(i);
}

std::vector<std::string_view> ReadPlan::Command(size_t g) const {
  std::vector<std::string_view> args;
  args.reserve(2 + begin_[g + 1] - begin_[g]);
  args.push_back("HMGET");
  args.push_back(keys_[g]);
  for (uint32_t m = begin_[g]; m < begin_[g + 1]; ++m)
    args.push_back(fields_[field_of_[members_[m]]]);
  return args;
}

Status ReadPlan::TakeReply(size_t g, const RedisConnection& connection, const redisReply& reply,
                           std::vector<std::optional<OnlineRow>>* out) const {
  TS_RETURN_NOT_OK(connection.ReplyStatus(reply, "HMGET"));
  const size_t expected = begin_[g + 1] - begin_[g];
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != expected) {
    return Status::IOError("redis " + connection.address() + ": unexpected reply to HMGET " +
                           keys_[g]);
  }
  for (size_t e = 0; e < expected; ++e) {
    const redisReply& element = *reply.element[e];
    if (element.type == REDIS_REPLY_NIL) continue;
    const uint32_t lookup = members_[begin_[g] + e];
    const std::string& field = fields_[field_of_[lookup]];
    if (element.type != REDIS_REPLY_STRING) {
      return Status::IOError("redis " + connection.address() + ": unexpected reply to HMGET " +
                             keys_[g] + " " + field);
    }
    TS_RETURN_NOT_OK(
        DecodeStoredRow(std::string_view(element.str, element.len),
                        "redis " + connection.address() + ": key " + keys_[g] + " field " + field,
                        &(*out)[lookup].emplace()));
  }
  return Status::OK();
}

}  // namespace tessera::online::redis
