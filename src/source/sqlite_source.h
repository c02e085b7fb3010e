// The SQLite source driver (kind "sqlite", built in): a database file opened
// read-only (SQLITE_OPEN_READONLY, never created, no ATTACH, defensive mode,
// untrusted schema), so a tag query cannot change it. Cancel and deadline are
// checked by a progress handler every 1000 virtual-machine steps, which
// interrupts the statement (SQLITE_INTERRUPT). A column declared BOOL/BOOLEAN
// holding 0/1 is given as "false"/"true"; other values keep SQLite's text
// (integers and reals in decimal).
//
// Opened lazily (see Source); the file stays open until the Source is
// destroyed. Not thread-safe (see Source).
#pragma once

#include <memory>
#include <string>

#include "source/source.h"
#include "source/source_driver.h"

namespace tagloop {

// The driver: a relative SourceSpec::connection is joined with the data
// directory. Registered by source_driver.cc.
const SourceDriver& SqliteSourceDriver();

}  // namespace tagloop
