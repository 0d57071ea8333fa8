#include "tessera/format/parquet/thrift.h"

#include <cassert>
#include <cstring>
#include <limits>

#include "tessera/core/coding.h"

namespace tessera::parquet::thrift {

namespace {

Status Truncated(const char* what, size_t pos) {
  return Status::Corruption("Thrift: input ends inside " + std::string(what) + " at byte " +
                            std::to_string(pos));
}

bool IsValidType(uint8_t code) { return code >= 1 && code <= 13; }

// Element codes 1 and 2 both mean bool (see CType); normalise to 2.
CType ElementType(uint8_t code) { return code == 1 ? CType::kBoolFalse : static_cast<CType>(code); }

// The fewest bytes one element of `type` can take: what bounds how many
// elements a header may honestly announce.
uint64_t MinElementBytes(CType type) {
  switch (type) {
    case CType::kDouble: return 8;
    case CType::kUuid: return 16;
    default: return 1;
  }
}

int32_t ZigZagDecode32(uint32_t n) { return static_cast<int32_t>((n >> 1) ^ (~(n & 1) + 1)); }
int64_t ZigZagDecode64(uint64_t n) { return static_cast<int64_t>((n >> 1) ^ (~(n & 1) + 1)); }
uint32_t ZigZagEncode32(int32_t n) {
  return (static_cast<uint32_t>(n) << 1) ^ static_cast<uint32_t>(n >> 31);
}
uint64_t ZigZagEncode64(int64_t n) {
  return (static_cast<uint64_t>(n) << 1) ^ static_cast<uint64_t>(n >> 63);
}

}  // namespace

const char* CTypeName(CType type) {
  switch (type) {
    case CType::kStop: return "stop";
    case CType::kBoolTrue:
    case CType::kBoolFalse: return "bool";
    case CType::kI8: return "i8";
    case CType::kI16: return "i16";
    case CType::kI32: return "i32";
    case CType::kI64: return "i64";
    case CType::kDouble: return "double";
    case CType::kBinary: return "binary";
    case CType::kList: return "list";
    case CType::kSet: return "set";
    case CType::kMap: return "map";
    case CType::kStruct: return "struct";
    case CType::kUuid: return "uuid";
  }
  return "invalid";
}

// ---------------------------------------------------------------- reader

Status CompactReader::Enter() {
  if (depth_ >= kMaxDepth) {
    return Status::Corruption("Thrift: nesting deeper than " + std::to_string(kMaxDepth) +
                              " at byte " + std::to_string(pos_));
  }
  ++depth_;
  return Status::OK();
}

Status CompactReader::BeginStruct() {
  TS_RETURN_NOT_OK(Enter());
  last_field_id_[depth_] = 0;
  return Status::OK();
}

void CompactReader::EndStruct() {
  assert(depth_ > 0);
  Leave();
}

Result<uint64_t> CompactReader::ReadVarint(int bits) {
  uint64_t result = 0;
  for (int shift = 0; shift < bits; shift += 7) {
    if (pos_ >= size_) return Truncated("a varint", pos_);
    const uint8_t byte = data_[pos_++];
    const uint64_t part = byte & 0x7f;
    // The last group may only fill the bits the integer still has.
    if (bits - shift < 7 && (part >> (bits - shift)) != 0) break;
    result |= part << shift;
    if ((byte & 0x80) == 0) return result;
  }
  return Status::Corruption("Thrift: varint wider than " + std::to_string(bits) + " bits at byte " +
                            std::to_string(pos_));
}

Result<uint32_t> CompactReader::ReadVarint32() {
  TS_ASSIGN_OR_RETURN(uint64_t v, ReadVarint(32));
  return static_cast<uint32_t>(v);
}

Result<FieldHeader> CompactReader::ReadFieldHeader() {
  if (pos_ >= size_) return Truncated("a struct (no stop field)", pos_);
  const uint8_t byte = data_[pos_++];
  FieldHeader header;
  if (byte == 0) return header;
  const uint8_t code = byte & 0x0f;
  if (!IsValidType(code)) {
    return Status::Corruption("Thrift: invalid field type " + std::to_string(code) + " at byte " +
                              std::to_string(pos_ - 1));
  }
  header.type = static_cast<CType>(code);
  const int delta = byte >> 4;
  if (delta == 0) {
    TS_ASSIGN_OR_RETURN(header.id, ReadI16());
  } else {
    const int id = last_field_id_[depth_] + delta;
    if (id > std::numeric_limits<int16_t>::max()) {
      return Status::Corruption("Thrift: field id overflows int16 at byte " +
                                std::to_string(pos_ - 1));
    }
    header.id = static_cast<int16_t>(id);
  }
  last_field_id_[depth_] = header.id;
  return header;
}

Result<int8_t> CompactReader::ReadI8() {
  if (pos_ >= size_) return Truncated("an i8", pos_);
  return static_cast<int8_t>(data_[pos_++]);
}

Result<int16_t> CompactReader::ReadI16() {
  TS_ASSIGN_OR_RETURN(int32_t v, ReadI32());
  if (v < std::numeric_limits<int16_t>::min() || v > std::numeric_limits<int16_t>::max()) {
    return Status::Corruption("Thrift: i16 value " + std::to_string(v) + " out of range");
  }
  return static_cast<int16_t>(v);
}

Result<int32_t> CompactReader::ReadI32() {
  TS_ASSIGN_OR_RETURN(uint32_t v, ReadVarint32());
  return ZigZagDecode32(v);
}

Result<int64_t> CompactReader::ReadI64() {
  TS_ASSIGN_OR_RETURN(uint64_t v, ReadVarint(64));
  return ZigZagDecode64(v);
}

Result<double> CompactReader::ReadDouble() {
  if (remaining() < 8) return Truncated("a double", pos_);
  const double value = DecodeFixed<double>(data_ + pos_);
  pos_ += 8;
  return value;
}

Result<bool> CompactReader::ReadBoolElement() {
  if (pos_ >= size_) return Truncated("a bool", pos_);
  return data_[pos_++] == 1;
}

Result<std::string_view> CompactReader::ReadBinary() {
  TS_ASSIGN_OR_RETURN(uint32_t length, ReadVarint32());
  if (length > remaining()) {
    return Status::Corruption("Thrift: binary of " + std::to_string(length) + " bytes at byte " +
                              std::to_string(pos_) + " but only " + std::to_string(remaining()) +
                              " left");
  }
  std::string_view view(reinterpret_cast<const char*>(data_ + pos_), length);
  pos_ += length;
  return view;
}

Result<std::string_view> CompactReader::ReadUuid() {
  if (remaining() < 16) return Truncated("a uuid", pos_);
  std::string_view view(reinterpret_cast<const char*>(data_ + pos_), 16);
  pos_ += 16;
  return view;
}

Status CompactReader::CheckElementCount(uint64_t count, uint64_t min_bytes_each) const {
  if (count > static_cast<uint64_t>(std::numeric_limits<int32_t>::max()) ||
      count * min_bytes_each > remaining()) {
    return Status::Corruption("Thrift: container of " + std::to_string(count) +
                              " elements at byte " + std::to_string(pos_) + " cannot fit in the " +
                              std::to_string(remaining()) + " bytes left");
  }
  return Status::OK();
}

Result<ListHeader> CompactReader::ReadListHeader() {
  if (pos_ >= size_) return Truncated("a list header", pos_);
  const uint8_t byte = data_[pos_++];
  const uint8_t code = byte & 0x0f;
  if (!IsValidType(code)) {
    return Status::Corruption("Thrift: invalid list element type " + std::to_string(code) +
                              " at byte " + std::to_string(pos_ - 1));
  }
  uint64_t size = byte >> 4;
  if (size == 15) {
    TS_ASSIGN_OR_RETURN(size, ReadVarint32());
  }
  ListHeader header;
  header.elem_type = ElementType(code);
  TS_RETURN_NOT_OK(CheckElementCount(size, MinElementBytes(header.elem_type)));
  header.size = static_cast<int32_t>(size);
  return header;
}

Result<MapHeader> CompactReader::ReadMapHeader() {
  TS_ASSIGN_OR_RETURN(uint32_t size, ReadVarint32());
  MapHeader header;
  if (size == 0) return header;
  if (pos_ >= size_) return Truncated("a map header", pos_);
  const uint8_t byte = data_[pos_++];
  if (!IsValidType(byte >> 4) || !IsValidType(byte & 0x0f)) {
    return Status::Corruption("Thrift: invalid map key/value types at byte " +
                              std::to_string(pos_ - 1));
  }
  header.key_type = ElementType(byte >> 4);
  header.value_type = ElementType(byte & 0x0f);
  TS_RETURN_NOT_OK(CheckElementCount(
      size, MinElementBytes(header.key_type) + MinElementBytes(header.value_type)));
  header.size = static_cast<int32_t>(size);
  return header;
}

Status CompactReader::ChargeAllocation(uint64_t bytes) {
  const uint64_t budget = static_cast<uint64_t>(size_) * kMaxAmplification + kAllocationSlack;
  if (bytes > budget || allocated_ > budget - bytes) {
    return Status::Corruption("Thrift: decoding " + std::to_string(size_) +
                              " bytes would allocate more than " + std::to_string(budget) +
                              " bytes (at byte " + std::to_string(pos_) + ")");
  }
  allocated_ += bytes;
  return Status::OK();
}

Status CompactReader::SkipElement(CType type) {
  if (type == CType::kBoolTrue || type == CType::kBoolFalse) return ReadBoolElement().status();
  return Skip(type);
}

Status CompactReader::SkipContainer(CType type) {
  TS_RETURN_NOT_OK(Enter());
  if (type == CType::kMap) {
    TS_ASSIGN_OR_RETURN(MapHeader map, ReadMapHeader());
    for (int32_t i = 0; i < map.size; ++i) {
      TS_RETURN_NOT_OK(SkipElement(map.key_type));
      TS_RETURN_NOT_OK(SkipElement(map.value_type));
    }
  } else {
    TS_ASSIGN_OR_RETURN(ListHeader list, ReadListHeader());
    for (int32_t i = 0; i < list.size; ++i) TS_RETURN_NOT_OK(SkipElement(list.elem_type));
  }
  Leave();
  return Status::OK();
}

Status CompactReader::Skip(CType type) {
  switch (type) {
    case CType::kBoolTrue:
    case CType::kBoolFalse: return Status::OK();  // the value was in the field header
    case CType::kI8: return ReadI8().status();
    case CType::kI16: return ReadI16().status();
    case CType::kI32: return ReadI32().status();
    case CType::kI64: return ReadI64().status();
    case CType::kDouble: return ReadDouble().status();
    case CType::kBinary: return ReadBinary().status();
    case CType::kUuid: return ReadUuid().status();
    case CType::kList:
    case CType::kSet:
    case CType::kMap: return SkipContainer(type);
    case CType::kStruct: {
      TS_RETURN_NOT_OK(BeginStruct());
      while (true) {
        TS_ASSIGN_OR_RETURN(FieldHeader field, ReadFieldHeader());
        if (field.is_stop()) break;
        TS_RETURN_NOT_OK(Skip(field.type));
      }
      EndStruct();
      return Status::OK();
    }
    case CType::kStop: break;
  }
  return Status::Corruption("Thrift: cannot skip a value of type " +
                            std::to_string(static_cast<int>(type)));
}

// ---------------------------------------------------------------- writer

void CompactWriter::BeginStruct() {
  assert(depth_ < kMaxDepth);
  ++depth_;
  last_field_id_[depth_] = 0;
}

void CompactWriter::EndStruct() {
  assert(depth_ > 0);
  out_->push_back('\0');
  --depth_;
}

void CompactWriter::WriteFieldHeader(int16_t id, CType type) {
  const int delta = id - last_field_id_[depth_];
  const auto code = static_cast<uint8_t>(type);
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | code));
  } else {
    out_->push_back(static_cast<char>(code));
    WriteI16(id);
  }
  last_field_id_[depth_] = id;
}

