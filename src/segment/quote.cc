#include "segment/quote.h"

namespace tagloop::segment {

std::string QuoteString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('\'');
  for (char c : text) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string SegmentReference(std::string_view name) { return "SEGMENT(" + QuoteString(name) + ")"; }

}  // namespace tagloop::segment
