#include "source/postgres_conninfo.h"

#include <fmt/format.h>

#include <algorithm>

namespace tagloop {

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool IsSecretKey(std::string_view key) { return key == "password" || key == "sslpassword"; }

bool IsUri(std::string_view conninfo) {
  return conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
}

}  // namespace

Result<std::vector<ConninfoPair>> TokenizeConninfo(std::string_view s) {
  std::vector<ConninfoPair> pairs;
  size_t i = 0;
  auto error = [](std::string_view what, size_t pos) {
    return Status::InvalidArgument(fmt::format("connection: {} at position {}", what, pos));
  };
  for (;;) {
    while (i < s.size() && IsBlank(s[i])) ++i;
    if (i == s.size()) break;
    size_t key_begin = i;
    while (i < s.size() && s[i] != '=' && !IsBlank(s[i])) ++i;
    ConninfoPair pair{std::string(s.substr(key_begin, i - key_begin)), ""};
    while (i < s.size() && IsBlank(s[i])) ++i;
    if (i == s.size() || s[i] != '=') return error("expected key=value", key_begin);
    if (pair.key.empty()) return error("missing option name", key_begin);
    ++i;
    while (i < s.size() && IsBlank(s[i])) ++i;
    if (i < s.size() && s[i] == '\'') {
      size_t quote = i++;
      for (;; ++i) {
        if (i == s.size()) return error("unterminated quoted value", quote);
        if (s[i] == '\'') break;
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        pair.value += s[i];
      }
      ++i;
    } else {
      for (; i < s.size() && !IsBlank(s[i]); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        pair.value += s[i];
      }
    }
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

Status ValidatePostgresConninfo(std::string_view conninfo) {
  if (IsUri(conninfo)) {
    return Status::InvalidArgument(
        "connection: use key=value pairs (host=... port=... dbname=... user=...), not a URI");
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<ConninfoPair> pairs, TokenizeConninfo(conninfo));
  for (const ConninfoPair& p : pairs) {
    if (IsSecretKey(p.key)) {
      return Status::InvalidArgument(
          fmt::format("connection: must not contain {}= (set password or password_env instead)", p.key));
    }
  }
  return Status::Ok();
}

std::string DescribePostgresConninfo(std::string_view conninfo) {
  if (IsUri(conninfo)) return "";
  auto pairs = TokenizeConninfo(conninfo);
  if (!pairs.ok()) return "";
  std::string out;
  for (const ConninfoPair& p : *pairs) {
    if (IsSecretKey(p.key)) continue;
    if (!out.empty()) out += ' ';
    out += p.key;
    out += '=';
    bool quote = p.value.empty() || std::any_of(p.value.begin(), p.value.end(),
                                                [](char c) { return IsBlank(c) || c == '\'' || c == '\\'; });
    if (!quote) {
      out += p.value;
      continue;
    }
    out += '\'';
    for (char c : p.value) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    out += '\'';
  }
  return out;
}

}  // namespace tagloop
