#include "server/http/api_router.h"

#include <fmt/format.h>

namespace tagloop {

namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path[0] != '/') return out;
  size_t start = 1;
  for (;;) {
    size_t slash = path.find('/', start);
    out.push_back(
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Status::InvalidArgument(fmt::format("bad percent-encoding at offset {} of the URL", i));
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseQueryString(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string_view part =
        query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      TAGLOOP_ASSIGN_OR_RETURN(std::string key, PercentDecode(part.substr(0, eq), true));
      std::string value;
      if (eq != std::string_view::npos) {
        TAGLOOP_ASSIGN_OR_RETURN(value, PercentDecode(part.substr(eq + 1), true));
      }
      out.emplace_back(std::move(key), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return out;
}

void ApiRouter::Add(ApiRoute route) {
  Compiled c;
  for (std::string_view seg : SplitPath(route.pattern)) {
    bool param = seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
    c.segments.emplace_back(param ? "{}" : std::string(seg));
  }
  route.id = routes_.size();
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(c));
}

Result<ApiRouter::Match> ApiRouter::Find(std::string_view method, std::string_view path) const {
  std::vector<std::string_view> segs = SplitPath(path);
  Match m;
  for (size_t r = 0; r < routes_.size(); ++r) {
    const Compiled& c = compiled_[r];
    if (c.segments.size() != segs.size()) continue;
    bool match = true;
    for (size_t i = 0; i < segs.size() && match; ++i) {
      if (c.segments[i] == "{}") {
        match = !segs[i].empty();
      } else {
        match = c.segments[i] == segs[i];
      }
    }
    if (!match) continue;
    if (routes_[r].method != method) {
      if (m.allow.find(routes_[r].method) == std::string::npos) {
        m.allow += (m.allow.empty() ? "" : ", ") + routes_[r].method;
      }
      continue;
    }
    m.route = &routes_[r];
    for (size_t i = 0; i < segs.size(); ++i) {
      if (c.segments[i] != "{}") continue;
      TAGLOOP_ASSIGN_OR_RETURN(std::string value, PercentDecode(segs[i], false));
      m.path_params.push_back(std::move(value));
    }
    m.allow.clear();
    return m;
  }
  return m;
}

}  // namespace tagloop
