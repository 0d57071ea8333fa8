// The RocksDB online store's key and value layout (docs/FORMATS.md "RocksDB
// online store"). Keys start with the entity key so that one entity's rows
// for every view sit next to each other (a serving request reading several
// views of one entity touches one or two data blocks):
//
//   key   = entity key bytes | view name | 0x00 | version (8 bytes BE)
//           | view name length (2 bytes BE)
//   value = 0x01 (layout version) | event_ts | created_ts | ingest_seq
//           (each 8 bytes LE, two's complement) | RowCodec bytes
//
// The trailer (separator, version, name length) is read from the end, so a
// key decodes unambiguously whatever bytes the entity key holds (the
// EntityKey encoding is prefix-free, but the store does not rely on it).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/core/status.h"
#include "tessera/online/online_store.h"

namespace tessera::online {

// The longest view name a key can hold (the 2-byte length).
inline constexpr size_t kMaxRocksDbViewName = 0xFFFF;

// Appends the storage key of (view, entity_key) to *out.
// REQUIRES: view.name.size() <= kMaxRocksDbViewName.
void AppendRocksDbKey(const ViewId& view, std::string_view entity_key, std::string* out);

// The trailer every key of `view` ends with (and no key of another view
// does): a key belongs to `view` exactly when it ends with it.
std::string RocksDbKeySuffix(const ViewId& view);

// Marks (docs/FORMATS.md): a few keys, all starting with kRocksDbMarkPrefix
// (0x00, which no EntityKey encoding starts with, so they sort before every
// row and never equal a row's key), that say which rows a view version may
// hold, so a bulk load into keys it cannot hold skips reading them first:
//   prefix "F"                the store kept marks since it was created
//   prefix "P" view trailer   rows of the version were written by Write or
//                             CompareAndWrite (any key)
//   prefix "B" view trailer   value: the largest storage key a WriteBulk of
//                             the version wrote (its bulk rows sort at or
//                             before it)
inline constexpr std::string_view kRocksDbMarkPrefix{"\0tessera-mark\0", 14};

std::string RocksDbStoreMarkKey();
std::string RocksDbPointMarkKey(std::string_view suffix);  // suffix: RocksDbKeySuffix
std::string RocksDbBulkMarkKey(std::string_view suffix);

// Appends the stored value of a row to *out.
void AppendRocksDbValue(const RowRank& rank, std::string_view values, std::string* out);

// Decodes a stored value's rank (and, when `values` is not null, copies the
// RowCodec bytes). Corruption when `value` is not in this layout.
Status DecodeRocksDbValue(std::string_view value, RowRank* rank, std::string* values);

}  // namespace tessera::online
