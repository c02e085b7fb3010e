#include "segment/lexer.h"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "core/utf8.h"

namespace tagloop::segment {

namespace {

bool IsWordStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

Keyword KeywordOf(std::string_view w) {
  static constexpr std::array<std::pair<std::string_view, Keyword>, 14> kWords = {{
      {"AND", Keyword::kAnd},
      {"OR", Keyword::kOr},
      {"NOT", Keyword::kNot},
      {"IN", Keyword::kIn},
      {"BETWEEN", Keyword::kBetween},
      {"IS", Keyword::kIs},
      {"NULL", Keyword::kNull},
      {"CONTAINS", Keyword::kContains},
      {"TRUE", Keyword::kTrue},
      {"FALSE", Keyword::kFalse},
      {"ALL", Keyword::kAll},
      {"ANY", Keyword::kAny},
      {"SEGMENT", Keyword::kSegment},
      {"DAYS_AGO", Keyword::kDaysAgo},
  }};
  for (const auto& [name, k] : kWords) {
    if (name.size() != w.size()) continue;
    bool same = true;
    for (size_t i = 0; i < w.size() && same; ++i) {
      char c = w[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      same = c == name[i];
    }
    if (same) return k;
  }
  return Keyword::kNone;
}

Status ErrorAt(size_t pos, std::string what) {
  return Status::InvalidArgument(fmt::format("{} at position {}", what, pos), pos);
}

// A printable rendering of the (valid UTF-8) character at `pos`.
std::string CharAt(std::string_view in, size_t pos) {
  unsigned char c = static_cast<unsigned char>(in[pos]);
  if (c < 0x20 || c == 0x7f) return fmt::format("\\x{:02x}", c);
  size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
  return std::string(in.substr(pos, len));
}

}  // namespace

bool IsReservedKeyword(Keyword k) { return k != Keyword::kNone && k < Keyword::kAll; }

std::string DescribeToken(const Token& t) {
  switch (t.kind) {
    case TokenKind::kWord: {
      if (t.keyword != Keyword::kNone && IsReservedKeyword(t.keyword)) return "keyword " + t.text;
      return fmt::format("'{}'", t.text);
    }
    case TokenKind::kString: return fmt::format("string '{}'", t.text);
    case TokenKind::kNumber: return fmt::format("number {}", t.text);
    case TokenKind::kDate: return fmt::format("'{}'", t.text);
    case TokenKind::kAt: return "'@'";
    case TokenKind::kLParen: return "'('";
    case TokenKind::kRParen: return "')'";
    case TokenKind::kComma: return "','";
    case TokenKind::kEq: return "'='";
    case TokenKind::kNe: return fmt::format("'{}'", t.text);
    case TokenKind::kLt: return "'<'";
    case TokenKind::kLe: return "'<='";
    case TokenKind::kGt: return "'>'";
    case TokenKind::kGe: return "'>='";
    case TokenKind::kEnd: return "end of input";
  }
  return "?";
}

std::string_view TokenKindName(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd: return "end";
    case TokenKind::kString: return "string";
    case TokenKind::kNumber: return "number";
    case TokenKind::kDate: return "date";
    case TokenKind::kWord:
      return t.keyword != Keyword::kNone && IsReservedKeyword(t.keyword) ? "keyword" : "name";
    default: return "symbol";
  }
}

std::string TokenText(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd: return "";
    case TokenKind::kString: return fmt::format("'{}'", t.text);
    case TokenKind::kNumber: return t.text;
    case TokenKind::kWord:
      if (t.keyword != Keyword::kNone && IsReservedKeyword(t.keyword)) return t.text;
      return DescribeToken(t);
    default: return DescribeToken(t);
  }
}

