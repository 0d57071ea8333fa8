// Test helpers for the function kernels: build argument columns from
// Values, bind a call through the catalog, run its kernel and read the
// result back.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "tessera/core/builder.h"
#include "tessera/core/time.h"
#include "tessera/expr/functions.h"

namespace tessera::expr::fn_test {

inline Value I32(int32_t v) { return Value::Int32(v); }
inline Value I64(int64_t v) { return Value::Int64(v); }
inline Value F(float v) { return Value::Float(v); }
inline Value D(double v) { return Value::Double(v); }
inline Value S(std::string v) { return Value::String(std::move(v)); }
inline Value B(bool v) { return Value::Bool(v); }
inline Value Null(DataType t) { return Value::Null(t); }
inline Value Ts(const char* text) { return Value::Timestamp(ParseTimestamp(text).value()); }
inline Value Micros(int64_t m) { return Value::Timestamp(m); }
inline Value List(TypeId element, std::vector<Value> v) {
  return Value::List(DataType::List(element), std::move(v));
}

// A column of `type` holding `values`.
inline ArrayPtr Col(DataType type, const std::vector<Value>& values) {
  auto builder = ArrayBuilder::Make(type);
  for (const Value& v : values) EXPECT_TRUE(builder->AppendValue(v).ok()) << v.ToString();
  return builder->Finish().value();
}

// The outcome of one kernel call.
struct Call {
  ArrayPtr out;
  EvalStats stats;
  std::vector<uint8_t> error_rows;
  Status status;

  Value at(int64_t i) const { return out->GetValue(i); }
  std::vector<Value> values() const {
    std::vector<Value> v;
    for (int64_t i = 0; i < out->length(); ++i) v.push_back(out->GetValue(i));
    return v;
  }
};

// Binds `name` over the columns' types (each column must already have the
// parameter type the bind rule picks), then runs the kernel over them.
inline Call Invoke(const char* name, const std::vector<ArrayPtr>& args,
                   const std::vector<const Value*>& constants = {}) {
  Call c;
  const FunctionDef* f = FindFunction(name);
  EXPECT_NE(f, nullptr) << name;
  if (f == nullptr) return c;
  std::vector<BindArg> bind_args;
  int64_t length = args.empty() ? 0 : args[0]->length();
  for (size_t i = 0; i < args.size(); ++i) {
    bind_args.push_back(
        BindArg{args[i]->type(), false, i < constants.size() ? constants[i] : nullptr});
  }
  std::vector<DataType> params;
  DataType result;
  Status st = f->bind(bind_args, &params, &result);
  EXPECT_TRUE(st.ok()) << name << ": " << st.ToString();
  for (size_t i = 0; i < args.size() && st.ok(); ++i) {
    EXPECT_EQ(params[i], args[i]->type()) << name << " argument " << i + 1;
  }
  std::vector<const Array*> raw;
  for (const ArrayPtr& a : args) raw.push_back(a.get());
  c.error_rows.assign(static_cast<size_t>(length), 0);
  KernelContext ctx(&c.error_rows, &c.stats);
  c.status = f->kernel(&ctx, raw, length, result, &c.out);
  EXPECT_TRUE(c.status.ok()) << c.status.ToString();
  if (c.out != nullptr) {
    EXPECT_EQ(c.out->type(), result);
    EXPECT_EQ(c.out->length(), length);
  }
  return c;
}

// Calls `name` on one row of constant arguments (each given as a Value of
// the parameter type) and returns the result value.
inline Value One(const char* name, const std::vector<Value>& args, Call* call = nullptr) {
  std::vector<ArrayPtr> cols;
  std::vector<const Value*> constants;
  for (const Value& v : args) {
    cols.push_back(Col(v.type(), {v}));
    constants.push_back(&v);
  }
  Call c = Invoke(name, cols, constants);
  Value v = c.out ? c.at(0) : Value::Null(DataType::Int64());
  if (call != nullptr) *call = std::move(c);
  return v;
}

// The bits of a double, to tell -0.0 from 0.0.
inline uint64_t Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}

}  // namespace tessera::expr::fn_test
