// Small text helpers shared by the readers of outside input (type lists,
// list files, connection strings). Pure functions; thread-safe.
#pragma once

#include <string_view>

namespace tagloop {

// `s` without leading and trailing ASCII blanks (space, tab, CR, LF).
constexpr std::string_view Trim(std::string_view s) {
  constexpr std::string_view kBlanks = " \t\r\n";
  while (!s.empty() && kBlanks.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  while (!s.empty() && kBlanks.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

}  // namespace tagloop
