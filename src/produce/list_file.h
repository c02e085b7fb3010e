// List files: the uploaded ids of a `list` tag (crowd packages, batch
// tags), with optional values.
//
// Format (UTF-8 text): one user per line, `id` or `id,value` or `id<TAB>value`;
// blank lines and lines starting with '#' are skipped; a first line of
// `user_id` / `user_id,value` (any column names starting with "user_id" or
// "id") is a header. For a bool tag a line with only an id means true.
//
// Uploads are stored content-addressed in DIR/lists/<tag>-<sha256 prefix>.txt
// (written atomically), and the definition names that file: a new upload is
// a new definition version, so backfills and repairs of older dates read the
// list that was in force then.
#pragma once

#include <string>
#include <string_view>

#include "core/env.h"
#include "core/status.h"
#include "source/source.h"

namespace tagloop {

// Streams the list at `path` into `sink` (Begin(1) when no line has a value,
// else Begin(2)). Errors name path:line.
Status ReadListFile(const std::string& path, RowSink& sink, Env* env = Env::Default());
// The same for bytes in memory; `name` is used in errors.
Status ReadListBytes(std::string_view bytes, std::string_view name, RowSink& sink);

// Stores an upload for `tag`; returns its path relative to `dir`
// ("lists/vip-3fa9c2d1e0b4.txt"). The bytes are checked first
// (ReadListBytes into a counting sink): a bad list is refused.
Result<std::string> StoreListFile(const std::string& dir, std::string_view tag, std::string_view bytes,
                                  Env* env = Env::Default());

}  // namespace tagloop
