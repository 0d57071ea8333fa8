#include "tessera/expr/eval_util.h"

#include <cstring>

#include "tessera/core/builder.h"

namespace tessera::expr {

Result<ArrayPtr> MakeScalarArray(const Value& v) {
  std::unique_ptr<ArrayBuilder> b = ArrayBuilder::Make(v.type());
  TS_RETURN_NOT_OK(b->AppendValue(v));
  return b->Finish();
}

Result<ArrayPtr> MakeNullArray(DataType type, int64_t n) {
  TS_ASSIGN_OR_RETURN(auto bits, NewBitmap(n, false));
  BufferPtr validity(std::move(bits));
  if (type.is_list() || type.is_binary_like()) {
    TS_ASSIGN_OR_RETURN(auto offsets, Buffer::Allocate((n + 1) * 8));
    std::memset(offsets->mutable_data(), 0, static_cast<size_t>((n + 1) * 8));
    ArrayPtr child;
    BufferPtr data;
    if (type.is_list()) {
      TS_ASSIGN_OR_RETURN(child, ArrayBuilder::Make(type.element_type())->Finish());
    } else {
      TS_ASSIGN_OR_RETURN(data, Buffer::Allocate(0));
    }
    return Array::Make(type, n, validity, data, Buffer::Share(std::move(offsets)), child, n);
  }
  const int64_t bytes = n * type.fixed_width();
  TS_ASSIGN_OR_RETURN(auto values, Buffer::Allocate(bytes));
  std::memset(values->mutable_data(), 0, static_cast<size_t>(bytes));
  return Array::Make(type, n, validity, Buffer::Share(std::move(values)), nullptr, nullptr, n);
}

Result<ArrayPtr> Broadcast(const Datum& d, int64_t n) {
  if (!d.scalar || n == 1) return d.array;  // a constant is a one-value array
  const Array& a = *d.array;
  if (a.IsNull(0)) return MakeNullArray(a.type(), n);
  if (a.type().is_list() || a.type().is_binary_like()) {
    std::vector<int64_t> zeros(static_cast<size_t>(n), 0);
    return Take(a, zeros.data(), n);
  }
  return VisitFixed(a.type().id(), [&](auto tag) -> Result<ArrayPtr> {
    using T = decltype(tag);
    TS_ASSIGN_OR_RETURN(auto values, AllocValues<T>(n));
    T* out = values->template mutable_data_as<T>();
    const T v = a.values<T>()[0];
    for (int64_t i = 0; i < n; ++i) out[i] = v;
    return MakeFixed(a.type(), n, nullptr, std::move(values));
  });
}

Result<Datum> OneRowBool(bool valid, bool value) {
  thread_local ArrayPtr kept[3];  // false, true, null
  const int k = valid ? static_cast<int>(value) : 2;
  ArrayPtr& a = kept[k];
  if (a == nullptr) {
    TS_ASSIGN_OR_RETURN(auto values, AllocValues<uint8_t>(1));
    values->mutable_data()[0] = valid && value ? 1 : 0;  // a null's slot is zero
    BufferPtr validity;
    if (!valid) {
      TS_ASSIGN_OR_RETURN(auto bits, NewBitmap(1, false));
      validity = Buffer::Share(std::move(bits));
    }
    TS_ASSIGN_OR_RETURN(a, MakeFixed(DataType::Bool(), 1, validity, std::move(values)));
  }
  return Datum{a, false};
}

Result<std::unique_ptr<Buffer>> NewBitmap(int64_t n, bool set) {
  const int64_t bytes = BitmapBytes(n);
  TS_ASSIGN_OR_RETURN(auto bits, Buffer::Allocate(bytes));
  std::memset(bits->mutable_data(), set ? 0xff : 0, static_cast<size_t>(bytes));
  if (set && (n & 7) != 0)
    bits->mutable_data()[bytes - 1] = static_cast<uint8_t>((1u << (n & 7)) - 1);
  return bits;
}

Result<BufferPtr> ValidityOf(const Datum& d, int64_t n) {
  if (d.scalar) {
    if (d.array->IsValid(0)) return BufferPtr();
    TS_ASSIGN_OR_RETURN(auto bits, NewBitmap(n, false));
    return Buffer::Share(std::move(bits));
  }
  return d.array->validity_buffer();
}

Result<BufferPtr> AndBitmaps(BufferPtr va, BufferPtr vb, int64_t n) {
  if (va == nullptr) return vb;
  if (vb == nullptr) return va;
  const int64_t bytes = BitmapBytes(n);
  TS_ASSIGN_OR_RETURN(auto out, Buffer::Allocate(bytes));
  uint8_t* o = out->mutable_data();
  const uint8_t* x = va->data();
  const uint8_t* y = vb->data();
  for (int64_t i = 0; i < bytes; ++i) o[i] = x[i] & y[i];
  return Buffer::Share(std::move(out));
}

Result<BufferPtr> AndValidity(const Datum& a, const Datum& b, int64_t n) {
  TS_ASSIGN_OR_RETURN(BufferPtr va, ValidityOf(a, n));
  TS_ASSIGN_OR_RETURN(BufferPtr vb, ValidityOf(b, n));
  return AndBitmaps(std::move(va), std::move(vb), n);
}

Result<ArrayPtr> WithValidity(const Array& a, BufferPtr validity) {
  return Array::Make(a.type(), a.length(), std::move(validity), a.values_buffer(),
                     a.offsets_buffer(), a.child_ptr());
}

Result<std::unique_ptr<Buffer>> WritableBitmap(const BufferPtr& bits, int64_t n) {
  if (bits == nullptr) return NewBitmap(n, true);
  return Buffer::Copy(bits->data(), BitmapBytes(n));
}

Status ApplyRowFlags(const uint8_t* flags, int64_t n, const char* reason, KernelContext* ctx,
                     BufferPtr* validity) {
  TS_ASSIGN_OR_RETURN(auto bits, WritableBitmap(*validity, n));
  uint8_t* b = bits->mutable_data();
  for (int64_t i = 0; i < n; ++i) {
    if (flags[i] != kRowOk && GetBit(b, i)) {
      ClearBit(b, i);
      if (flags[i] == kRowError) ctx->RecordError(i, reason);
    }
  }
  *validity = Buffer::Share(std::move(bits));
  return Status::OK();
}

void CopyBits(const uint8_t* src, int64_t from, uint8_t* dst, int64_t to, int64_t n) {
  if (n <= 0) return;
  if ((from & 7) == 0 && (to & 7) == 0) {
    const int64_t whole = n >> 3;
    std::memcpy(dst + (to >> 3), src + (from >> 3), static_cast<size_t>(whole));
    const int64_t rest = n & 7;
    if (rest != 0) {
      const auto mask = static_cast<uint8_t>((1u << rest) - 1);
      uint8_t& d = dst[(to >> 3) + whole];
      d = static_cast<uint8_t>((d & ~mask) | (src[(from >> 3) + whole] & mask));
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    if (GetBit(src, from + i)) {
      SetBit(dst, to + i);
    } else {
      ClearBit(dst, to + i);
    }
  }
}

Result<ArrayPtr> MakeFixed(DataType type, int64_t n, BufferPtr validity,
                           std::unique_ptr<Buffer> values) {
  return Array::Make(type, n, std::move(validity), Buffer::Share(std::move(values)));
}

namespace {

// Validity of the taken rows, or null when the source has no nulls.
Result<BufferPtr> TakeValidity(const Array& a, const int64_t* idx, int64_t n) {
  if (a.null_count() == 0) return BufferPtr();
  TS_ASSIGN_OR_RETURN(auto bits, NewBitmap(n, false));
  uint8_t* b = bits->mutable_data();
  const uint8_t* src = a.validity_buffer()->data();
  for (int64_t i = 0; i < n; ++i) {
    b[i >> 3] |= static_cast<uint8_t>(GetBit(src, idx[i]) << (i & 7));
  }
  return Buffer::Share(std::move(bits));
}

// Offsets of the taken variable-length rows, and the element indices they
// cover in the source (for lists) or the byte total (for strings).
Result<std::unique_ptr<Buffer>> TakeOffsets(const Array& a, const int64_t* idx, int64_t n) {
  TS_ASSIGN_OR_RETURN(auto offsets, Buffer::Allocate((n + 1) * 8));
  int64_t* o = offsets->mutable_data_as<int64_t>();
  const int64_t* src = a.offsets_buffer()->data_as<int64_t>();
  o[0] = 0;
  for (int64_t i = 0; i < n; ++i) o[i + 1] = o[i] + (src[idx[i] + 1] - src[idx[i]]);
  return offsets;
}

Result<ArrayPtr> ConcatBinary(const std::vector<ArrayPtr>& parts, int64_t total) {
  int64_t bytes = 0;
  bool any_null = false;
  for (const ArrayPtr& p : parts) {
    bytes += p->offset(p->length());
    any_null |= p->null_count() > 0;
  }
  TS_ASSIGN_OR_RETURN(auto offsets, Buffer::Allocate((total + 1) * 8));
  TS_ASSIGN_OR_RETURN(auto data, Buffer::Allocate(bytes));
  std::unique_ptr<Buffer> bits;
  if (any_null) {
    TS_ASSIGN_OR_RETURN(bits, NewBitmap(total, false));
  }
  int64_t* o = offsets->mutable_data_as<int64_t>();
  o[0] = 0;
  int64_t row = 0;
  int64_t byte = 0;
  for (const ArrayPtr& p : parts) {
    const int64_t len = p->offset(p->length());
    std::memcpy(data->mutable_data() + byte, p->values_buffer()->data(), static_cast<size_t>(len));
    const int64_t* po = p->offsets_buffer()->data_as<int64_t>();
    for (int64_t i = 0; i < p->length(); ++i) o[row + i + 1] = byte + po[i + 1];
    if (bits && p->validity_buffer() != nullptr) {
      CopyBits(p->validity_buffer()->data(), 0, bits->mutable_data(), row, p->length());
    } else if (bits) {
      for (int64_t i = 0; i < p->length(); ++i) SetBit(bits->mutable_data(), row + i);
    }
    row += p->length();
    byte += len;
  }
  return Array::Make(parts[0]->type(), total, Buffer::Share(std::move(bits)),
                     Buffer::Share(std::move(data)), Buffer::Share(std::move(offsets)));
}

}  // namespace

Result<ArrayPtr> Take(const Array& a, const int64_t* idx, int64_t n) {
  TS_ASSIGN_OR_RETURN(BufferPtr validity, TakeValidity(a, idx, n));
  const DataType type = a.type();
  if (type.is_binary_like() || type.is_list()) {
    TS_ASSIGN_OR_RETURN(auto offsets, TakeOffsets(a, idx, n));
    const int64_t* o = offsets->data_as<int64_t>();
    const int64_t* src = a.offsets_buffer()->data_as<int64_t>();
    if (type.is_binary_like()) {
      TS_ASSIGN_OR_RETURN(auto data, Buffer::Allocate(o[n]));
      const uint8_t* s = a.values_buffer()->data();
      for (int64_t i = 0; i < n; ++i) {
        std::memcpy(data->mutable_data() + o[i], s + src[idx[i]],
                    static_cast<size_t>(o[i + 1] - o[i]));
      }
      return Array::Make(type, n, validity, Buffer::Share(std::move(data)),
                         Buffer::Share(std::move(offsets)));
    }
    std::vector<int64_t> child_idx;
    child_idx.reserve(static_cast<size_t>(o[n]));
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t j = src[idx[i]]; j < src[idx[i] + 1]; ++j) child_idx.push_back(j);
    }
    TS_ASSIGN_OR_RETURN(ArrayPtr child,
                        Take(a.child(), child_idx.data(), static_cast<int64_t>(child_idx.size())));
    return Array::Make(type, n, validity, nullptr, Buffer::Share(std::move(offsets)), child);
  }
  return VisitFixed(type.id(), [&](auto tag) -> Result<ArrayPtr> {
    using T = decltype(tag);
    TS_ASSIGN_OR_RETURN(auto values, AllocValues<T>(n));
    T* out = values->template mutable_data_as<T>();
    const T* in = a.values<T>();
    for (int64_t i = 0; i < n; ++i) out[i] = in[idx[i]];
    return MakeFixed(type, n, validity, std::move(values));
  });
}

