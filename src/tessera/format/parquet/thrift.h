// A small Thrift compact-protocol codec, driven by field ids, for the Parquet
// footer and page headers (DESIGN.md section 5: no generated code, no IDL
// copied in, no exceptions). Written from the public compact-protocol
// specification (apache/thrift doc/specs/thrift-compact-protocol.md).
//
// CompactReader decodes values from a borrowed byte range. It never reads
// past the end of that range: every read checks the bytes left and returns a
// Corruption status instead. Hostile input cannot make it recurse without
// bound (structs and containers nest at most kMaxDepth deep) nor announce
// more list elements than the bytes left could hold, so callers may size
// containers from a decoded list header.
//
// CompactWriter appends the encoding of values to a std::string it borrows.
// Field ids are delta-encoded against the previous field of the same struct,
// so fields must be written in increasing id order within a struct (the
// short form needs a positive delta; the writer falls back to the long form
// otherwise, which is still valid).
//
// Thread-safety: none; a reader or writer belongs to one thread. Neither
// owns the bytes it works on; they must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/core/result.h"

namespace tessera::parquet::thrift {

// The 4-bit type codes of the compact protocol. In field headers a bool
// carries its value in the type (kBoolTrue / kBoolFalse); as a list, set or
// map element type the spec says 2, while some writers use 1: both are read
// as bool.
enum class CType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
  kUuid = 13,
};

// A name for messages ("i32", "struct", ...).
const char* CTypeName(CType type);

// Bounds on what decoding hostile input may allocate: the C++ objects a
// caller builds from one input may take at most kMaxAmplification bytes per
// input byte plus kAllocationSlack (see CompactReader::ChargeAllocation).
// Real Parquet footers decode to under 10 bytes per byte.
inline constexpr uint64_t kMaxAmplification = 64;
inline constexpr uint64_t kAllocationSlack = uint64_t{16} << 20;

// Maximum nesting of structs and containers the reader accepts. Parquet's
// deepest real structure (FileMetaData > RowGroup > ColumnChunk >
// ColumnMetaData > Statistics) is far below it.
inline constexpr int kMaxDepth = 64;

struct FieldHeader {
  int16_t id = 0;
  CType type = CType::kStop;  // kStop: the end of the struct, id is 0
  bool is_stop() const { return type == CType::kStop; }
  bool is_bool() const { return type == CType::kBoolTrue || type == CType::kBoolFalse; }
  // The value of a bool field. REQUIRES: is_bool().
  bool bool_value() const { return type == CType::kBoolTrue; }
};

// List and set headers share one layout. A bool element type comes back as
// kBoolFalse (the spec's element code 2) whichever code the writer used.
struct ListHeader {
  CType elem_type = CType::kStop;
  int32_t size = 0;
};

struct MapHeader {
  CType key_type = CType::kStop;    // kStop when size is 0 (no types sent)
  CType value_type = CType::kStop;  // kStop when size is 0
  int32_t size = 0;
};

class CompactReader {
 public:
  CompactReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  CompactReader(const CompactReader&) = delete;
  CompactReader& operator=(const CompactReader&) = delete;

  // Bytes consumed so far, and bytes left.
  size_t position() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }

  // Enters a struct: field-id deltas restart from 0. Fails when the nesting
  // would exceed kMaxDepth. Every successful BeginStruct must be matched by
  // EndStruct after the stop field was read.
  Status BeginStruct();
  void EndStruct();

  // Reads the next field header of the current struct; a stop field comes
  // back as a header with is_stop(). Fails on a bad type code or a field id
  // outside int16.
  Result<FieldHeader> ReadFieldHeader();

  Result<int8_t> ReadI8();
  Result<int16_t> ReadI16();
  Result<int32_t> ReadI32();
  Result<int64_t> ReadI64();
  Result<double> ReadDouble();
  // A bool element of a list, set or map (one byte; 1 is true, 0 false; 2 is
  // also read as false, as some writers send the field-header codes).
  Result<bool> ReadBoolElement();
  // A binary or string: a view into the input, valid while the input lives.
  Result<std::string_view> ReadBinary();
  // 16 raw bytes.
  Result<std::string_view> ReadUuid();

  // Reads a list or set header. The size is checked against the bytes left
  // (each element takes at least one byte, a double 8, a uuid 16).
  Result<ListHeader> ReadListHeader();
  Result<MapHeader> ReadMapHeader();

  // Records that the caller is about to allocate `bytes` for decoded values
  // (e.g. list size * sizeof(element)). Fails with Corruption once the total
  // exceeds kMaxAmplification * input size + kAllocationSlack: a list whose
  // elements each take one byte can otherwise make a caller allocate
  // hundreds of bytes per input byte.
  Status ChargeAllocation(uint64_t bytes);

  // Skips the value of a field of `type`, of any shape, nested structs and
  // containers included (a bool field has no value bytes).
  Status Skip(CType type);
  // Skips one list, set or map element of `type` (a bool element is a byte).
  Status SkipElement(CType type);

  // After any failure the reader's position and nesting are unspecified:
  // discard it.

 private:
  // An unsigned LEB128 integer of at most `bits` bits (32 or 64).
  Result<uint64_t> ReadVarint(int bits);
  Result<uint32_t> ReadVarint32();
  Status CheckElementCount(uint64_t count, uint64_t min_bytes_each) const;
  Status SkipContainer(CType type);
  Status Enter();
  void Leave() { --depth_; }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  int depth_ = 0;
  uint64_t allocated_ = 0;  // sum of ChargeAllocation calls
  // last_field_id_[d] is the previous field id in the struct at depth d.
  int16_t last_field_id_[kMaxDepth + 1] = {};
};

class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}
  CompactWriter(const CompactWriter&) = delete;
  CompactWriter& operator=(const CompactWriter&) = delete;

  // Structs: BeginStruct, fields, EndStruct (writes the stop field).
  // REQUIRES: nesting below kMaxDepth.
  void BeginStruct();
  void EndStruct();

  // A field header; for a bool field use WriteBoolField instead.
  void WriteFieldHeader(int16_t id, CType type);
  void WriteBoolField(int16_t id, bool value);
  void WriteI8Field(int16_t id, int8_t value);
  void WriteI16Field(int16_t id, int16_t value);
  void WriteI32Field(int16_t id, int32_t value);
  void WriteI64Field(int16_t id, int64_t value);
  void WriteDoubleField(int16_t id, double value);
  void WriteBinaryField(int16_t id, std::string_view value);
  // Writes the header of a struct field and enters the struct.
  void BeginStructField(int16_t id);
  // Writes the header of a list field and the list header.
  void BeginListField(int16_t id, CType elem_type, int32_t size);

  // Bare values (list elements, or after WriteFieldHeader).
  void WriteI8(int8_t value);
  void WriteI16(int16_t value);
  void WriteI32(int32_t value);
  void WriteI64(int64_t value);
  void WriteDouble(double value);
  void WriteBoolElement(bool value);
  void WriteBinary(std::string_view value);
  // REQUIRES: value.size() == 16.
  void WriteUuid(std::string_view value);
  // Bool elements are announced as type 2, as the spec says.
  void WriteListHeader(CType elem_type, int32_t size);
  void WriteMapHeader(CType key_type, CType value_type, int32_t size);

 private:
  void WriteVarint(uint64_t value);

  std::string* out_;
  int depth_ = 0;
  int16_t last_field_id_[kMaxDepth + 1] = {};
};

}  // namespace tessera::parquet::thrift
