// "Did you mean ...?" for unknown names: the candidate closest to a
// misspelt name by edit distance (Damerau, case-insensitive for ASCII).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tagloop::segment {

// Optimal-string-alignment distance: insertions, deletions, substitutions
// and swaps of two neighbouring bytes each cost 1; ASCII case is ignored.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate nearest to `name` if it is near enough to be a plausible
// typo (at most 1 edit for names of up to 2 bytes, 2 up to 5, else 3); ties
// go to the candidate listed first. Never returns `name` itself.
std::optional<std::string> ClosestName(std::string_view name,
                                       const std::vector<std::string_view>& candidates);

// "; did you mean 'x'?" or "".
std::string DidYouMean(std::string_view name, const std::vector<std::string_view>& candidates);

}  // namespace tagloop::segment
