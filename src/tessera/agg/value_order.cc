#include "tessera/agg/value_order.h"

#include <bit>
#include <cmath>
#include <limits>

namespace tessera::agg {

ValueKind KindOf(DataType type) {
  switch (type.id()) {
    case TypeId::kFloat:
    case TypeId::kDouble: return ValueKind::kFloat;
    case TypeId::kString:
    case TypeId::kBytes: return ValueKind::kBytes;
    default: return ValueKind::kInt;
  }
}

double CanonicalDouble(double d) {
  return std::isnan(d) ? std::numeric_limits<double>::quiet_NaN() : d;
}

uint64_t DoubleOrderKey(double d) {
  const uint64_t bits = std::bit_cast<uint64_t>(CanonicalDouble(d));
  // Negative numbers reverse (flip every bit); positive ones go above them.
  return (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
}

std::strong_ordering CompareValues(ValueKind kind, const AggInput& a, const AggInput& b) {
  switch (kind) {
    case ValueKind::kInt: return a.i <=> b.i;
    case ValueKind::kFloat: return DoubleOrderKey(a.d) <=> DoubleOrderKey(b.d);
    case ValueKind::kBytes: {
      const int c = a.s.compare(b.s);  // char_traits<char>::compare is memcmp: unsigned bytes
      return c < 0 ? std::strong_ordering::less
                   : (c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal);
    }
  }
  return std::strong_ordering::equal;
}

void OwnedValue::Assign(ValueKind kind, const AggInput& v) {
  switch (kind) {
    case ValueKind::kInt: i = v.i; break;
    case ValueKind::kFloat: d = CanonicalDouble(v.d); break;
    case ValueKind::kBytes: s.assign(v.s); break;
  }
}

void EncodeValue(ValueKind kind, const AggInput& v, std::string* out) {
  switch (kind) {
    case ValueKind::kInt: PutZigZag64(out, v.i); break;
    case ValueKind::kFloat: PutDouble(out, CanonicalDouble(v.d)); break;
    case ValueKind::kBytes:
      PutVarint64(out, v.s.size());
      out->append(v.s);
      break;
  }
}

bool DecodeValue(ValueKind kind, PartialReader* in, AggInput* v) {
  switch (kind) {
    case ValueKind::kInt: return in->GetZigZag64(&v->i);
    case ValueKind::kFloat:
      if (!in->GetDouble(&v->d)) return false;
      v->d = CanonicalDouble(v->d);
      return true;
    case ValueKind::kBytes: {
      uint64_t n;
      return in->GetVarint64(&n) && in->GetBytes(n, &v->s);
    }
  }
  return false;
}

Value ToValue(DataType type, const AggInput& v) {
  switch (type.id()) {
    case TypeId::kBool: return Value::Bool(v.i != 0);
    case TypeId::kInt32: return Value::Int32(static_cast<int32_t>(v.i));
    case TypeId::kInt64: return Value::Int64(v.i);
    case TypeId::kTimestamp: return Value::Timestamp(v.i);
    case TypeId::kFloat: return Value::Float(static_cast<float>(v.d));
    case TypeId::kDouble: return Value::Double(v.d);
    case TypeId::kString: return Value::String(std::string(v.s));
    case TypeId::kBytes: return Value::Bytes(std::string(v.s));
    case TypeId::kList: break;
  }
  return Value::Null(type);
}

}  // namespace tessera::agg
