// Deadline: a time limit for one piece of work (a request's query), checked
// cooperatively between its steps (a report's cells, insight's tags, the
// stages of a segment query), since work on bitmaps cannot be interrupted
// from outside. Time comes from Env::NowMicros (monotonic), so tests use a
// fake clock or a zero timeout instead of slow queries.
//
// Immutable once made; Check may be called from any number of threads.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/env.h"
#include "core/status.h"

namespace tagloop {

class Deadline {
 public:
  // Never expires.
  Deadline() = default;
  // Expires `timeout_micros` after now by `env`'s clock (not owned; must
  // outlive the deadline). A timeout of 0 has expired at once.
  static Deadline After(Env* env, int64_t timeout_micros);

  bool Expired() const;
  // OK before the deadline; after it Unavailable: "the query took longer
  // than the server's query_timeout (10 s) while <what>; narrow it (a
  // smaller segment, fewer tags, cells or dates) or try again later".
  [[nodiscard]] Status Check(std::string_view what) const;

 private:
  Env* env_ = nullptr;  // null: never expires
  int64_t expires_micros_ = 0;
  int64_t timeout_micros_ = 0;
};

}  // namespace tagloop
