#include "source/odbc_connection_string.h"

#include <fmt/format.h>
#include <strings.h>

#include <algorithm>
#include <cctype>

namespace tagloop {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool IsOdbcSecretKey(std::string_view key) {
  std::string lower(key);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("pwd") != std::string::npos || lower.find("password") != std::string::npos;
}

std::string BracedOdbcValue(std::string_view value) {
  std::string out = "{";
  for (char c : value) {
    out += c;
    if (c == '}') out += '}';
  }
  out += '}';
  return out;
}

Result<std::vector<OdbcAttribute>> ParseOdbcConnectionString(std::string_view s) {
  std::vector<OdbcAttribute> attrs;
  size_t i = 0;
  auto error = [](std::string_view what, size_t pos) {
    return Status::InvalidArgument(fmt::format("connection: {} at position {}", what, pos));
  };
  while (i < s.size()) {
    if (s[i] == ';' || s[i] == ' ' || s[i] == '\t') {
      ++i;
      continue;
    }
    size_t key_begin = i;
    while (i < s.size() && s[i] != '=' && s[i] != ';') ++i;
    if (i == s.size() || s[i] != '=') return error("expected key=value", key_begin);
    OdbcAttribute attr{std::string(Trim(s.substr(key_begin, i - key_begin))), ""};
    if (attr.key.empty()) return error("missing key", key_begin);
    ++i;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i < s.size() && s[i] == '{') {
      size_t brace = i++;
      for (;; ++i) {
        if (i == s.size()) return error("unclosed '{'", brace);
        if (s[i] == '}') {
          if (i + 1 < s.size() && s[i + 1] == '}') {
            attr.value += '}';
            ++i;
            continue;
          }
          break;
        }
        attr.value += s[i];
      }
      ++i;
      while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
      if (i < s.size() && s[i] != ';') return error("expected ';' after '}'", i);
    } else {
      size_t value_begin = i;
      while (i < s.size() && s[i] != ';') ++i;
      attr.value = std::string(Trim(s.substr(value_begin, i - value_begin)));
    }
    attrs.push_back(std::move(attr));
  }
  return attrs;
}

Status ValidateOdbcConnectionString(std::string_view text) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<OdbcAttribute> attrs, ParseOdbcConnectionString(text));
  for (const OdbcAttribute& a : attrs) {
    if (IsOdbcSecretKey(a.key)) {
      return Status::InvalidArgument(
          fmt::format("connection: must not contain {}= (set password or password_env instead)", a.key));
    }
  }
  if (attrs.empty())
    return Status::InvalidArgument("connection: no attributes (expected DSN=... or Driver=...)");
  return Status::Ok();
}

std::string DescribeOdbcConnectionString(std::string_view text) {
  auto attrs = ParseOdbcConnectionString(text);
  if (!attrs.ok()) return "";
  std::string out;
  for (const OdbcAttribute& a : *attrs) {
    if (IsOdbcSecretKey(a.key)) continue;
    if (!out.empty()) out += ';';
    out += a.key;
    out += '=';
    out += a.value.find_first_of(";{} ") == std::string::npos ? a.value : BracedOdbcValue(a.value);
  }
  return out;
}

}  // namespace tagloop
