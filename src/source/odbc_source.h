// The ODBC source driver (kind "odbc"), over unixODBC, built as the loadable
// module tagloop_source_odbc.so (source/source_driver.h).
//
// Connecting: SQLDriverConnect with the configured connection string plus,
// in memory only, ";PWD={password}" (braces escaped) when a password is
// configured. It also adds the PostgreSQL driver's (psqlodbc) keys
// UseDeclareFetch=1 and Fetch=<fetch_rows> (without them psqlodbc reads the
// whole result into memory), BoolsAsChar=0 (booleans as SQL_BIT) and
// CommLog=0;Debug=0 (no log files with queries in /tmp), unless
// the connection string sets those keys itself; other drivers ignore keys
// they do not know (at most with an 01S00 warning). When the database says
// it is PostgreSQL the session is made read-only (default_transaction_read_only);
// for others SQL_ATTR_ACCESS_MODE is set to read-only, which drivers may treat
// as a hint only. Login gives up after 15 s (SQL_ATTR_LOGIN_TIMEOUT); cancel
// and deadline are not checked while connecting.
//
// A query must be one statement (FindSecondStatement in source.h: psqlodbc
// would run "a; b" as two, and the second could undo the read-only session).
// A query is prepared and its columns counted before it runs (so a statement
// that returns no rows is refused without being executed, where the driver
// can describe before executing). Rows are fetched in blocks
// (SQL_ATTR_ROW_ARRAY_SIZE, column-wise bound SQL_C_CHAR buffers of up to
// 32 KiB per value: a longer value is InvalidArgument). SQL_BIT values become
// "true"/"false"; dates and timestamps keep the driver's ODBC text
// ("YYYY-MM-DD", "YYYY-MM-DD hh:mm:ss[.f]").
//
// Cancel and deadline: a watchdog thread runs with each query and calls
// SQLCancel on the statement when the flag is set or the deadline passes
// (ODBC allows that from another thread during a synchronous call); the
// fetch loop also checks between blocks. Errors carry the diagnostic records
// (SQLGetDiagRec: SQLSTATE and message), with the password scrubbed.
#pragma once

#include "source/source_driver.h"

namespace tagloop {

// The driver (connection strings are checked by
// source/odbc_connection_string.h). The module exports it as
// tagloop_source_driver().
const SourceDriver& OdbcSourceDriver();

}  // namespace tagloop
