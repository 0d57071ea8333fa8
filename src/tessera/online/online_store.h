// OnlineStore: the key-value store that holds, per feature view version and
// entity key, the one row serving returns (DESIGN.md sections 1, 3, 3b).
//
// A stored row is the winner of DESIGN's tie-break among every row written
// for its (view version, entity key): the largest event_ts, then the
// largest created_ts (kNullCreatedTs, the smallest, stands for null), then
// the largest ingest_seq. Write keeps that invariant: a row replaces the
// stored one only when it ranks at least as high (an equal rank replaces,
// so re-writing the same row is idempotent and a later push of an equal
// row is what readers see). Values are opaque bytes to the store (the
// RowCodec encoding of the view version's features, row_codec.h).
//
// Backends: RocksDB (embedded, the default), Redis (hiredis), and an
// in-memory map used by tests as the reference (memory_online_store.h).
// Nothing above this interface knows which one it talks to; the factory in
// online_store_factory.h picks one from tessera.yaml.
//
// Read-modify-write (a window state, window_writer.h): CompareAndWrite
// stores a row only where the key still holds the row the caller read, so
// writers in several processes sharing a store (Redis) never lose each
// other's updates: the loser of a race reads again and retries. The rank
// cannot detect such a race (two states derived from one stored state may
// carry the same rank), so the comparison is of the whole stored row.
//
// Thread-safety: every method may be called from many threads at once.
// Write is atomic per row against other Writes (two writers racing on one
// key leave the winner of the two stored, never the loser); CompareAndWrite
// is atomic per row against every write of any process.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/core/result.h"
#include "tessera/core/status.h"

namespace tessera::online {

// created_ts of a row whose created timestamp is null; ranks below every
// real one.
inline constexpr int64_t kNullCreatedTs = std::numeric_limits<int64_t>::min();

// One feature view version: the unit whose rows share an encoding.
struct ViewId {
  std::string name;
  int64_t version = 0;
  friend bool operator==(const ViewId&, const ViewId&) = default;
};

// The tie-break rank of a row (DESIGN.md section 3).
struct RowRank {
  int64_t event_ts = 0;  // micros UTC
  int64_t created_ts = kNullCreatedTs;
  int64_t ingest_seq = 0;  // 0 for rows that never went through a source log
  friend auto operator<=>(const RowRank&, const RowRank&) = default;
};

// A row as stored and as read back.
struct OnlineRow {
  RowRank rank;
  std::string values;  // RowCodec bytes
};

// One row to write; views into caller-owned memory for the call's length.
struct OnlineWrite {
  std::string_view entity_key;  // EntityKey::bytes() of the view's join keys
  RowRank rank;
  std::string_view values;
};

// One conditional write (OnlineStore::CompareAndWrite): the row to store
// and the row its key held when the caller read it. Views into
// caller-owned memory for the call's length.
struct OnlineCompareWrite {
  std::string_view entity_key;
  const OnlineRow* expected = nullptr;  // the row read; nullptr: none was stored
  RowRank rank;
  std::string_view values;
};

// One row to read: a view version (pointer into caller-owned memory, valid
// for the call) and an entity key.
struct OnlineLookup {
  const ViewId* view = nullptr;
  std::string_view entity_key;
};

class OnlineStore {
 public:
  virtual ~OnlineStore() = default;

  // Writes `rows` of `view`, each only where it ranks at least as high as
  // the stored row of its key (see above). Within one call, rows of the
  // same key compete the same way. Returns how many rows were stored.
  // Either every row is applied or (on error) the call may have applied a
  // prefix; each applied row is durable per the backend (RocksDB: WAL).
  virtual Result<int64_t> Write(const ViewId& view, std::span<const OnlineWrite> rows) = 0;

  // Write for loads of many rows per call (materialization: up to about a
  // million), with Write's contract: the tie-break against the stored rows
  // and within the call, the count returned, atomic per row against other
  // writes, a prefix (of some order) applied on error. A backend may take a
  // bulk-load path for it (RocksDB: one sorted table file ingested, durable
  // without the WAL); rows in ascending entity-key order let it build
  // tables that do not overlap. The default is Write.
  virtual Result<int64_t> WriteBulk(const ViewId& view, std::span<const OnlineWrite> rows) {
    return Write(view, rows);
  }

  // Stores each row of `rows` only where its key's stored row is still
  // `expected` (equal rank and equal value bytes; no stored row when
  // expected is null), whatever the ranks: the caller derived the new row
  // from the expected one, so no tie-break applies. Rows are applied in
  // call order, each compared with what its key holds at that moment (so a
  // second row of one key must expect the first). (*stored)[i] is 1 when
  // rows[i] was stored, 0 when its key no longer held `expected` (the
  // caller reads it again and retries). `stored` is resized. On error some
  // rows may have been stored; the caller reads again before retrying.
  // Cost: the expected bytes travel with the new ones (Redis: sent to the
  // server; RocksDB, memory: compared in process).
  virtual Status CompareAndWrite(const ViewId& view, std::span<const OnlineCompareWrite> rows,
                                 std::vector<uint8_t>* stored) = 0;

  // Reads many keys of many views in one round trip: (*out)[i] is the row
  // of lookups[i], or nullopt when none is stored. `out` is resized.
  virtual Status Read(std::span<const OnlineLookup> lookups,
                      std::vector<std::optional<OnlineRow>>* out) = 0;

  // Deletes every row of `view` (that version only). Idempotent.
  virtual Status DeleteView(const ViewId& view) = 0;

  // Ok when the store answers (Redis: a PING); Unavailable otherwise. The
  // server's /health and 503 handling use it.
  virtual Status Ping() = 0;

  // "rocksdb data/online", "redis 127.0.0.1:6379": for logs and /health.
  virtual std::string Describe() const = 0;
};

}  // namespace tessera::online
