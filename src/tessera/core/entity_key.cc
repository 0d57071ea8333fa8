#include "tessera/core/entity_key.h"

namespace tessera {

namespace {

constexpr uint8_t kTagNull = 0x01;
constexpr uint8_t kTagInt = 0x02;
constexpr uint8_t kTagString = 0x03;
constexpr uint8_t kTagBytes = 0x04;

Status BadEncoding(const char* why) {
  return Status::Corruption(std::string("entity key: ") + why);
}

// Reads an escaped string body starting at `pos`; advances past the
// terminator.
Status ReadEscaped(const std::string& b, size_t* pos, std::string* out) {
  while (*pos < b.size()) {
    char c = b[*pos];
    if (c != '\0') {
      out->push_back(c);
      ++*pos;
      continue;
    }
    if (*pos + 1 >= b.size()) return BadEncoding("truncated escape");
    uint8_t next = static_cast<uint8_t>(b[*pos + 1]);
    *pos += 2;
    if (next == 0x01) return Status::OK();
    if (next != 0xFF) return BadEncoding("bad escape byte");
    out->push_back('\0');
  }
  return BadEncoding("unterminated string part");
}

}  // namespace

void EntityKey::Builder::AppendNull() { bytes_.push_back(static_cast<char>(kTagNull)); }

void EntityKey::Builder::AppendInt(int64_t v) {
  // Flipping the sign bit makes two's complement order match unsigned
  // big-endian byte order.
  uint64_t u = static_cast<uint64_t>(v) ^ (uint64_t{1} << 63);
  bytes_.push_back(static_cast<char>(kTagInt));
  for (int shift = 56; shift >= 0; shift -= 8) {
    bytes_.push_back(static_cast<char>((u >> shift) & 0xff));
  }
}

void EntityKey::Builder::AppendEscaped(uint8_t tag, std::string_view v) {
  bytes_.push_back(static_cast<char>(tag));
  for (char c : v) {
    bytes_.push_back(c);
    if (c == '\0') bytes_.push_back(static_cast<char>(0xFF));
  }
  bytes_.push_back('\0');
  bytes_.push_back(static_cast<char>(0x01));
}

void EntityKey::Builder::AppendString(std::string_view v) { AppendEscaped(kTagString, v); }
void EntityKey::Builder::AppendBytes(std::string_view v) { AppendEscaped(kTagBytes, v); }

Status EntityKey::Builder::Append(const Value& v) {
  if (v.is_null()) {
    AppendNull();
    return Status::OK();
  }
  switch (v.type().id()) {
    case TypeId::kInt32:
    case TypeId::kInt64: AppendInt(v.int_value()); return Status::OK();
    case TypeId::kString: AppendString(v.string_value()); return Status::OK();
    case TypeId::kBytes: AppendBytes(v.string_value()); return Status::OK();
    default:
      return Status::Invalid("a join key must be int32, int64, string or bytes, not " +
                             v.type().ToString());
  }
}

Status EntityKey::Builder::AppendFromArray(const Array& column, int64_t row) {
  if (column.IsNull(row)) {
    AppendNull();
    return Status::OK();
  }
  switch (column.type().id()) {
    case TypeId::kInt32: AppendInt(column.GetInt32(row)); return Status::OK();
    case TypeId::kInt64: AppendInt(column.GetInt64(row)); return Status::OK();
    case TypeId::kString: AppendString(column.GetView(row)); return Status::OK();
    case TypeId::kBytes: AppendBytes(column.GetView(row)); return Status::OK();
    default:
      return Status::Invalid("a join key must be int32, int64, string or bytes, not " +
                             column.type().ToString());
  }
}

Result<EntityKey> EntityKey::FromValues(const std::vector<Value>& values) {
  Builder b;
  for (const Value& v : values) TS_RETURN_NOT_OK(b.Append(v));
  return b.Build();
}

Result<std::vector<Value>> EntityKey::Decode() const {
  std::vector<Value> out;
  size_t pos = 0;
  while (pos < bytes_.size()) {
    uint8_t tag = static_cast<uint8_t>(bytes_[pos++]);
    if (tag == kTagNull) {
      out.push_back(Value::Null(DataType::Int64()));
    } else if (tag == kTagInt) {
      if (pos + 8 > bytes_.size()) return BadEncoding("truncated integer part");
      uint64_t u = 0;
      for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(bytes_[pos + i]);
      pos += 8;
      out.push_back(Value::Int64(static_cast<int64_t>(u ^ (uint64_t{1} << 63))));
    } else if (tag == kTagString || tag == kTagBytes) {
      std::string s;
      TS_RETURN_NOT_OK(ReadEscaped(bytes_, &pos, &s));
      out.push_back(tag == kTagString ? Value::String(std::move(s)) : Value::Bytes(std::move(s)));
    } else {
      return BadEncoding("unknown part tag");
    }
  }
  return out;
}

std::string EntityKey::ToString() const {
  auto parts = Decode();
  if (!parts.ok()) return "<invalid key>";
  if (parts->size() == 1) return (*parts)[0].ToString();
  std::string out = "(";
  for (size_t i = 0; i < parts->size(); ++i) {
    if (i) out += ", ";
    out += (*parts)[i].ToString();
  }
  return out + ")";
}

}  // namespace tessera
