// Reads an uploaded list of external user ids (an audience list: a crowd
// package from a partner, a CRM export) for list segments and the match
// report (server/api_lists.cc).
//
// Two formats:
//   kLines  one id per line (LF or CRLF; the last line break optional); a
//           UTF-8 byte order mark at the start is skipped; spaces and tabs
//           around an id are dropped; blank lines are skipped and counted.
//           Nothing else is interpreted: an id may hold commas or quotes.
//   kCsv    RFC 4180 (import/csv_reader.h); the first row is the header; the
//           id is the column named `column`, or the first column when
//           `column` is empty. Every row has the header's number of fields;
//           an empty line is skipped and counted as blank; spaces and tabs
//           around an id are dropped.
// Every id must be a valid external id (1-128 bytes of UTF-8 without
// control characters): anything else is InvalidArgument "NAME:LINE: ..."
// (kCsv: "NAME:LINE:COLUMN: ..."), and nothing is returned.
//
// Bounded and safe on arbitrary bytes (a libFuzzer target: fuzz/
// id_list_fuzz.cc): no recursion, memory linear in the input.
// Thread-safe (pure function).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tagloop {

enum class IdListFormat : uint8_t { kLines, kCsv };

struct IdListOptions {
  IdListFormat format = IdListFormat::kLines;
  std::string column;           // kCsv: the id column's header name ("": the first column)
  std::string name = "upload";  // for error messages
};

struct IdList {
  // One id per non-blank line (row), in input order, duplicates kept. The
  // views point into the input bytes or into `arena` (ids unescaped from
  // quoted CSV fields): keep both alive while using them.
  std::vector<std::string_view> ids;
  uint64_t blank_lines = 0;
  std::unique_ptr<std::string> arena;
};

[[nodiscard]] Result<IdList> ReadIdList(std::string_view bytes, const IdListOptions& options);

}  // namespace tagloop
