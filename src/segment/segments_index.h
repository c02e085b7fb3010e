// The saved segments' index file, DIR/segments.json (saved_segments.h,
// docs/format.md): encoding and strict decoding. Internal to src/segment.
// Thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "segment/saved_segments.h"

namespace tagloop {

// The file's text: format 1 when every segment is dynamic (exactly what
// older versions wrote), else format 2.
std::string EncodeSegmentsIndex(const SavedSegments::Map& segments);

// Parses the file; Corruption "PATH: what is wrong" for anything malformed
// (bad JSON, unknown format or kind, a bad name or description, duplicates,
// versions out of order, a member file path outside segments/). A segment
// without "description" has "".
Result<SavedSegments::Map> DecodeSegmentsIndex(std::string_view text, std::string_view path);

// True for a member file path the index may name: "segments/" followed by
// [A-Za-z0-9_.-] characters ending in ".roar", without "..".
bool IsMemberFilePath(std::string_view file);

}  // namespace tagloop
