// The PostgreSQL source driver (kind "postgresql"), over libpq, built as the
// loadable module tagloop_source_postgresql.so (source/source_driver.h).
//
// A query runs in two steps on one connection:
//   1. the query text is prepared as the unnamed statement and described
//      (PQsendPrepare + PQsendDescribePrepared): syntax errors, unknown
//      tables and the column count and types are known before any row is
//      produced, and a statement that returns no rows is never run;
//   2. `COPY (query) TO STDOUT`, sent with the extended protocol (which
//      takes one statement only, so nothing can follow the query), streams
//      the rows in COPY text format (as fast as psql's \copy), parsed here
//      (\N, \t, \n, \\, octal and \x escapes); bool columns become
//      "true"/"false".
// The session uses DateStyle ISO (dates "YYYY-MM-DD"), client_encoding UTF8
// and default_transaction_read_only, so a tag query cannot write.
//
// All waiting is poll() on the connection's socket, so a cancel flag or a
// deadline is noticed within ~50 ms even before the first row or while
// connecting; the query is then cancelled on the server (PQcancel) and the
// connection drained for reuse (closed if that takes more than 5 s). A sink
// error cancels the query the same way. Connecting gives up after 15 s.
//
// The password (SourceSpec::password or $password_env, read at each
// connect) is passed to libpq as its own keyword, never spliced into the
// conninfo, and is scrubbed from every message.
#pragma once

#include "source/source_driver.h"

namespace tagloop {

// The driver: validate adds libpq's checks of the conninfo (its option
// names, its parser) to ValidatePostgresConninfo's
// (source/postgres_conninfo.h). The module exports it as
// tagloop_source_driver().
const SourceDriver& PostgresSourceDriver();

}  // namespace tagloop
