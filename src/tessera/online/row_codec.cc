// RowCodec, format version 1 (docs/FORMATS.md "Online row values"):
//
//   0x01                      format version
//   varint n                  number of values (must equal types().size())
//   ceil(n / 8) bytes         presence bitmap, LSB first (set = present);
//                             bits past n are zero
//   then each present value, in column order:
//     bool                    1 byte, 0 or 1
//     int32, float            4 bytes little-endian (float: IEEE bits)
//     int64, timestamp,
//     double                  8 bytes little-endian (double: IEEE bits)
//     string, bytes           varint length, the bytes (string: UTF-8)
//     list<T>                 varint count c, ceil(c / 8) bytes element
//                             presence bitmap, then each present element
//                             as above for T
//
// Varints are unsigned LEB128, at most 10 bytes. Nothing may follow the
// last value. Every length is checked against the bytes left before any
// allocation, so hostile input costs at most a few times its own size.
#include "tessera/online/row_codec.h"

#include <bit>
#include <cstring>

#include "tessera/core/coding.h"
#include "tessera/core/utf8.h"

namespace tessera::online {

namespace {

constexpr uint8_t kFormatVersion = 1;

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Appends a presence bitmap of `n` bits, bit i = valid(i).
template <typename Valid>
void PutBitmap(std::string* out, int64_t n, Valid valid) {
  size_t start = out->size();
  out->append(static_cast<size_t>((n + 7) / 8), '\0');
  for (int64_t i = 0; i < n; ++i) {
    if (valid(i)) (*out)[start + i / 8] |= static_cast<char>(1u << (i % 8));
  }
}

template <typename T>
void PutFixedValue(std::string* out, T v) {
  char buf[sizeof(T)];
  if constexpr (sizeof(T) == 1) {
    buf[0] = static_cast<char>(v);
  } else {
    EncodeFixed(buf, v);
  }
  out->append(buf, sizeof(T));
}

// One present scalar value (not a list) at index i of `a`.
void PutScalar(const Array& a, TypeId id, int64_t i, std::string* out) {
  switch (id) {
    case TypeId::kBool: out->push_back(a.GetBool(i) ? 1 : 0); break;
    case TypeId::kInt32: PutFixedValue(out, a.GetInt32(i)); break;
    case TypeId::kFloat: PutFixedValue(out, std::bit_cast<uint32_t>(a.GetFloat(i))); break;
    case TypeId::kInt64:
    case TypeId::kTimestamp: PutFixedValue(out, a.GetInt64(i)); break;
    case TypeId::kDouble: PutFixedValue(out, std::bit_cast<uint64_t>(a.GetDouble(i))); break;
    case TypeId::kString:
    case TypeId::kBytes: {
      std::string_view v = a.GetView(i);
      PutVarint(out, v.size());
      out->append(v);
      break;
    }
    case TypeId::kList: break;  // not a scalar; callers never pass it
  }
}

void PutList(const Array& a, int64_t row, std::string* out) {
  const Array& child = a.child();
  int64_t begin = a.offset(row), count = a.offset(row + 1) - begin;
  PutVarint(out, static_cast<uint64_t>(count));
  PutBitmap(out, count, [&](int64_t j) { return child.IsValid(begin + j); });
  TypeId element = a.type().element();
  for (int64_t j = 0; j < count; ++j) {
    if (child.IsValid(begin + j)) PutScalar(child, element, begin + j, out);
  }
}

// Bounds-checked reading of the encoding.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  size_t left() const { return static_cast<size_t>(end_ - p_); }
  bool done() const { return p_ == end_; }

  Status Byte(uint8_t* v) {
    if (left() < 1) return Truncated();
    *v = static_cast<uint8_t>(*p_++);
    return Status::OK();
  }

  Status Varint(uint64_t* v) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = 0;
      TS_RETURN_NOT_OK(Byte(&b));
      if (shift == 63 && b > 1) return Status::Corruption("online row: varint overflows 64 bits");
      result |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        *v = result;
        return Status::OK();
      }
    }
    return Status::Corruption("online row: varint longer than 10 bytes");
  }

  // `n` bytes, a view into the input.
  Status Bytes(uint64_t n, std::string_view* v) {
    if (left() < n) return Truncated();
    *v = std::string_view(p_, static_cast<size_t>(n));
    p_ += n;
    return Status::OK();
  }

  // A presence bitmap of `n` bits; bits past n must be zero.
  Status Bitmap(uint64_t n, std::string_view* bits) {
    TS_RETURN_NOT_OK(Bytes((n + 7) / 8, bits));
    if (n % 8 != 0 && (static_cast<uint8_t>(bits->back()) >> (n % 8)) != 0) {
      return Status::Corruption("online row: bits set past the end of a presence bitmap");
    }
    return Status::OK();
  }

  template <typename T>
  Status Fixed(T* v) {
    std::string_view b;
    TS_RETURN_NOT_OK(Bytes(sizeof(T), &b));
    *v = DecodeFixed<T>(b.data());
    return Status::OK();
  }

  static Status Truncated() { return Status::Corruption("online row: truncated value"); }

 private:
  const char* p_;
  const char* end_;
};

bool BitSet(std::string_view bits, uint64_t i) {
  return (static_cast<uint8_t>(bits[i / 8]) >> (i % 8)) & 1;
}