void CompactWriter::WriteBoolField(int16_t id, bool value) {
  WriteFieldHeader(id, value ? CType::kBoolTrue : CType::kBoolFalse);
}

void CompactWriter::WriteI8Field(int16_t id, int8_t value) {
  WriteFieldHeader(id, CType::kI8);
  WriteI8(value);
}

void CompactWriter::WriteI16Field(int16_t id, int16_t value) {
  WriteFieldHeader(id, CType::kI16);
  WriteI16(value);
}

void CompactWriter::WriteI32Field(int16_t id, int32_t value) {
  WriteFieldHeader(id, CType::kI32);
  WriteI32(value);
}

void CompactWriter::WriteI64Field(int16_t id, int64_t value) {
  WriteFieldHeader(id, CType::kI64);
  WriteI64(value);
}

void CompactWriter::WriteDoubleField(int16_t id, double value) {
  WriteFieldHeader(id, CType::kDouble);
  WriteDouble(value);
}

void CompactWriter::WriteBinaryField(int16_t id, std::string_view value) {
  WriteFieldHeader(id, CType::kBinary);
  WriteBinary(value);
}

void CompactWriter::BeginStructField(int16_t id) {
  WriteFieldHeader(id, CType::kStruct);
  BeginStruct();
}

void CompactWriter::BeginListField(int16_t id, CType elem_type, int32_t size) {
  WriteFieldHeader(id, CType::kList);
  WriteListHeader(elem_type, size);
}

