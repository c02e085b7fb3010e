#include "produce/source.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "produce/odbc_source.h"
#include "produce/postgres_source.h"
#include "produce/sqlite_source.h"

namespace tagloop {

const char* SourceKindName(SourceKind kind) {
  switch (kind) {
    case SourceKind::kSqlite: return "sqlite";
    case SourceKind::kPostgresql: return "postgresql";
    case SourceKind::kOdbc: return "odbc";
  }
  return "unknown";
}

Result<SourceKind> ParseSourceKind(std::string_view text) {
  for (SourceKind k : {SourceKind::kSqlite, SourceKind::kPostgresql, SourceKind::kOdbc}) {
    if (text == SourceKindName(k)) return k;
  }
  return Status::InvalidArgument(
      fmt::format("kind: unknown source kind '{}' (expected sqlite, postgresql or odbc)", text));
}

namespace {

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return IsLower(c) || (c >= 'A' && c <= 'Z'); }

bool ValidSourceName(std::string_view name) {
  if (name.empty() || name.size() > 64 || !IsLower(name[0])) return false;
  for (char c : name) {
    if (!IsLower(c) && !IsDigit(c) && c != '_') return false;
  }
  return true;
}

bool ValidEnvName(std::string_view name) {
  if (name.empty() || name.size() > 255 || IsDigit(name[0])) return false;
  for (char c : name) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '_') return false;
  }
  return true;
}

}  // namespace

