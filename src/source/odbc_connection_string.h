// ODBC connection strings (SourceSpec::connection of an "odbc" source),
// parsed without loading unixODBC, so listing sources and refusing a
// password inside a connection never depend on the driver module
// (source/source_driver.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tagloop {

// One key=value attribute of an ODBC connection string; a {braced} value is
// unbraced ("}}" inside braces stands for "}").
struct OdbcAttribute {
  std::string key;
  std::string value;
};

// Splits an ODBC connection string ("k=v;k={v;w};..."). InvalidArgument
// ("connection: ...") with a byte position, never echoing text, when an
// attribute has no '=' or a brace is not closed.
Result<std::vector<OdbcAttribute>> ParseOdbcConnectionString(std::string_view text);

// Whether an attribute's key names a secret: PWD, or any key containing
// "password" or "pwd" (SSLPassword, KeyStorePwd, ...), in any case.
bool IsOdbcSecretKey(std::string_view key);

// Parses and refuses secret keys (IsOdbcSecretKey) and an empty string.
Status ValidateOdbcConnectionString(std::string_view text);

// The attributes without secrets ("DSN=warehouse;UID=tagloop"), or "" when the
// string does not parse.
std::string DescribeOdbcConnectionString(std::string_view text);

// {value} with "}" doubled, as ODBC connection strings escape braces.
std::string BracedOdbcValue(std::string_view value);

}  // namespace tagloop
