// Status and Result<T>: errors as values between modules (no exception crosses
// a module boundary). A Status names what went wrong and, where it applies,
// where: a byte position in an expression, or a file:line:column in the text.
// It may also carry a machine-readable reason with named arguments
// (core/error_reason.h) that clients branch on instead of the English text.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/error_reason.h"

namespace tagloop {

class [[nodiscard]] Status {
 public:
  enum class Code : uint8_t {
    kOk = 0,
    kInvalidArgument,     // bad input from the caller (expression, CSV cell, flag)
    kNotFound,            // a named thing does not exist
    kAlreadyExists,
    kCorruption,          // stored bytes fail a checksum or a structural check
    kIOError,             // the operating system refused
    kFailedPrecondition,  // the store is not in a state that allows this
    kUnauthenticated,     // no or an unknown/revoked credential
    kPermissionDenied,    // the caller's role does not allow this
    kResourceExhausted,   // a size or rate limit was exceeded
    kDeadlineExceeded,    // a time limit passed before the work finished
    kCancelled,           // the work was stopped on request
    kUnavailable,         // not now: the server's time budget for it passed (try again later)
    kInternal,
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg, std::optional<size_t> position = std::nullopt) {
    return Status(Code::kInvalidArgument, std::move(msg), position);
  }
  static Status NotFound(std::string msg, std::optional<size_t> position = std::nullopt) {
    return Status(Code::kNotFound, std::move(msg), position);
  }
  static Status AlreadyExists(std::string msg) { return Status(Code::kAlreadyExists, std::move(msg)); }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status FailedPrecondition(std::string msg) {
    return Status(Code::kFailedPrecondition, std::move(msg));
  }
  static Status Unauthenticated(std::string msg) { return Status(Code::kUnauthenticated, std::move(msg)); }
  static Status PermissionDenied(std::string msg, std::optional<size_t> position = std::nullopt) {
    return Status(Code::kPermissionDenied, std::move(msg), position);
  }
  static Status ResourceExhausted(std::string msg) { return Status(Code::kResourceExhausted, std::move(msg)); }
  static Status DeadlineExceeded(std::string msg) { return Status(Code::kDeadlineExceeded, std::move(msg)); }
  static Status Cancelled(std::string msg) { return Status(Code::kCancelled, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // Byte offset into the text the error is about (segment expressions), if any.
  std::optional<size_t> position() const { return position_; }

  // The same error with "<prefix>: " before its message (position kept), to
  // say which part of a larger request it is about.
  Status WithPrefix(std::string_view prefix) const {
    if (ok()) return *this;
    Status out(code_, std::string(prefix) + ": " + message_, position_);
    out.reason_ = reason_;
    return out;
  }

  // The machine-readable reason and its arguments ("tag" -> "age"), in the
  // order given. kNone and no arguments unless With() set them.
  using ReasonArgs = std::vector<std::pair<std::string, std::string>>;
  ErrorReason reason() const { return reason_ ? reason_->reason : ErrorReason::kNone; }
  const ReasonArgs& reason_args() const {
    static const ReasonArgs kNoArgs;
    return reason_ ? reason_->args : kNoArgs;
  }
  // This error with a reason and its arguments (an OK status stays OK).
  Status With(ErrorReason reason, ReasonArgs args = {}) const {
    if (ok()) return *this;
    Status out = *this;
    out.reason_ = std::make_shared<const Reason>(Reason{reason, std::move(args)});
    return out;
  }

  // "invalid argument: <message>" style text for logs and the CLI.
  std::string ToString() const;
  static const char* CodeName(Code code);

 private:
  Status(Code code, std::string msg, std::optional<size_t> position = std::nullopt)
      : code_(code), message_(std::move(msg)), position_(position) {}

  struct Reason {
    ErrorReason reason;
    ReasonArgs args;
  };
  Code code_ = Code::kOk;
  std::string message_;
  std::optional<size_t> position_;
  std::shared_ptr<const Reason> reason_;  // null: no reason (shared: copies stay cheap)
};

// Either a value or a non-OK Status. Accessing value() of an error is a bug
// (asserted in debug builds).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: must be an error

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace tagloop

// Returns early with the Status of `expr` when it is not OK.
#define TAGLOOP_RETURN_IF_ERROR(expr)            \
  do {                                           \
    ::tagloop::Status _st = (expr);              \
    if (!_st.ok()) return _st;                   \
  } while (0)

#define TAGLOOP_CONCAT_INNER(a, b) a##b
#define TAGLOOP_CONCAT(a, b) TAGLOOP_CONCAT_INNER(a, b)
// `TAGLOOP_ASSIGN_OR_RETURN(auto x, Compute());` binds the value or returns the error.
#define TAGLOOP_ASSIGN_OR_RETURN(lhs, expr) \
  TAGLOOP_ASSIGN_OR_RETURN_IMPL(TAGLOOP_CONCAT(_res_, __LINE__), lhs, expr)
#define TAGLOOP_ASSIGN_OR_RETURN_IMPL(res, lhs, expr) \
  auto res = (expr);                                  \
  if (!res.ok()) return res.status();                 \
  lhs = std::move(res).value()