void CompactWriter::WriteVarint(uint64_t value) {
  while (value >= 0x80) {
    out_->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_->push_back(static_cast<char>(value));
}

void CompactWriter::WriteI8(int8_t value) { out_->push_back(static_cast<char>(value)); }
void CompactWriter::WriteI16(int16_t value) { WriteVarint(ZigZagEncode32(value)); }
void CompactWriter::WriteI32(int32_t value) { WriteVarint(ZigZagEncode32(value)); }
void CompactWriter::WriteI64(int64_t value) { WriteVarint(ZigZagEncode64(value)); }

void CompactWriter::WriteDouble(double value) { PutFixed64(out_, std::bit_cast<uint64_t>(value)); }

void CompactWriter::WriteBoolElement(bool value) { out_->push_back(value ? 1 : 0); }

void CompactWriter::WriteBinary(std::string_view value) {
  WriteVarint(value.size());
  out_->append(value);
}

void CompactWriter::WriteUuid(std::string_view value) {
  assert(value.size() == 16);
  out_->append(value.substr(0, 16));
}

void CompactWriter::WriteListHeader(CType elem_type, int32_t size) {
  if (elem_type == CType::kBoolTrue) elem_type = CType::kBoolFalse;
  const auto code = static_cast<uint8_t>(elem_type);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | code));
  } else {
    out_->push_back(static_cast<char>(0xf0 | code));
    WriteVarint(static_cast<uint32_t>(size));
  }
}

void CompactWriter::WriteMapHeader(CType key_type, CType value_type, int32_t size) {
  if (size == 0) {
    out_->push_back('\0');
    return;
  }
  if (key_type == CType::kBoolTrue) key_type = CType::kBoolFalse;
  if (value_type == CType::kBoolTrue) value_type = CType::kBoolFalse;
  WriteVarint(static_cast<uint32_t>(size));
  out_->push_back(
      static_cast<char>((static_cast<uint8_t>(key_type) << 4) | static_cast<uint8_t>(value_type)));
}

}  // namespace tessera::parquet::thrift