namespace {

// The parts' validity laid end to end, or null when none has a null.
Result<BufferPtr> ConcatValidity(const std::vector<ArrayPtr>& parts, int64_t total) {
  bool any_null = false;
  for (const ArrayPtr& p : parts) any_null |= p->null_count() > 0;
  if (!any_null) return BufferPtr();
  TS_ASSIGN_OR_RETURN(auto bits, NewBitmap(total, false));
  int64_t at = 0;
  for (const ArrayPtr& p : parts) {
    if (p->validity_buffer() != nullptr) {
      CopyBits(p->validity_buffer()->data(), 0, bits->mutable_data(), at, p->length());
    } else {
      for (int64_t i = 0; i < p->length(); ++i) SetBit(bits->mutable_data(), at + i);
    }
    at += p->length();
  }
  return Buffer::Share(std::move(bits));
}

Result<ArrayPtr> ConcatList(const std::vector<ArrayPtr>& parts, int64_t total) {
  TS_ASSIGN_OR_RETURN(BufferPtr validity, ConcatValidity(parts, total));
  std::vector<ArrayPtr> children;
  TS_ASSIGN_OR_RETURN(auto offsets, Buffer::Allocate((total + 1) * 8));
  int64_t* o = offsets->mutable_data_as<int64_t>();
  o[0] = 0;
  int64_t row = 0, base = 0;
  for (const ArrayPtr& p : parts) {
    for (int64_t i = 0; i < p->length(); ++i) o[row + i + 1] = base + p->offset(i + 1);
    row += p->length();
    base += p->offset(p->length());
    children.push_back(p->child_ptr());
  }
  TS_ASSIGN_OR_RETURN(ArrayPtr child, Concat(children));
  return Array::Make(parts[0]->type(), total, validity, nullptr, Buffer::Share(std::move(offsets)),
                     child);
}

}  // namespace

