#include "segment/parser.h"

#include <fmt/format.h>

#include <utility>

namespace tagloop::segment {

namespace {

class Parser {
 public:
  explicit Parser(const std::vector<Token>& tokens) : t_(tokens) {}

  Result<Node> ParseAll() {
    TAGLOOP_ASSIGN_OR_RETURN(Node n, ParseOr());
    if (Peek().kind == TokenKind::kRParen) {
      return Status::InvalidArgument(
                 fmt::format("unexpected ')' at position {} (no matching '(')", Peek().position), Peek().position)
          .With(ErrorReason::kUnmatchedParenthesis);
    }
    if (Peek().kind != TokenKind::kEnd) return Expected("end", "AND, OR or end of input");
    return n;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < t_.size() ? t_[i] : t_.back();
  }
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ < t_.size() - 1) ++pos_;
    return t;
  }
  bool IsKeyword(Keyword k, size_t ahead = 0) const {
    return Peek(ahead).kind == TokenKind::kWord && Peek(ahead).keyword == k;
  }
  bool Accept(Keyword k) {
    if (!IsKeyword(k)) return false;
    Next();
    return true;
  }
  // `key` names what was expected for clients (the reason's "expected"
  // argument, translated by the web UI); `what` says it in English.
  Status Expected(std::string_view key, std::string_view what) const {
    const Token& t = Peek();
    return Status::InvalidArgument(
               fmt::format("expected {} at position {}, found {}", what, t.position, DescribeToken(t)), t.position)
        .With(ErrorReason::kUnexpectedToken,
              {{"expected", std::string(key)}, {"found", TokenText(t)}, {"found_kind", std::string(TokenKindName(t))}});
  }
  Status Expect(TokenKind kind, std::string_view key, std::string_view what) {
    if (Peek().kind != kind) return Expected(key, what);
    Next();
    return Status::Ok();
  }
  Status Enter() {
    if (++depth_ > kMaxNesting) {
      return Status::InvalidArgument(fmt::format("expression nested more than {} levels deep at position {}",
                                                 kMaxNesting, Peek().position),
                                     Peek().position)
          .With(ErrorReason::kTooComplex, {{"limit", std::to_string(kMaxNesting)}});
    }
    return Status::Ok();
  }

  Result<Node> ParseOr() { return ParseChain(Keyword::kOr, NodeKind::kOr); }
  Result<Node> ParseAnd() { return ParseChain(Keyword::kAnd, NodeKind::kAnd); }

  // or_expr and and_expr: operands joined by one keyword, as one n-ary node.
  Result<Node> ParseChain(Keyword op, NodeKind kind) {
    const size_t start = Peek().position;
    std::vector<Node> operands;
    do {
      Result<Node> n = op == Keyword::kOr ? ParseAnd() : ParseNot();
      if (!n.ok()) return n.status();
      operands.push_back(std::move(*n));
    } while (Accept(op));
    if (operands.size() == 1) return std::move(operands[0]);
    Node n;
    n.kind = kind;
    n.position = start;
    n.children = std::move(operands);
    return n;
  }

  Result<Node> ParseNot() {
    TAGLOOP_RETURN_IF_ERROR(Enter());
    Result<Node> r = ParseNotInner();
    --depth_;
    return r;
  }

