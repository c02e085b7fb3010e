// Stage 2 of the segment language: tokens -> syntax tree, by recursive
// descent over the grammar of SPEC-data-and-segments.md ("Segment language"):
//
//   expr      := or_expr
//   or_expr   := and_expr ( OR and_expr )*
//   and_expr  := not_expr ( AND not_expr )*
//   not_expr  := NOT not_expr | '(' expr ')' | predicate
//   predicate := tagref [ cmp literal | [NOT] IN (...) | [NOT] BETWEEN l AND l
//                        | IS [NOT] NULL | CONTAINS ANY|ALL (...) ]
//              | SEGMENT '(' string ')' | ALL
//   tagref    := name [ '@' YYYY-MM-DD ]      (the date bare or as a 'string')
//   literal   := 'string' | number | TRUE | FALSE | DAYS_AGO '(' integer ')'
//
// A chain `a AND b AND c` becomes one kAnd node with three children (same for
// OR). Syntax only: names, types and dates are the binder's business.
//
// Errors are InvalidArgument with the byte position of the offending token
// and a message that says what was expected and what was found, e.g.
// "expected ')' at position 17, found end of input". Nesting deeper than
// kMaxNesting levels (parentheses and NOTs) is an error, so hostile input
// cannot exhaust the stack. Thread-safe: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "core/status.h"
#include "segment/ast.h"
#include "segment/lexer.h"

namespace tagloop::segment {

inline constexpr int kMaxNesting = 200;

// Lexes and parses a whole expression.
[[nodiscard]] Result<Node> Parse(std::string_view expression);
// Parses tokens from Lex (the last one must be kEnd).
[[nodiscard]] Result<Node> ParseTokens(const std::vector<Token>& tokens);

}  // namespace tagloop::segment
