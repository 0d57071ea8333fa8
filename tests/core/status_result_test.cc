#include <gtest/gtest.h>

#include "tessera/core/result.h"
#include "tessera/core/status.h"

namespace tessera {
namespace {

TEST(StatusTest, OkByDefault) {
  Status st;
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kOk);
  EXPECT_EQ(st.ToString(), "OK");
  EXPECT_EQ(st.message(), "");
}

TEST(StatusTest, CarriesCodeAndMessage) {
  Status st = Status::Invalid("bad thing at a.yaml:3");
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(st.IsInvalid());
  EXPECT_EQ(st.message(), "bad thing at a.yaml:3");
  EXPECT_EQ(st.ToString(), "Invalid argument: bad thing at a.yaml:3");
}

TEST(StatusTest, WithContextPrefixesMessageAndKeepsCode) {
  Status st = Status::Corruption("page 3").WithContext("column 'x'");
  EXPECT_TRUE(st.IsCorruption());
  EXPECT_EQ(st.message(), "column 'x': page 3");
  EXPECT_TRUE(Status::OK().WithContext("ignored").ok());
}

Status FailsWhen(bool fail) {
  if (fail) return Status::NotFound("gone");
  return Status::OK();
}

Status Chain(bool fail, int* reached) {
  TS_RETURN_NOT_OK(FailsWhen(fail));
  *reached = 1;
  return Status::OK();
}

TEST(StatusTest, ReturnNotOkShortCircuits) {
  int reached = 0;
  EXPECT_TRUE(Chain(true, &reached).IsNotFound());
  EXPECT_EQ(reached, 0);
  EXPECT_TRUE(Chain(false, &reached).ok());
  EXPECT_EQ(reached, 1);
}

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::Invalid("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  TS_ASSIGN_OR_RETURN(int h, Half(x));
  TS_ASSIGN_OR_RETURN(auto q, Half(h));
  return q;
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> r = Half(8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 4);
  Result<int> e = Half(3);
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "odd");
  EXPECT_EQ(e.ValueOr(-1), -1);
}

TEST(ResultTest, AssignOrReturnPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_FALSE(Quarter(6).ok());  // 6 -> 3 -> odd
  EXPECT_FALSE(Quarter(5).ok());
}

TEST(ResultTest, OkStatusIsNotAValue) {
  Result<int> r{Status::OK()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).MoveValueUnsafe();
  EXPECT_EQ(*p, 5);
}

// Reading the value of an error is a bug: it must abort naming the status in
// every build type (NDEBUG included), never read an empty optional.
TEST(ResultDeathTest, ValueOfAnErrorAbortsWithTheStatusMessage) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const Result<int> e = Half(3);
  EXPECT_DEATH((void)e.value(), "Result accessed without a value: Invalid argument: odd");
  EXPECT_DEATH((void)*Half(5), "Result accessed without a value: Invalid argument: odd");
  Result<std::string> s{Status::NotFound("no such file 'x'")};
  EXPECT_DEATH((void)s->size(), "Not found: no such file 'x'");
}

}  // namespace
}  // namespace tessera
