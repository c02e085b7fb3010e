#include "core/error_reason.h"

namespace tagloop {

std::string_view ErrorReasonName(ErrorReason reason) {
  switch (reason) {
#define TAGLOOP_REASON_NAME(e, name, args) \
  case ErrorReason::e: return name;
    TAGLOOP_ERROR_REASONS(TAGLOOP_REASON_NAME)
#undef TAGLOOP_REASON_NAME
  }
  return "";
}

std::string_view ErrorReasonArguments(ErrorReason reason) {
  switch (reason) {
#define TAGLOOP_REASON_ARGS(e, name, args) \
  case ErrorReason::e: return args;
    TAGLOOP_ERROR_REASONS(TAGLOOP_REASON_ARGS)
#undef TAGLOOP_REASON_ARGS
  }
  return "";
}

}  // namespace tagloop
