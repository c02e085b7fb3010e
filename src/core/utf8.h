// UTF-8 validation for text from outside (imports, expressions, names) (Unicode 15, table 3-7: no overlong
// forms, no surrogates, nothing above U+10FFFF).
#pragma once

#include <cstddef>
#include <string_view>

namespace tagloop {

// The offset of the first byte of the first invalid or truncated sequence in
// `text`, or std::string_view::npos when all of it is valid UTF-8. Pure ASCII
// is checked eight bytes at a time. Thread-safe.
size_t FindInvalidUtf8(std::string_view text);

}  // namespace tagloop
