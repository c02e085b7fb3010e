#include "core/deadline.h"

#include <fmt/format.h>

namespace tagloop {

Deadline Deadline::After(Env* env, int64_t timeout_micros) {
  Deadline d;
  d.env_ = env;
  d.timeout_micros_ = timeout_micros < 0 ? 0 : timeout_micros;
  d.expires_micros_ = env->NowMicros() + d.timeout_micros_;
  return d;
}

bool Deadline::Expired() const { return env_ != nullptr && env_->NowMicros() >= expires_micros_; }

Status Deadline::Check(std::string_view what) const {
  if (!Expired()) return Status::Ok();
  return Status::Unavailable(
      fmt::format("the query took longer than the server's query_timeout ({:g} s) while {}; narrow it (a smaller "
                  "segment, fewer tags, cells or dates) or try again later",
                  static_cast<double>(timeout_micros_) / 1e6, what))
      .With(ErrorReason::kDeadlineExceeded, {{"seconds", fmt::format("{:g}", static_cast<double>(timeout_micros_) / 1e6)},
                                             {"while", std::string(what)}});
}

}  // namespace tagloop