Result<ArrayPtr> Concat(const std::vector<ArrayPtr>& parts) {
  if (parts.size() == 1) return parts[0];
  const DataType type = parts[0]->type();
  int64_t total = 0;
  for (const ArrayPtr& p : parts) total += p->length();
  if (type.is_binary_like()) return ConcatBinary(parts, total);
  if (type.is_list()) return ConcatList(parts, total);
  TS_ASSIGN_OR_RETURN(BufferPtr validity, ConcatValidity(parts, total));
  const int64_t width = type.fixed_width();
  TS_ASSIGN_OR_RETURN(auto values, Buffer::Allocate(total * width));
  int64_t at = 0;
  for (const ArrayPtr& p : parts) {
    if (p->length() > 0) {
      std::memcpy(values->mutable_data() + at * width, p->values_buffer()->data(),
                  static_cast<size_t>(p->length() * width));
    }
    at += p->length();
  }
  return MakeFixed(type, total, validity, std::move(values));
}

Result<ArrayPtr> Slice(const Array& a, int64_t offset, int64_t n) {
  if (offset == 0 && n == a.length()) {
    return Array::Make(a.type(), n, a.validity_buffer(), a.values_buffer(), a.offsets_buffer(),
                       a.child_ptr(), a.null_count());
  }
  // Rows are contiguous: validity by bytes, values (or bytes, or child
  // elements) in one piece, offsets rebased to start at 0.
  BufferPtr validity;
  if (a.null_count() > 0) {
    TS_ASSIGN_OR_RETURN(auto bits, NewBitmap(n, false));
    CopyBits(a.validity_buffer()->data(), offset, bits->mutable_data(), 0, n);
    validity = std::move(bits);
  }
  const DataType type = a.type();
  if (type.is_binary_like() || type.is_list()) {
    TS_ASSIGN_OR_RETURN(auto offsets, Buffer::Allocate((n + 1) * 8));
    int64_t* o = offsets->mutable_data_as<int64_t>();
    const int64_t* src = a.offsets_buffer()->data_as<int64_t>() + offset;
    const int64_t base = src[0];
    for (int64_t i = 0; i <= n; ++i) o[i] = src[i] - base;
    if (type.is_binary_like()) {
      TS_ASSIGN_OR_RETURN(auto data, Buffer::Copy(a.values_buffer()->data() + base, o[n]));
      return Array::Make(type, n, validity, Buffer::Share(std::move(data)),
                         Buffer::Share(std::move(offsets)));
    }
    TS_ASSIGN_OR_RETURN(ArrayPtr child, Slice(a.child(), base, o[n]));
    return Array::Make(type, n, validity, nullptr, Buffer::Share(std::move(offsets)), child);
  }
  const int64_t width = type.fixed_width();
  TS_ASSIGN_OR_RETURN(auto values,
                      Buffer::Copy(a.values_buffer()->data() + offset * width, n * width));
  return MakeFixed(type, n, validity, std::move(values));
}

}  // namespace tessera::expr
