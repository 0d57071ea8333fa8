// Result<T>: either a value of T or a non-OK Status explaining why there is
// none. The Arrow idiom: functions that produce a value and can fail in an
// expected way return Result<T>; callers unwrap it with TS_ASSIGN_OR_RETURN.
//
// Invariant: exactly one of {value, non-OK status} is held.
//
// Accessing the value of an error Result (value(), operator*, operator->)
// is a programming error: it aborts with the status message in every build
// type, as Arrow's ValueOrDie does, instead of being undefined behaviour.
#pragma once

#include <optional>
#include <utility>

#include "tessera/core/status.h"

namespace tessera {

namespace internal {
// Prints "Result accessed without a value: <status>" to stderr and aborts.
[[noreturn]] void DieOnErrorResult(const Status& status);
}  // namespace internal

template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit so that `return value;` and `return Status::Invalid(...)` work.
  Result(T value) : value_(std::move(value)) {}         // NOLINT
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = Status::Internal("Result constructed from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : status_;
  }

  // REQUIRES: ok(); otherwise aborts with the status message.
  const T& value() const& {
    CheckOk();
    return *value_;
  }
  T& value() & {
    CheckOk();
    return *value_;
  }
  T&& value() && {
    CheckOk();
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // Moves the value out, unchecked (for TS_ASSIGN_OR_RETURN, which has
  // just checked). REQUIRES: ok().
  T MoveValueUnsafe() { return std::move(*value_); }
  T ValueOr(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  void CheckOk() const {
    if (!value_.has_value()) [[unlikely]]
      internal::DieOnErrorResult(status_);
  }

  std::optional<T> value_;
  Status status_;
};

}  // namespace tessera

#define TS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                             \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).MoveValueUnsafe();

// Evaluates `rexpr` (a Result<T>); on failure returns its Status, otherwise
// assigns the value to `lhs` (which may be a declaration: `auto x`).
#define TS_ASSIGN_OR_RETURN(lhs, rexpr) \
  TS_ASSIGN_OR_RETURN_IMPL(TS_CONCAT(_ts_result_, __LINE__), lhs, rexpr)