  Result<Node> ParseNotInner() {
    const Token& t = Peek();
    if (IsKeyword(Keyword::kNot)) {
      Next();
      TAGLOOP_ASSIGN_OR_RETURN(Node child, ParseNot());
      Node n;
      n.kind = NodeKind::kNot;
      n.position = t.position;
      n.children.push_back(std::move(child));
      return n;
    }
    if (t.kind == TokenKind::kLParen) {
      Next();
      TAGLOOP_ASSIGN_OR_RETURN(Node inner, ParseOr());
      TAGLOOP_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "close_paren", "')'"));
      return inner;
    }
    return ParsePredicate();
  }

  bool EndsPredicate(size_t ahead) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kEnd || t.kind == TokenKind::kRParen || IsKeyword(Keyword::kAnd, ahead) ||
           IsKeyword(Keyword::kOr, ahead);
  }

  Result<Node> ParsePredicate() {
    const Token& t = Peek();
    Node n;
    n.position = t.position;
    if (IsKeyword(Keyword::kAll) && EndsPredicate(1)) {
      Next();
      n.kind = NodeKind::kAll;
      return n;
    }
    if (IsKeyword(Keyword::kSegment) && Peek(1).kind == TokenKind::kLParen) {
      Next();
      Next();
      n.kind = NodeKind::kSegment;
      if (Peek().kind != TokenKind::kString) return Expected("segment_name", "a segment name as a 'string'");
      n.segment_name = Peek().text;
      n.segment_name_position = Peek().position;
      Next();
      TAGLOOP_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "close_paren", "')'"));
      return n;
    }
    if (t.kind != TokenKind::kWord || IsReservedKeyword(t.keyword)) {
      return Expected("operand", "a tag name, '(', NOT, SEGMENT or ALL");
    }
    TAGLOOP_ASSIGN_OR_RETURN(n.tag, ParseTagRef());
    return ParseCondition(std::move(n));
  }

  Result<TagRef> ParseTagRef() {
    TagRef ref;
    ref.name = Peek().text;
    ref.position = Peek().position;
    Next();
    if (Peek().kind == TokenKind::kAt) {
      Next();
      if (Peek().kind != TokenKind::kDate && Peek().kind != TokenKind::kString) {
        return Expected("date_after_at", "a date YYYY-MM-DD after '@'");
      }
      ref.version_date = Peek().text;
      ref.version_position = Peek().position;
      Next();
    }
    return ref;
  }

  // What follows a tag reference; nothing (a bare bool tag) is fine too.
  Result<Node> ParseCondition(Node n) {
    const Token& t = Peek();
    switch (t.kind) {
      case TokenKind::kEq: return ParseCompare(std::move(n), CompareOp::kEq);
      case TokenKind::kNe: return ParseCompare(std::move(n), CompareOp::kNe);
      case TokenKind::kLt: return ParseCompare(std::move(n), CompareOp::kLt);
      case TokenKind::kLe: return ParseCompare(std::move(n), CompareOp::kLe);
      case TokenKind::kGt: return ParseCompare(std::move(n), CompareOp::kGt);
      case TokenKind::kGe: return ParseCompare(std::move(n), CompareOp::kGe);
      default: break;
    }
    if (IsKeyword(Keyword::kNot)) {
      Next();
      n.negated = true;
      if (Accept(Keyword::kIn)) return ParseIn(std::move(n));
      if (Accept(Keyword::kBetween)) return ParseBetween(std::move(n));
      return Expected("in_or_between", "IN or BETWEEN after NOT");
    }
    if (Accept(Keyword::kIn)) return ParseIn(std::move(n));
    if (Accept(Keyword::kBetween)) return ParseBetween(std::move(n));
    if (Accept(Keyword::kIs)) {
      n.kind = NodeKind::kIsNull;
      n.negated = Accept(Keyword::kNot);
      if (!Accept(Keyword::kNull)) return Expected(n.negated ? "null" : "null_or_not_null", n.negated ? "NULL" : "NULL or NOT NULL after IS");
      return n;
    }
    if (Accept(Keyword::kContains)) {
      n.kind = NodeKind::kContains;
      if (Accept(Keyword::kAll)) {
        n.contains_all = true;
      } else if (!Accept(Keyword::kAny)) {
        return Expected("any_or_all", "ANY or ALL after CONTAINS");
      }
      TAGLOOP_ASSIGN_OR_RETURN(n.literals, ParseList());
      return n;
    }
    if (EndsPredicate(0)) {
      n.kind = NodeKind::kBareTag;
      return n;
    }
    return Expected("operator", "an operator (= != <> < <= > >= IN BETWEEN IS CONTAINS), AND, OR or ')'");
  }

  Result<Node> ParseCompare(Node n, CompareOp op) {
    Next();
    n.kind = NodeKind::kCompare;
    n.op = op;
    TAGLOOP_ASSIGN_OR_RETURN(Literal l, ParseLiteral());
    n.literals.push_back(std::move(l));
    return n;
  }

  Result<Node> ParseIn(Node n) {
    n.kind = NodeKind::kIn;
    TAGLOOP_ASSIGN_OR_RETURN(n.literals, ParseList());
    return n;
  }

  Result<Node> ParseBetween(Node n) {
    n.kind = NodeKind::kBetween;
    TAGLOOP_ASSIGN_OR_RETURN(Literal lo, ParseLiteral());
    if (!Accept(Keyword::kAnd)) return Expected("between_and", "AND in BETWEEN ... AND ...");
    TAGLOOP_ASSIGN_OR_RETURN(Literal hi, ParseLiteral());
    n.literals.push_back(std::move(lo));
    n.literals.push_back(std::move(hi));
    return n;
  }

  // '(' literal (',' literal)* ')'
  Result<std::vector<Literal>> ParseList() {
    TAGLOOP_RETURN_IF_ERROR(Expect(TokenKind::kLParen, "list_open", "'(' to start a list of values"));
    std::vector<Literal> out;
    do {
      TAGLOOP_ASSIGN_OR_RETURN(Literal l, ParseLiteral());
      out.push_back(std::move(l));
    } while (Peek().kind == TokenKind::kComma && (Next(), true));
    TAGLOOP_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "list_next", "',' or ')' in the list of values"));
    return out;
  }

  Result<Literal> ParseLiteral() {
    const Token& t = Peek();
    Literal l;
    l.position = t.position;
    l.text = t.text;
    if (t.kind == TokenKind::kString) {
      l.kind = LiteralKind::kString;
    } else if (t.kind == TokenKind::kNumber) {
      l.kind = LiteralKind::kNumber;
    } else if (IsKeyword(Keyword::kTrue)) {
      l.kind = LiteralKind::kTrue;
    } else if (IsKeyword(Keyword::kFalse)) {
      l.kind = LiteralKind::kFalse;
    } else if (IsKeyword(Keyword::kDaysAgo) && Peek(1).kind == TokenKind::kLParen) {
      Next();
      Next();
      if (Peek().kind != TokenKind::kNumber || Peek().text.find('.') != std::string::npos) {
        return Expected("days", "a whole number of days in DAYS_AGO(n)");
      }
      l.kind = LiteralKind::kDaysAgo;
      l.text = Peek().text;
      Next();
      TAGLOOP_RETURN_IF_ERROR(Expect(TokenKind::kRParen, "close_paren", "')'"));
      return l;
    } else if (IsKeyword(Keyword::kNull)) {
      return Status::InvalidArgument(
                 fmt::format("NULL is not a value at position {}; use IS NULL or IS NOT NULL", t.position), t.position)
          .With(ErrorReason::kNullLiteral);
    } else {
      return Expected("value", "a value ('string', number, TRUE, FALSE or DAYS_AGO(n))");
    }
    Next();
    return l;
  }

  const std::vector<Token>& t_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<Node> ParseTokens(const std::vector<Token>& tokens) {
  if (tokens.empty() || tokens.back().kind != TokenKind::kEnd) {
    return Status::Internal("ParseTokens: tokens must end with kEnd");
  }
  if (tokens.size() == 1) {
    return Status::InvalidArgument("empty expression at position 0", 0).With(ErrorReason::kEmptyExpression);
  }
  return Parser(tokens).ParseAll();
}

Result<Node> Parse(std::string_view expression) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(expression));
  return ParseTokens(tokens);
}

}  // namespace tagloop::segment
