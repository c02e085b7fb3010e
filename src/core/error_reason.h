// The registry of machine-readable error reasons (STYLE.md rule 14, like
// RocksDB's SubCode or ClickHouse's ErrorCodes.cpp). A Status may carry one
// reason and its named arguments besides its English message; the API
// answers them as {"error": {"reason": "unknown_tag", "args": {"tag": …}}},
// and clients (the web UI's translations) branch on the reason, never on the
// English text. A reason's name and its arguments are a contract: add new
// ones freely, never rename or drop one.
//
// Thread-safety: constants and pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace tagloop {

// X(enumerator, "name", "arguments it carries")
#define TAGLOOP_ERROR_REASONS(X)                                                                    \
  X(kNone, "", "")                                                                                  \
  /* the segment language (positions in the expression) */                                          \
  X(kEmptyExpression, "empty_expression", "")                                                       \
  X(kUnexpectedToken, "unexpected_token", "expected, found")                                        \
  X(kUnexpectedCharacter, "unexpected_character", "character, suggestion?")                         \
  X(kUnmatchedParenthesis, "unmatched_parenthesis", "")                                             \
  X(kNullLiteral, "null_literal", "")                                                               \
  X(kBadLiteral, "bad_literal", "literal, detail")                                                  \
  X(kUnknownTag, "unknown_tag", "tag, suggestion?")                                                 \
  X(kUnknownSegment, "unknown_segment", "segment, suggestion?")                                     \
  X(kSegmentCycle, "segment_cycle", "segment")                                                      \
  X(kTypeMismatch, "type_mismatch", "tag, type, literal")                                           \
  X(kNotABoolTag, "not_a_bool_tag", "tag, type")                                                    \
  X(kNeedsSetTag, "needs_set_tag", "tag, type")                                                     \
  X(kNeedsOrderedTag, "needs_ordered_tag", "operator, tag, type")                                   \
  X(kTooComplex, "too_complex", "limit")                                                            \
  /* access */                                                                                      \
  X(kTagOffline, "tag_offline", "tag")                                                              \
  X(kTagDraft, "tag_draft", "tag")                                                                  \
  X(kPersonalTag, "personal_tag", "tag, role")                                                      \
  X(kRoleRequired, "role_required", "method, path, required, role")                                 \
  X(kNotVisible, "not_visible", "kind, name")                                                       \
  /* requests */                                                                                    \
  X(kNoSuchEndpoint, "no_such_endpoint", "")                                                        \
  X(kMethodNotAllowed, "method_not_allowed", "allow")                                               \
  X(kBadJson, "bad_json", "detail")                                                                 \
  X(kBadField, "bad_field", "field, detail")                                                        \
  X(kUnknownField, "unknown_field", "field, expected")                                              \
  X(kMissingField, "missing_field", "field")                                                        \
  X(kNumberOutOfRange, "number_out_of_range", "field?")                                             \
  X(kLimitExceeded, "limit_exceeded", "what, limit, value?")                                        \
  X(kDeadlineExceeded, "query_deadline", "seconds, while")                                                 \
  X(kNotFound, "not_found", "kind, name")                                                           \
  X(kAlreadyExists, "already_exists", "kind, name")                                                 \
  X(kInUse, "in_use", "kind, name, users")                                                          \
  /* events */                                                                                      \
  X(kEventsRejected, "events_rejected", "index, first")                                             \
  /* outreach: the campaign lifecycle (state: the campaign's current state) */                      \
  X(kBadTransition, "bad_transition", "action, state")                                              \
  X(kSelfApproval, "self_approval", "principal")                                                    \
  X(kApproverNotAdmin, "approver_not_admin", "principal")

enum class ErrorReason : uint8_t {
#define TAGLOOP_REASON_ENUM(e, name, args) e,
  TAGLOOP_ERROR_REASONS(TAGLOOP_REASON_ENUM)
#undef TAGLOOP_REASON_ENUM
};

// How many reasons there are (kNone included): enumerators run 0..count-1.
#define TAGLOOP_REASON_COUNT(e, name, args) +1
inline constexpr int kErrorReasonCount = 0 TAGLOOP_ERROR_REASONS(TAGLOOP_REASON_COUNT);
#undef TAGLOOP_REASON_COUNT

// "unknown_tag" ("" for kNone).
std::string_view ErrorReasonName(ErrorReason reason);
// The arguments a reason carries, as documented above ("tag, suggestion?":
// a '?' marks one that may be absent).
std::string_view ErrorReasonArguments(ErrorReason reason);

}  // namespace tagloop
