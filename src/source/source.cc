#include "source/source.h"

#include <fmt/format.h>

#include <cstdlib>

namespace tagloop {

namespace {

bool IsSqlIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

size_t FindSecondStatement(std::string_view sql, size_t* first_end) {
  if (first_end != nullptr) *first_end = sql.size();
  bool after_semicolon = false;
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      int depth = 0;
      do {
        if (sql.substr(i, 2) == "/*")
          ++depth, i += 2;
        else if (sql.substr(i, 2) == "*/")
          --depth, i += 2;
        else
          ++i;
      } while (depth > 0 && i < sql.size());
      continue;
    }
    if (c == ';') {
      if (!after_semicolon && first_end != nullptr) *first_end = i;
      after_semicolon = true;
      ++i;
      continue;
    }
    if (after_semicolon) return i;
    if (c == '\'' || c == '"') {
      bool backslash = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                       (i < 2 || !IsSqlIdentChar(sql[i - 2]));
      for (++i; i < sql.size(); ++i) {
        if (backslash && sql[i] == '\\') {
          ++i;
        } else if (sql[i] == c) {
          if (i + 1 < sql.size() && sql[i + 1] == c) {
            ++i;
          } else {
            break;
          }
        }
      }
      ++i;
      continue;
    }
    if (c == '$' && (i == 0 || !IsSqlIdentChar(sql[i - 1]))) {
      size_t end = i + 1;
      while (end < sql.size() && IsSqlIdentChar(sql[end]) &&
             !(end == i + 1 && sql[end] >= '0' && sql[end] <= '9'))
        ++end;
      if (end < sql.size() && sql[end] == '$') {
        std::string_view tag = sql.substr(i, end - i + 1);
        size_t close = sql.find(tag, end + 1);
        i = close == std::string_view::npos ? sql.size() : close + tag.size();
        continue;
      }
    }
    if (IsSqlIdentChar(c) || c == '$') {
      while (i < sql.size() && (IsSqlIdentChar(sql[i]) || sql[i] == '$')) ++i;
      continue;
    }
    ++i;
  }
  return std::string_view::npos;
}

std::string SourceMessage(std::string_view source_name, std::string_view message) {
  return fmt::format("source '{}': {}", source_name, message);
}

std::string RedactSecret(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  size_t pos = 0;
  while ((pos = text.find(secret, pos)) != std::string::npos) {
    text.replace(pos, secret.size(), "***");
    pos += 3;
  }
  return text;
}

Result<std::string> ResolvePassword(const SourceSpec& config) {
  if (!config.password.empty()) return config.password;
  if (config.password_env.empty()) return std::string();
  const char* value = std::getenv(config.password_env.c_str());
  if (value == nullptr) {
    return Status::FailedPrecondition(SourceMessage(
        config.name,
        fmt::format("the environment variable {} (password_env) is not set", config.password_env)));
  }
  return std::string(value);
}

Status SqlStateStatus(std::string_view sqlstate, std::string message) {
  static constexpr std::string_view kQueryClasses[] = {"0A", "21", "22", "23", "25",
                                                       "2F", "3D", "3F", "42", "44"};
  if (sqlstate == "57014") return Status::Cancelled(std::move(message));  // query_canceled
  std::string_view cls = sqlstate.substr(0, 2);
  for (std::string_view c : kQueryClasses) {
    if (cls == c) return Status::InvalidArgument(std::move(message));
  }
  if (cls == "08" || cls == "28") return Status::FailedPrecondition(std::move(message));
  return Status::IOError(std::move(message));
}

std::string InlineIdRelation(std::span<const std::string_view> ids) {
  if (ids.empty()) {
    return "(SELECT user_id FROM (VALUES (CAST(NULL AS VARCHAR(1)))) AS tagloop_values(user_id) WHERE 1 = 0)";
  }
  std::string out;
  size_t bytes = 0;
  for (std::string_view id : ids) bytes += id.size() + 5;
  out.reserve(bytes + 96);
  out += "(SELECT user_id FROM (VALUES ";
  bool first = true;
  for (std::string_view id : ids) {
    if (!first) out += ',';
    first = false;
    out += "('";
    for (char c : id) {
      if (c == '\'') out += '\'';
      out += c;
    }
    out += "')";
  }
  out += ") AS tagloop_values(user_id))";
  return out;
}

std::string JoinTablePieces(const TableQuery& query, std::string_view relation) {
  std::string out;
  for (size_t i = 0; i < query.pieces.size(); ++i) {
    if (i > 0) out.append(relation);
    out += query.pieces[i];
  }
  return out;
}

Status CheckRunControl(const RunControl& control, std::string_view source_name) {
  if (control.cancel != nullptr && control.cancel->load(std::memory_order_relaxed)) {
    return Status::Cancelled(SourceMessage(source_name, "the query was cancelled"));
  }
  if (control.deadline && std::chrono::steady_clock::now() >= *control.deadline) {
    return Status::DeadlineExceeded(
        SourceMessage(source_name, "the query did not finish before its deadline"));
  }
  return Status::Ok();
}

}  // namespace tagloop
