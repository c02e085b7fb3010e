// SourceSpec: the settings of one named SQL source, as stored in the catalog
// database (source/source_registry.h) and handed to a driver (OpenSource in
// source/source.h). One type and one validation for both.
//
//   SourceSpec spec{.name = "shop", .kind = "postgresql",
//                   .connection = "host=db port=5432 dbname=shop user=tagloop",
//                   .password_env = "SHOP_PASSWORD"};
//   TAGLOOP_RETURN_IF_ERROR(ValidateSourceSpec(spec));
//
// Secrets: the password (SourceSpec::password, or the environment variable
// named by password_env) goes to the driver only; it never appears in a
// Status message, in DescribeSource() or in a log line. Connection strings
// must not hold one (ValidateSourceSpec refuses them, by each kind's rules).
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace tagloop {

struct SourceSpec {
  // How definitions name the source: [a-z][a-z0-9_]{0,63}.
  std::string name;
  // The driver (source/source_driver.h): "sqlite", "postgresql" or "odbc".
  std::string kind;
  // sqlite: a database file path; a relative path is relative to the data
  //   directory ("business.db" is the embedded business database). Opened
  //   read-only; a missing file is an error, never created.
  // postgresql: a libpq conninfo in key=value form, without a password
  //   ("host=127.0.0.1 port=5432 dbname=shop user=tagloop"). URIs are refused
  //   (they can carry a password in the user-info part).
  // odbc: an ODBC connection string without PWD/PASSWORD ("DSN=warehouse", or
  //   "Driver=...;Server=...;Port=...;Database=...;Uid=...").
  std::string connection;
  // The password (secret: never logged, never in messages, never listed). Or:
  std::string password;
  // the name of the environment variable holding it, read at each connect.
  // At most one of the two may be set; sqlite takes neither.
  std::string password_env;
  // Rows per batch handed to a RowSink, 1..1000000. Default 10000.
  int64_t fetch_rows = 10000;
  // When and by whom the catalog database last stored it (0 and "" for a
  // spec not read from there).
  int64_t updated_at_ms = 0;
  std::string updated_by;
};

// The one validation of a source's settings, used before storing and before
// connecting: the name's syntax, a known kind, fetch_rows in range, at most
// one of password/password_env (neither for sqlite), a password_env that is
// an environment variable name, and the kind's connection rules (no
// password inside it; for postgresql libpq's option names, which loads the
// driver). InvalidArgument naming the field ("source 'shop': connection:
// ...") and never quoting a password; FailedPrecondition when the kind's
// driver module cannot be loaded. Does not connect and does not read the
// environment. Thread-safe.
Status ValidateSourceSpec(const SourceSpec& spec);

// "postgresql 'shop' (host=127.0.0.1 port=5432 dbname=shop user=tagloop)",
// "sqlite 'biz' (business.db)", "odbc 'dw' (DSN=warehouse)": for logs and the
// API. Never contains a secret, even for an invalid spec (a connection that
// does not parse is shown as "(invalid connection)"). Loads no driver.
std::string DescribeSource(const SourceSpec& spec);

}  // namespace tagloop