// Decodes one present scalar of type `id`, appending it to `b` (may be null).
Status GetScalar(Reader* r, TypeId id, ArrayBuilder* b) {
  switch (id) {
    case TypeId::kBool: {
      uint8_t v = 0;
      TS_RETURN_NOT_OK(r->Byte(&v));
      if (v > 1)
        return Status::Corruption("online row: bool byte " + ByteHex(v) + " is not 0 or 1");
      return b ? static_cast<BoolBuilder*>(b)->Append(v) : Status::OK();
    }
    case TypeId::kInt32: {
      int32_t v = 0;
      TS_RETURN_NOT_OK(r->Fixed(&v));
      return b ? static_cast<Int32Builder*>(b)->Append(v) : Status::OK();
    }
    case TypeId::kFloat: {
      float v = 0;
      TS_RETURN_NOT_OK(r->Fixed(&v));
      return b ? static_cast<FloatBuilder*>(b)->Append(v) : Status::OK();
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp: {
      int64_t v = 0;
      TS_RETURN_NOT_OK(r->Fixed(&v));
      return b ? static_cast<Int64Builder*>(b)->Append(v) : Status::OK();
    }
    case TypeId::kDouble: {
      double v = 0;
      TS_RETURN_NOT_OK(r->Fixed(&v));
      return b ? static_cast<DoubleBuilder*>(b)->Append(v) : Status::OK();
    }
    case TypeId::kString:
    case TypeId::kBytes: {
      uint64_t n = 0;
      std::string_view v;
      TS_RETURN_NOT_OK(r->Varint(&n));
      TS_RETURN_NOT_OK(r->Bytes(n, &v));
      if (id == TypeId::kString && !IsValidUtf8(v)) {
        return Status::Corruption("online row: string value is not valid UTF-8");
      }
      return b ? static_cast<BinaryBuilder*>(b)->Append(v) : Status::OK();
    }
    case TypeId::kList: break;
  }
  return Status::Corruption("online row: unexpected list element type");
}

Status GetList(Reader* r, TypeId element, ArrayBuilder* b) {
  uint64_t count = 0;
  std::string_view bits;
  TS_RETURN_NOT_OK(r->Varint(&count));
  // The bitmap alone needs count / 8 bytes: bounds the loop below by 8x the
  // input size before anything is appended.
  if (count / 8 > r->left()) return Reader::Truncated();
  TS_RETURN_NOT_OK(r->Bitmap(count, &bits));
  auto* list = static_cast<ListBuilder*>(b);
  ArrayBuilder* child = list ? list->child() : nullptr;
  if (list) TS_RETURN_NOT_OK(list->StartList());
  for (uint64_t j = 0; j < count; ++j) {
    if (BitSet(bits, j)) {
      TS_RETURN_NOT_OK(GetScalar(r, element, child));
    } else if (child) {
      TS_RETURN_NOT_OK(child->AppendNull());
    }
  }
  return Status::OK();
}

}  // namespace

RowCodec::RowCodec(std::vector<DataType> types) : types_(std::move(types)) {}

Status RowCodec::EncodeRow(std::span<const Array* const> columns, int64_t row,
                           std::string* out) const {
  if (columns.size() != types_.size()) {
    return Status::Invalid("RowCodec: " + std::to_string(columns.size()) + " columns for " +
                           std::to_string(types_.size()) + " types");
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i]->type() != types_[i]) {
      return Status::Invalid("RowCodec: column " + std::to_string(i) + " is " +
                             columns[i]->type().ToString() + ", expected " + types_[i].ToString());
    }
  }
  out->push_back(static_cast<char>(kFormatVersion));
  PutVarint(out, types_.size());
  PutBitmap(out, static_cast<int64_t>(columns.size()),
            [&](int64_t i) { return columns[i]->IsValid(row); });
  for (size_t i = 0; i < columns.size(); ++i) {
    const Array& a = *columns[i];
    if (a.IsNull(row)) continue;
    if (a.type().is_list()) {
      PutList(a, row, out);
    } else {
      PutScalar(a, a.type().id(), row, out);
    }
  }
  return Status::OK();
}

Status RowCodec::DecodeRow(std::string_view bytes, std::span<ArrayBuilder* const> builders,
                           std::vector<uint8_t>* is_null) const {
  if (builders.size() != types_.size()) {
    return Status::Invalid("RowCodec: " + std::to_string(builders.size()) + " builders for " +
                           std::to_string(types_.size()) + " types");
  }
  for (size_t i = 0; i < builders.size(); ++i) {
    if (builders[i] && builders[i]->type() != types_[i]) {
      return Status::Invalid("RowCodec: builder " + std::to_string(i) + " is " +
                             builders[i]->type().ToString() + ", expected " + types_[i].ToString());
    }
  }
  Reader r(bytes);
  uint8_t version = 0;
  TS_RETURN_NOT_OK(r.Byte(&version));
  if (version != kFormatVersion) {
    return Status::Corruption("online row: unknown format version " + ByteHex(version) +
                              " (this build reads version 1)");
  }
  uint64_t n = 0;
  std::string_view present;
  TS_RETURN_NOT_OK(r.Varint(&n));
  if (n != types_.size()) {
    return Status::Corruption("online row: holds " + std::to_string(n) +
                              " values, the view version has " + std::to_string(types_.size()));
  }
  TS_RETURN_NOT_OK(r.Bitmap(n, &present));
  if (is_null) is_null->assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    ArrayBuilder* b = builders[i];
    if (!BitSet(present, i)) {
      if (is_null) (*is_null)[i] = 1;
      if (b) TS_RETURN_NOT_OK(b->AppendNull());
    } else if (types_[i].is_list()) {
      TS_RETURN_NOT_OK(GetList(&r, types_[i].element(), b));
    } else {
      TS_RETURN_NOT_OK(GetScalar(&r, types_[i].id(), b));
    }
  }
  if (!r.done()) {
    return Status::Corruption("online row: " + std::to_string(r.left()) +
                              " unexpected bytes after the last value");
  }
  return Status::OK();
}

}  // namespace tessera::online
