#include "source/source_spec.h"

#include <fmt/format.h>

#include "source/odbc_connection_string.h"
#include "source/postgres_conninfo.h"
#include "source/source.h"
#include "source/source_driver.h"

namespace tagloop {

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

// The checks that need no driver: kept here so that a missing module never
// weakens the rule that a connection string holds no password.
Status CheckConnectionText(const SourceSpec& spec) {
  if (spec.kind == "postgresql") return ValidatePostgresConninfo(spec.connection);
  if (spec.kind == "odbc") return ValidateOdbcConnectionString(spec.connection);
  return Status::Ok();  // sqlite: a file path
}

}  // namespace

Status ValidateSourceSpec(const SourceSpec& spec) {
  if (!ValidSourceName(spec.name)) {
    // The name is not secret, but it may be garbage: show a bounded prefix.
    return Status::InvalidArgument(
        fmt::format("name: '{}' is not a source name ([a-z][a-z0-9_]{{0,63}})", spec.name.substr(0, 80)));
  }
  auto bad = [&](std::string_view msg) { return Status::InvalidArgument(SourceMessage(spec.name, msg)); };
  bool known_kind = false;
  for (const std::string& k : SourceKinds()) known_kind = known_kind || spec.kind == k;
  if (!known_kind) {
    return bad(fmt::format("kind: unknown source kind '{}' (expected sqlite, postgresql or odbc)",
                           spec.kind.substr(0, 64)));
  }
  if (spec.fetch_rows < 1 || spec.fetch_rows > 1000000) {
    return bad(fmt::format("fetch_rows: {} is out of range (1..1000000)", spec.fetch_rows));
  }
  if (!spec.password.empty() && !spec.password_env.empty()) {
    return bad("password, password_env: set one or the other, not both");
  }
  if (!spec.password_env.empty() && !ValidEnvName(spec.password_env)) {
    return bad("password_env: not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
  }
  if (spec.kind == "sqlite" && (!spec.password.empty() || !spec.password_env.empty())) {
    return bad("password: an sqlite source takes no password");
  }
  if (spec.connection.empty()) return bad("connection: must not be empty");
  if (spec.connection.find('\0') != std::string::npos) return bad("connection: contains a NUL byte");
  Status text = CheckConnectionText(spec);
  if (!text.ok()) return bad(text.message());
  TAGLOOP_ASSIGN_OR_RETURN(const SourceDriver* driver, FindSourceDriver(spec.kind));
  if (driver->validate != nullptr) {
    Status deep = driver->validate(spec);
    if (!deep.ok()) return bad(deep.message());
  }
  return Status::Ok();
}

std::string DescribeSource(const SourceSpec& spec) {
  std::string detail;
  if (spec.kind == "postgresql") {
    detail = DescribePostgresConninfo(spec.connection);
  } else if (spec.kind == "odbc") {
    detail = DescribeOdbcConnectionString(spec.connection);
  } else if (spec.kind == "sqlite") {
    detail = spec.connection;
  }
  if (detail.empty()) detail = "invalid connection";
  return fmt::format("{} '{}' ({})", spec.kind.substr(0, 64), spec.name, detail);
}

}  // namespace tagloop