Status ValidateSourceConfig(const SourceConfig& config) {
  if (!ValidSourceName(config.name)) {
    // The name is not secret, but it may be garbage: show a bounded prefix.
    return Status::InvalidArgument(
        fmt::format("name: '{}' is not a source name ([a-z][a-z0-9_]{{0,63}})", config.name.substr(0, 80)));
  }
  auto bad = [&](std::string_view msg) { return Status::InvalidArgument(SourceMessage(config.name, msg)); };
  if (config.fetch_rows < 1 || config.fetch_rows > 1000000) {
    return bad(fmt::format("fetch_rows: {} is out of range (1..1000000)", config.fetch_rows));
  }
  if (!config.password.empty() && !config.password_env.empty()) {
    return bad("password, password_env: set one or the other, not both");
  }
  if (!config.password_env.empty() && !ValidEnvName(config.password_env)) {
    return bad("password_env: not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
  }
  if (config.connection.empty()) return bad("connection: must not be empty");
  if (config.connection.find('\0') != std::string::npos) return bad("connection: contains a NUL byte");
  Status st;
  switch (config.kind) {
    case SourceKind::kSqlite:
      if (!config.password.empty() || !config.password_env.empty()) {
        return bad("password: an sqlite source takes no password");
      }
      return Status::Ok();
    case SourceKind::kPostgresql: st = ValidatePostgresConninfo(config.connection); break;
    case SourceKind::kOdbc: st = ValidateOdbcConnectionString(config.connection); break;
  }
  if (!st.ok()) return bad(st.message());
  return Status::Ok();
}

std::string DescribeSource(const SourceConfig& config) {
  std::string detail;
  switch (config.kind) {
    case SourceKind::kSqlite: detail = config.connection; break;
    case SourceKind::kPostgresql: detail = DescribePostgresConninfo(config.connection); break;
    case SourceKind::kOdbc: detail = DescribeOdbcConnectionString(config.connection); break;
  }
  if (detail.empty()) detail = "invalid connection";
  return fmt::format("{} '{}' ({})", SourceKindName(config.kind), config.name, detail);
}

Result<std::unique_ptr<Source>> OpenSource(const SourceConfig& config, const std::string& data_dir) {
  TAGLOOP_RETURN_IF_ERROR(ValidateSourceConfig(config));
  switch (config.kind) {
    case SourceKind::kSqlite: {
      std::filesystem::path path(config.connection);
      if (path.is_relative()) path = std::filesystem::path(data_dir) / path;
      return NewSqliteSource(config, path.string());
    }
    case SourceKind::kPostgresql: return NewPostgresSource(config);
    case SourceKind::kOdbc: return NewOdbcSource(config);
  }
  return Status::Internal("unknown source kind");
}

// ------------------------------------------------------------ SQL templates

namespace {

enum class TemplateParam { kDate, kDateNodash, kMonth };

// Adds `months` to the month of `days` (the day of the month is irrelevant:
// only "YYYY-MM" is printed).
std::string ShiftedMonth(Days days, int64_t months) {
  std::string ymd = FormatDate(days);
  int64_t year = std::stoi(ymd.substr(0, 4));
  int64_t month = std::stoi(ymd.substr(5, 2)) - 1 + months;
  year += month >= 0 ? month / 12 : -((-month + 11) / 12);
  month = ((month % 12) + 12) % 12;
  if (year < 1 || year > 9999) return "";
  return fmt::format("{:04}-{:02}", year, month + 1);
}

}  // namespace

Result<std::string> ExpandSqlTemplate(std::string_view sql, Days biz_date) {
  static constexpr Days kMinDay = -719162;  // 0001-01-01
  static constexpr Days kMaxDay = 2932896;  // 9999-12-31
  std::string out;
  out.reserve(sql.size() + 16);
  size_t i = 0;
  while (i < sql.size()) {
    size_t open = sql.find("{{", i);
    if (open == std::string_view::npos) break;
    size_t p = open + 2;
    auto skip_spaces = [&] {
      while (p < sql.size() && (sql[p] == ' ' || sql[p] == '\t')) ++p;
    };
    skip_spaces();
    if (p >= sql.size() || !IsAlpha(sql[p])) {  // not a parameter: keep "{{" as text
      out.append(sql.substr(i, open + 2 - i));
      i = open + 2;
      continue;
    }
    auto error = [&](std::string_view what) {
      return Status::InvalidArgument(fmt::format("query template: {} at position {}", what, open), open);
    };
    size_t name_begin = p;
    while (p < sql.size() && (IsAlpha(sql[p]) || IsDigit(sql[p]) || sql[p] == '_')) ++p;
    std::string_view name = sql.substr(name_begin, p - name_begin);
    TemplateParam param;
    if (name == "biz_date") {
      param = TemplateParam::kDate;
    } else if (name == "biz_date_nodash") {
      param = TemplateParam::kDateNodash;
    } else if (name == "biz_month") {
      param = TemplateParam::kMonth;
    } else {
      return error(fmt::format("unknown parameter '{}' (expected biz_date, biz_date_nodash or biz_month)",
                               name.substr(0, 64)));
    }
    skip_spaces();
    int64_t shift = 0;
    if (p < sql.size() && (sql[p] == '+' || sql[p] == '-')) {
      int sign = sql[p] == '-' ? -1 : 1;
      ++p;
      skip_spaces();
      size_t digits = 0;
      while (p < sql.size() && IsDigit(sql[p])) {
        if (++digits > 5) return error("shift too large (at most 99999)");
        shift = shift * 10 + (sql[p] - '0');
        ++p;
      }
      if (digits == 0) return error(fmt::format("'{}' needs a number after + or -", name));
      shift *= sign;
      skip_spaces();
    }
    if (sql.substr(p, 2) != "}}") return error("malformed parameter (expected '}}')");
    p += 2;
    std::string value;
    if (param == TemplateParam::kMonth) {
      value = ShiftedMonth(biz_date, shift);
      if (value.empty()) return error("shifted month outside years 1..9999");
    } else {
      int64_t day = int64_t{biz_date} + shift;
      if (day < kMinDay || day > kMaxDay) return error("shifted date outside years 1..9999");
      value = FormatDate(static_cast<Days>(day));
      if (param == TemplateParam::kDateNodash)
        value = value.substr(0, 4) + value.substr(5, 2) + value.substr(8, 2);
    }
    out.append(sql.substr(i, open - i));
    out += value;
    i = p;
  }
  out.append(sql.substr(i));
  return out;
}

// --------------------------------------------------------------- RowBatcher

RowBatcher::RowBatcher(RowSink& sink, int batch_rows, std::string source_name)
    : sink_(sink),
      batch_rows_(batch_rows < 1 ? 1 : static_cast<size_t>(batch_rows)),
      source_name_(std::move(source_name)) {}

Status RowBatcher::Start(int columns) {
  if (columns < 1 || columns > 2) {
    return Status::InvalidArgument(SourceMessage(
        source_name_,
        fmt::format("a tag query returns (user_id, value) or user_id alone; this one returns {} column{}",
                    columns, columns == 1 ? "" : "s")));
  }
  columns_ = columns;
  entries_.reserve(std::min<size_t>(batch_rows_, 65536));
  return sink_.Begin(columns);
}

Status RowBatcher::Add(std::optional<std::string_view> user_id, std::optional<std::string_view> value) {
  ++rows_added_;
  if (!user_id) {
    return Status::InvalidArgument(
        SourceMessage(source_name_, fmt::format("row {}: the user id (column 1) is NULL", rows_added_)));
  }
  if (columns_ < 2) value = std::string_view();
  // Sizes are stored in 32 bits; no sensible user id or tag value is 4 GiB.
  if (user_id->size() > UINT32_MAX || (value && value->size() > UINT32_MAX)) {
    return Status::InvalidArgument(
        SourceMessage(source_name_, fmt::format("row {}: a value is too long", rows_added_)));
  }
  Entry e{bytes_.size(), static_cast<uint32_t>(user_id->size()),
          value ? static_cast<uint32_t>(value->size()) : 0, !value.has_value()};
  bytes_.append(*user_id);
  if (value) bytes_.append(*value);
  entries_.push_back(e);
  static constexpr size_t kMaxBatchBytes = 16 << 20;
  if (entries_.size() >= batch_rows_ || bytes_.size() >= kMaxBatchBytes) return Flush();
  return Status::Ok();
}

Status RowBatcher::Flush() {
  if (entries_.empty()) return Status::Ok();
  rows_.clear();
  rows_.reserve(entries_.size());
  const char* base = bytes_.data();
  for (const Entry& e : entries_) {
    rows_.push_back(SourceRow{std::string_view(base + e.offset, e.id_size),
                              std::string_view(base + e.offset + e.id_size, e.value_size), e.value_null});
  }
  Status st = sink_.Rows(std::span<const SourceRow>(rows_));
  entries_.clear();
  bytes_.clear();
  return st;
}

Status RowBatcher::Finish() { return Flush(); }

// ------------------------------------------------------------------ helpers

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

Result<std::string> ResolvePassword(const SourceConfig& config) {
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
