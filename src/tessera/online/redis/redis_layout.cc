#include "tessera/online/redis/redis_layout.h"

namespace tessera::online::redis {

namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;

void PutOrdered64(std::string* out, int64_t value) {
  uint64_t bits = static_cast<uint64_t>(value) ^ kSignBit;
  char buf[8];
  for (int i = 7; i >= 0; --i, bits >>= 8) buf[i] = static_cast<char>(bits & 0xff);
  out->append(buf, sizeof(buf));
}

int64_t GetOrdered64(const char* p) {
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = (bits << 8) | static_cast<unsigned char>(p[i]);
  return static_cast<int64_t>(bits ^ kSignBit);
}

}  // namespace

std::string EntityHashKey(std::string_view project, std::string_view entity_key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key = "tessera:{";
  key.reserve(key.size() + project.size() + 2 + 2 * entity_key.size());
  key.append(project);
  key.push_back(':');
  for (unsigned char c : entity_key) {
    key.push_back(kHex[c >> 4]);
    key.push_back(kHex[c & 0xf]);
  }
  key.push_back('}');
  return key;
}

uint16_t HashSlot(std::string_view key) {
  const size_t open = key.find('{');
  if (open != std::string_view::npos) {
    const size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  uint16_t crc = 0;  // CRC16/XMODEM: polynomial 0x1021, initial 0, no reflection
  for (unsigned char c : key) {
    crc ^= static_cast<uint16_t>(c << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc & 16383;
}

std::string ProjectKeyPattern(std::string_view project) {
  return "tessera:{" + std::string(project) + ":*";
}

std::string ViewField(const ViewId& view) { return view.name + "@" + std::to_string(view.version); }

std::string EncodeStoredRow(const RowRank& rank, std::string_view values) {
  std::string out;
  out.reserve(kRankBytes + values.size());
  PutOrdered64(&out, rank.event_ts);
  PutOrdered64(&out, rank.created_ts);
  PutOrdered64(&out, rank.ingest_seq);
  out.append(values);
  return out;
}

Status DecodeStoredRow(std::string_view stored, std::string_view where, OnlineRow* row) {
  if (stored.size() < kRankBytes) {
    return Status::Corruption(std::string(where) + ": stored value has " +
                              std::to_string(stored.size()) + " bytes, fewer than the " +
                              std::to_string(kRankBytes) + "-byte rank");
  }
  row->rank.event_ts = GetOrdered64(stored.data());
  row->rank.created_ts = GetOrdered64(stored.data() + 8);
  row->rank.ingest_seq = GetOrdered64(stored.data() + 16);
  row->values.assign(stored.substr(kRankBytes));
  return Status::OK();
}

}  // namespace tessera::online::redis
