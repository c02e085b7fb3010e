// PostgreSQL connection strings (SourceSpec::connection of a "postgresql"
// source): libpq's key=value conninfo, checked and shown without loading
// libpq, so listing sources and refusing a password inside a connection
// never depend on the driver module (source/source_driver.h). The driver
// adds libpq's own checks (its option names) when it is loaded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tagloop {

struct ConninfoPair {
  std::string key, value;
};

// libpq's key=value grammar (conninfo_parse): blanks around '=', a value is
// either single-quoted (backslash escapes any character) or runs to the next
// blank (backslash escapes too). InvalidArgument ("connection: ...") naming
// the byte position, never echoing text.
Result<std::vector<ConninfoPair>> TokenizeConninfo(std::string_view conninfo);

// Checks a conninfo: key=value pairs (no URI, which can carry a password in
// its user-info part), no "password" or "sslpassword" key. InvalidArgument
// ("connection: ...") naming the byte position or the key, never values.
Status ValidatePostgresConninfo(std::string_view conninfo);

// The conninfo's pairs without secrets ("host=db port=5432 dbname=shop"), or
// "" when it does not parse.
std::string DescribePostgresConninfo(std::string_view conninfo);

}  // namespace tagloop
