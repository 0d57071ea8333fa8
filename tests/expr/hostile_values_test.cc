// Regression tests for what expr_eval_fuzz found (fuzz/corpus/expr_eval/
// keeps each input): values at the edges of their types that crashed, hit
// undefined behaviour or could exhaust memory. Each expected value is
// computed independently (by hand or with Python, quoted).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tessera/core/builder.h"
#include "tessera/expr/expression.h"

namespace tessera::expr {
namespace {

constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

struct Outcome {
  std::vector<Value> values;
  EvalStats stats;
};

// Evaluates `text` over one column `x` of `type` holding `values`.
Outcome Eval(const std::string& text, DataType type, const std::vector<Value>& values) {
  Outcome o;
  auto e = Expression::Compile(text, Scope({{"", "x", type}}));
  EXPECT_TRUE(e.ok()) << text << ": " << e.status().ToString();
  if (!e.ok()) return o;
  auto builder = ArrayBuilder::Make(type);
  for (const Value& v : values) EXPECT_TRUE(builder->AppendValue(v).ok());
  const ArrayPtr column = builder->Finish().value();
  auto out = (*e)->Evaluate({column}, column->length(), &o.stats);
  EXPECT_TRUE(out.ok()) << text << ": " << out.status().ToString();
  if (!out.ok()) return o;
  for (int64_t i = 0; i < (*out)->length(); ++i) o.values.push_back((*out)->GetValue(i));
  return o;
}

// Python: divmod(-2**63, 86400 * 10**6) and the proleptic Gregorian date of
// the day count: -290308-12-22 19:59:05.224192; 2**63 - 1:
// 294247-01-10 04:00:54.775807. The time of day was computed as
// micros - days * 86400000000, which overflows for the earliest instants.
TEST(HostileValues, TimestampLimitsCastToString) {
  Outcome o = Eval("CAST(x AS string)", DataType::Timestamp(),
                   {Value::Timestamp(kI64Min), Value::Timestamp(kI64Max),
                    Value::Timestamp(-1)});
  EXPECT_EQ(o.values, (std::vector<Value>{Value::String("-290308-12-22 19:59:05.224192"),
                                          Value::String("294247-01-10 04:00:54.775807"),
                                          Value::String("1969-12-31 23:59:59.999999")}));
  EXPECT_TRUE(o.stats.ok());
}

}  // namespace
}  // namespace tessera::expr
