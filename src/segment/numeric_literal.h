// A number literal placed exactly on the scale of an int or decimal:N tag
// (SPEC "Numeric literals are compared exactly"). A literal may hold more
// digits after the point than the tag keeps (1.5 on an int tag, 1.005 on a
// decimal:2 tag); it then lies strictly between two neighbouring values the
// tag can hold, and the binder turns each comparison with it into an exact
// equivalent on those values (binder.h).
//
// Thread-safe: pure functions.
#pragma once

#include <string_view>

#include "core/status.h"
#include "core/tag_type.h"

namespace tagloop::segment {

struct ScaledLiteral {
  // The largest value the tag can hold that is <= the literal, as the tag
  // stores it (a decimal scaled by 10^scale). 128 bits: the floor of
  // -9223372036854775808.5 on an int tag is INT64_MIN - 1.
  __int128 floor = 0;
  // True when the literal is `floor` itself (also "30.0" on an int tag);
  // false when floor < literal < floor + 1 (in the tag's last digit).
  bool exact = false;
};

// Reads `text` for an int or decimal tag: whatever ParseNumericValue accepts
// (exact), or a number -?[0-9]+.[0-9]+ with more digits after the point than
// the tag keeps whose digits up to the tag's scale are in the tag's range.
// Errors (InvalidArgument quoting `text`; the caller adds the position):
// ParseNumericValue's for anything else (" 30", "abc", a date's type), and
// "int '...' is out of the 64-bit range" / "decimal '...' is out of range"
// when even the digits the tag keeps are too large.
[[nodiscard]] Result<ScaledLiteral> ScaleNumericLiteral(const TagType& type, std::string_view text);

}  // namespace tagloop::segment
