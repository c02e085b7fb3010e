// Stage 1 of the segment language: bytes -> tokens.
//
// The whole input must be valid UTF-8 (error messages quote it, and JSON
// replies carry them). Tokens keep their byte position so every later stage
// can point at the text. Keywords are case-insensitive; a word that is not a
// keyword is a name (tag names are case-sensitive). Only the words of
// `IsReservedKeyword` can never be tag names; ALL, ANY, SEGMENT and DAYS_AGO
// are keywords only where the grammar expects them, so tags may be called
// `segment` or `any`.
//
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tagloop::segment {

enum class TokenKind : uint8_t {
  kWord,    // [A-Za-z_][A-Za-z0-9_]*: a name or a keyword (see `keyword`)
  kString,  // '...' with '' for a quote; `text` holds the unescaped value
  kNumber,  // -?[0-9]+(\.[0-9]+)?; `text` holds it as written
  kDate,    // after '@': the run of digits and '-' (validated by the binder)
  kAt,      // @
  kLParen,
  kRParen,
  kComma,
  kEq,  // =
  kNe,  // != or <>
  kLt,
  kLe,
  kGt,
  kGe,
  kEnd,  // end of input (position = input size)
};

enum class Keyword : uint8_t {
  kNone = 0,
  kAnd,
  kOr,
  kNot,
  kIn,
  kBetween,
  kIs,
  kNull,
  kContains,
  kTrue,
  kFalse,  // reserved
  kAll,
  kAny,
  kSegment,
  kDaysAgo,  // contextual
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  Keyword keyword = Keyword::kNone;  // kWord only
  size_t position = 0;               // byte offset of the first byte in the input
  std::string text;                  // see TokenKind
};

// Reserved words cannot name a tag (AND, OR, NOT, IN, BETWEEN, IS, NULL,
// CONTAINS, TRUE, FALSE).
bool IsReservedKeyword(Keyword k);
// How a token is shown in messages: "')'", "keyword AND", "'city'", "end of input".
std::string DescribeToken(const Token& t);
// The same in two parts for machine-readable errors: the kind ("end",
// "string", "number", "keyword", "name", "date" or "symbol") and the token
// as written, quoted where DescribeToken quotes it ("" at the end).
std::string_view TokenKindName(const Token& t);
std::string TokenText(const Token& t);

// Splits `input` into tokens, the last one kEnd. InvalidArgument with the
// byte position for: invalid UTF-8, an unterminated string, an unexpected
// character, a '-' or '.' not part of a number, or an input over
// `kMaxExpressionBytes`.
[[nodiscard]] Result<std::vector<Token>> Lex(std::string_view input);

inline constexpr size_t kMaxExpressionBytes = 1 << 20;


}  // namespace tagloop::segment
