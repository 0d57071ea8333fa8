// Status: the outcome of an operation that can fail in an expected way (bad
// input, I/O, not found). A Status is cheap to copy when OK (no allocation)
// and carries a code plus a human-readable message naming where and why when
// not. Exceptions never cross a module boundary; Status and Result<T> do.
//
// Thread-safety: a Status is an immutable value; distinct objects may be used
// from distinct threads freely.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace tessera {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,  // bad input from a user or client
  kNotFound = 2,
  kAlreadyExists = 3,
  kIOError = 4,
  kCorruption = 5,   // stored data or a file is malformed
  kUnsupported = 6,  // well-formed but outside what Tessera handles
  kOutOfRange = 7,
  kInternal = 8,     // a bug: an invariant did not hold
  kUnavailable = 9,  // a service (an online store, a server) does not answer; retry later
};

class [[nodiscard]] Status {
 public:
  Status() noexcept = default;  // OK
  Status(StatusCode code, std::string message);

  static Status OK() { return Status(); }
  static Status Invalid(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {StatusCode::kUnsupported, std::move(msg)}; }
  static Status OutOfRange(std::string msg) { return {StatusCode::kOutOfRange, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The message without the code prefix; empty when OK.
  const std::string& message() const;
  // "Invalid argument: <message>", or "OK".
  std::string ToString() const;

  bool IsInvalid() const { return code() == StatusCode::kInvalidArgument; }
  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code() == StatusCode::kAlreadyExists; }
  bool IsIOError() const { return code() == StatusCode::kIOError; }
  bool IsCorruption() const { return code() == StatusCode::kCorruption; }
  bool IsUnsupported() const { return code() == StatusCode::kUnsupported; }

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const State> state_;  // null means OK
};

const char* StatusCodeName(StatusCode code);

}  // namespace tessera

#define TS_CONCAT_IMPL(a, b) a##b
#define TS_CONCAT(a, b) TS_CONCAT_IMPL(a, b)

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define TS_RETURN_NOT_OK(expr)         \
  do {                                 \
    ::tessera::Status _ts_st = (expr); \
    if (!_ts_st.ok()) return _ts_st;   \
  } while (0)
