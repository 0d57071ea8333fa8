// Replays every input of fuzz/corpus/expr_eval/ (and of expr_parse/, whose
// texts mostly bind in the same scope) through the checks of expr_eval_fuzz
// (compile, evaluate over edge values, determinism, batch = rows alone), so
// the seeds and the inputs the fuzzer found stay regression tests. The corpus
// is part of the repository: a missing folder fails the test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "fuzz/expr_eval_check.h"

namespace tessera::fuzz {
namespace {

namespace fs = std::filesystem;

fs::path CorpusDir(const char* name) {
  const char* src = std::getenv("TESSERA_SOURCE_DIR");
  return fs::path(src ? src : TESSERA_SOURCE_DIR) / "fuzz" / "corpus" / name;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Check(const std::string& text) {
  return CheckExprEvalInput(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

TEST(ExprEvalFuzzCorpus, EveryInputEvaluatesConsistently) {
  ASSERT_TRUE(fs::is_directory(CorpusDir("expr_eval"))) << "missing: " << CorpusDir("expr_eval");
  int inputs = 0;
  int compiled = 0;
  for (const char* name : {"expr_eval", "expr_parse"}) {
    for (const auto& entry : fs::directory_iterator(CorpusDir(name))) {
      if (!entry.is_regular_file()) continue;
      const std::string input = ReadFile(entry.path());
      EXPECT_EQ(Check(input), "") << name << "/" << entry.path().filename().string();
      if (expr::Expression::Compile(input, ExprEvalScope()).ok()) ++compiled;
      ++inputs;
    }
  }
  EXPECT_GE(inputs, 57);
  // The evaluator is exercised, not skipped: most seeds compile.
  EXPECT_GE(compiled, 45);
}

// The checker itself catches what it should (it could otherwise pass
// everything).
TEST(ExprEvalFuzzCorpus, IdenticalTellsBitsApart) {
  EXPECT_TRUE(Identical(Value::Double(1.5), Value::Double(1.5)));
  EXPECT_FALSE(Identical(Value::Double(0.0), Value::Double(-0.0)));
  EXPECT_FALSE(Identical(Value::Double(std::nan("")), Value::Double(-std::nan(""))));
  EXPECT_FALSE(Identical(Value::Double(1.0), Value::Float(1.0f)));
  EXPECT_FALSE(Identical(Value::Int64(1), Value::Null(DataType::Int64())));
  const DataType dl = DataType::List(TypeId::kDouble);
  EXPECT_FALSE(
      Identical(Value::List(dl, {Value::Double(0.0)}), Value::List(dl, {Value::Double(-0.0)})));
  EXPECT_TRUE(Identical(Value::List(dl, {Value::Null(DataType::Double())}),
                        Value::List(dl, {Value::Null(DataType::Double())})));
}

ArrayPtr Int64s(std::vector<Value> v) {
  auto b = ArrayBuilder::Make(DataType::Int64());
  for (const Value& x : v) EXPECT_TRUE(b->AppendValue(x).ok());
  return b->Finish().value();
}

TEST(ExprEvalFuzzCorpus, CheckStatsRejectsInconsistentStats) {
  const ArrayPtr out = Int64s({Value::Int64(1), Value::Null(DataType::Int64())});
  expr::EvalStats ok;
  EXPECT_EQ(CheckStats(ok, *out, 2), "");
  expr::EvalStats one{1, 1, "integer overflow in '*'"};
  EXPECT_EQ(CheckStats(one, *out, 2), "");
  EXPECT_NE(CheckStats(expr::EvalStats{1, 0, "x"}, *out, 2), "");  // row 0 is not null
  EXPECT_NE(CheckStats(expr::EvalStats{2, 1, "x"}, *out, 2), "");  // more errors than nulls
  EXPECT_NE(CheckStats(expr::EvalStats{0, 1, "x"}, *out, 2), "");  // a first row, no count
  EXPECT_NE(CheckStats(expr::EvalStats{1, 1, ""}, *out, 2), "");   // no reason
  EXPECT_NE(CheckStats(expr::EvalStats{1, 2, "x"}, *out, 2), "");  // beyond the rows
  EXPECT_NE(CheckStats(expr::EvalStats{1, 1, "a\nb"}, *out, 2), "");
}

TEST(ExprEvalFuzzCorpus, CheckAgainstRowsFindsDifferences) {
  Evaluation batch;
  batch.out = Int64s({Value::Int64(1), Value::Null(DataType::Int64())});
  batch.stats = expr::EvalStats{1, 1, "integer overflow in '*'"};
  std::vector<Evaluation> alone(2);
  alone[0].out = Int64s({Value::Int64(1)});
  alone[1].out = Int64s({Value::Null(DataType::Int64())});
  alone[1].stats = batch.stats;
  alone[1].stats.first_error_row = 0;
  auto identity = [](int64_t i) { return i; };
  EXPECT_EQ(CheckAgainstRows(batch, alone, alone[0], identity), "");
  alone[0].out = Int64s({Value::Int64(2)});
  EXPECT_NE(CheckAgainstRows(batch, alone, alone[0], identity), "");
  alone[0].out = Int64s({Value::Int64(1)});
  alone[1].stats = expr::EvalStats{};
  EXPECT_NE(CheckAgainstRows(batch, alone, alone[0], identity), "");
}

// A text that does not compile passes when its error is well formed.
TEST(ExprEvalFuzzCorpus, CompileErrorsAreChecked) {
  EXPECT_EQ(Check("i32 +"), "");
  EXPECT_EQ(Check("unknown_column"), "");
  EXPECT_EQ(Check(""), "");
}

}  // namespace
}  // namespace tessera::fuzz
