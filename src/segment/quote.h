// The segment language's spelling of a string literal and of a saved-segment
// reference, for every piece of code that writes expressions (the AST
// printer, report cells, insight rows, saved-segment counts): one place
// doubles the quotes (docs/language.md, "Grammar"). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace tagloop::segment {

// 'text' with every ' doubled: "it's" -> 'it''s'.
std::string QuoteString(std::string_view text);

// SEGMENT('name'), the name quoted as above.
std::string SegmentReference(std::string_view name);

}  // namespace tagloop::segment