Result<std::vector<Token>> Lex(std::string_view in) {
  if (in.size() > kMaxExpressionBytes) {
    return Status::InvalidArgument(
        fmt::format("expression is {} bytes, more than the limit of {}", in.size(), kMaxExpressionBytes), 0);
  }
  if (size_t bad = FindInvalidUtf8(in); bad != std::string_view::npos) {
    return ErrorAt(bad, "invalid UTF-8");
  }
  std::vector<Token> out;
  size_t i = 0;
  const size_t n = in.size();
  auto push = [&](TokenKind kind, size_t pos, std::string text) {
    Token t;
    t.kind = kind;
    t.position = pos;
    t.text = std::move(text);
    out.push_back(std::move(t));
  };
  while (i < n) {
    const char c = in[i];
    const size_t start = i;
    if (IsSpace(c)) {
      ++i;
    } else if (IsWordStart(c)) {
      while (i < n && IsWordChar(in[i])) ++i;
      push(TokenKind::kWord, start, std::string(in.substr(start, i - start)));
      out.back().keyword = KeywordOf(out.back().text);
    } else if (IsDigit(c) || (c == '-' && i + 1 < n && IsDigit(in[i + 1]))) {
      ++i;
      while (i < n && IsDigit(in[i])) ++i;
      if (i < n && in[i] == '.') {
        if (i + 1 >= n || !IsDigit(in[i + 1])) return ErrorAt(i + 1, "expected a digit after '.'");
        ++i;
        while (i < n && IsDigit(in[i])) ++i;
      }
      if (i < n && IsWordChar(in[i])) {
        return ErrorAt(start, fmt::format("malformed number '{}'", in.substr(start, i + 1 - start)));
      }
      push(TokenKind::kNumber, start, std::string(in.substr(start, i - start)));
    } else if (c == '\'') {
      std::string text;
      ++i;
      for (;;) {
        if (i >= n) return ErrorAt(start, "unterminated string");
        if (in[i] == '\'') {
          if (i + 1 < n && in[i + 1] == '\'') {
            text.push_back('\'');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        text.push_back(in[i++]);
      }
      push(TokenKind::kString, start, std::move(text));
    } else if (c == '@') {
      push(TokenKind::kAt, start, "@");
      ++i;
      // A version date is written bare (tag@2026-01-31): take the run of
      // digits and dashes as one token, before '-' could start a number.
      size_t j = i;
      while (j < n && IsSpace(in[j])) ++j;
      if (j < n && IsDigit(in[j])) {
        size_t k = j;
        while (k < n && (IsDigit(in[k]) || in[k] == '-')) ++k;
        push(TokenKind::kDate, j, std::string(in.substr(j, k - j)));
        i = k;
      }
    } else if (c == '(') {
      push(TokenKind::kLParen, start, "("), ++i;
    } else if (c == ')') {
      push(TokenKind::kRParen, start, ")"), ++i;
    } else if (c == ',') {
      push(TokenKind::kComma, start, ","), ++i;
    } else if (c == '=') {
      push(TokenKind::kEq, start, "="), ++i;
    } else if (c == '!') {
      if (i + 1 >= n || in[i + 1] != '=')
        return ErrorAt(start, "unexpected character '!' (did you mean '!='?)")
            .With(ErrorReason::kUnexpectedCharacter, {{"character", "!"}, {"suggestion", "!="}});
      push(TokenKind::kNe, start, "!="), i += 2;
    } else if (c == '<') {
      if (i + 1 < n && in[i + 1] == '=') {
        push(TokenKind::kLe, start, "<="), i += 2;
      } else if (i + 1 < n && in[i + 1] == '>') {
        push(TokenKind::kNe, start, "<>"), i += 2;
      } else {
        push(TokenKind::kLt, start, "<"), ++i;
      }
    } else if (c == '>') {
      if (i + 1 < n && in[i + 1] == '=') {
        push(TokenKind::kGe, start, ">="), i += 2;
      } else {
        push(TokenKind::kGt, start, ">"), ++i;
      }
    } else if (c == '"') {
      return ErrorAt(start, "unexpected character '\"' (strings use single quotes)")
          .With(ErrorReason::kUnexpectedCharacter, {{"character", "\""}, {"suggestion", "'"}});
    } else {
      return ErrorAt(start, fmt::format("unexpected character '{}'", CharAt(in, start)))
          .With(ErrorReason::kUnexpectedCharacter, {{"character", std::string(CharAt(in, start))}});
    }
  }
  push(TokenKind::kEnd, n, "");
  return out;
}

}  // namespace tagloop::segment
