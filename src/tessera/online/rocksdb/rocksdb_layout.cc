#include "tessera/online/rocksdb/rocksdb_layout.h"

#include "tessera/core/coding.h"
#include "tessera/core/utf8.h"

namespace tessera::online {

namespace {

constexpr uint8_t kValueLayoutVersion = 1;
constexpr size_t kRankSize = 3 * 8;

void PutBigEndian(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::string MarkKey(char kind, std::string_view suffix) {
  std::string key;
  key.reserve(kRocksDbMarkPrefix.size() + 1 + suffix.size());
  key.append(kRocksDbMarkPrefix);
  key.push_back(kind);
  key.append(suffix);
  return key;
}

}  // namespace

void AppendRocksDbKey(const ViewId& view, std::string_view entity_key, std::string* out) {
  out->reserve(out->size() + entity_key.size() + view.name.size() + 11);
  out->append(entity_key);
  out->append(view.name);
  out->push_back('\0');
  PutBigEndian(out, static_cast<uint64_t>(view.version), 8);
  PutBigEndian(out, view.name.size(), 2);
}

std::string RocksDbKeySuffix(const ViewId& view) {
  std::string suffix;
  AppendRocksDbKey(view, "", &suffix);
  return suffix;
}

std::string RocksDbStoreMarkKey() { return MarkKey('F', ""); }

std::string RocksDbPointMarkKey(std::string_view suffix) { return MarkKey('P', suffix); }

std::string RocksDbBulkMarkKey(std::string_view suffix) { return MarkKey('B', suffix); }

void AppendRocksDbValue(const RowRank& rank, std::string_view values, std::string* out) {
  out->reserve(out->size() + 1 + kRankSize + values.size());
  out->push_back(static_cast<char>(kValueLayoutVersion));
  PutFixed64(out, static_cast<uint64_t>(rank.event_ts));
  PutFixed64(out, static_cast<uint64_t>(rank.created_ts));
  PutFixed64(out, static_cast<uint64_t>(rank.ingest_seq));
  out->append(values);
}

Status DecodeRocksDbValue(std::string_view value, RowRank* rank, std::string* values) {
  if (value.size() < 1 + kRankSize) {
    return Status::Corruption("online store value of " + std::to_string(value.size()) +
                              " bytes is shorter than its header (" +
                              std::to_string(1 + kRankSize) + " bytes)");
  }
  if (static_cast<uint8_t>(value[0]) != kValueLayoutVersion) {
    return Status::Corruption("online store value has unknown layout version " +
                              ByteHex(static_cast<uint8_t>(value[0])));
  }
  const char* p = value.data() + 1;
  rank->event_ts = static_cast<int64_t>(DecodeFixed64(p));
  rank->created_ts = static_cast<int64_t>(DecodeFixed64(p + 8));
  rank->ingest_seq = static_cast<int64_t>(DecodeFixed64(p + 16));
  if (values) values->assign(value.substr(1 + kRankSize));
  return Status::OK();
}

}  // namespace tessera::online
