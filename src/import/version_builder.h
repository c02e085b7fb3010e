// Turns one parsed tag column (all chunks, file order) into the content of
// the tag's new version: one user bitmap per distinct value (bool, enum, set)
// or a bit-sliced index (int, decimal, date).
#pragma once

#include <cstdint>
#include <span>

#include "core/date.h"
#include "core/status.h"
#include "import/wide_csv_reader.h"
#include "store/tag_version.h"

namespace tagloop {

// The most distinct values a categorical version can hold (format limit).
inline constexpr size_t kMaxTagValues = (size_t{1} << 24) - 1;

// Builds the version of tag column `column` (index into every chunk's
// `columns`). `users` holds every row's dense user id in file order, and
// chunk k's first row is row `row_base[k]`. Releases that column's parsed
// values in `chunks`; different columns may be built on different threads
// at once. InvalidArgument when the column has more than kMaxTagValues values.
Result<TagVersionContent> BuildVersionContent(const WideColumn& tag, size_t column, Days date,
                                              std::span<ParsedChunk> chunks, std::span<const uint32_t> users,
                                              std::span<const uint64_t> row_base);

}  // namespace tagloop
