// ReadPlan: a batched Read as Redis commands, one HMGET per distinct entity
// key (all views of an entity live in its one hash, redis_layout.h), with
// the map from each reply element back to the lookup that asked for it.
//
// Thread-safety: immutable after construction. Borrows `lookups` (their
// views and entity keys) for its lifetime.
#pragma once

#include <hiredis/hiredis.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/status.h"
#include "tessera/online/online_store.h"
#include "tessera/online/redis/redis_connection.h"

namespace tessera::online::redis {

class ReadPlan {
 public:
  ReadPlan(std::string_view project, std::span<const OnlineLookup> lookups);

  // Number of HMGET commands.
  size_t size() const { return keys_.size(); }

  // "HMGET <hash> <field>..." of command `g`, as views into this plan.
  std::vector<std::string_view> Command(size_t g) const;

  // Stores the rows of command g's reply in (*out)[lookup]; Corruption for a
  // stored value that is not a row, IOError for an error or odd reply.
  Status TakeReply(size_t g, const RedisConnection& connection, const redisReply& reply,
                   std::vector<std::optional<OnlineRow>>* out) const;

 private:
  std::vector<std::string> keys_;    // per command: the entity's hash
  std::vector<uint32_t> begin_;      // per command + 1: its range in members_
  std::vector<uint32_t> members_;    // lookup indices, grouped by command
  std::vector<uint32_t> field_of_;   // per lookup: index in fields_
  std::vector<std::string> fields_;  // distinct "<view>@<version>"
};

}  // namespace tessera::online::redis
