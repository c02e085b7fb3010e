#include "server/http/web_assets.h"

#include <fmt/format.h>
#include <unistd.h>
#include <xxhash.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tagloop {

namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMaxTotalBytes = 64ull << 20;

std::string ContentTypeFor(std::string_view path) {
  const size_t dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool HasIndex(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "index.html", ec);
}

void AddSecurityHeaders(HttpResponse& r) {
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                         "connect-src 'self'; frame-ancestors 'none'");
}

}  // namespace

Result<std::unique_ptr<WebAssets>> WebAssets::Load(const std::string& root) {
  const fs::path base(root);
  if (!HasIndex(base)) return Status::NotFound(fmt::format("web root '{}' has no index.html", root));
  std::unique_ptr<WebAssets> web(new WebAssets(root));
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    if (!in) return Status::IOError(fmt::format("cannot read '{}'", it->path().string()));
    std::ostringstream body;
    body << in.rdbuf();
    Asset a;
    a.body = std::move(body).str();
    total += a.body.size();
    if (total > kMaxTotalBytes) {
      return Status::InvalidArgument(fmt::format("web root '{}' holds more than 64 MiB", root));
    }
    const std::string rel = "/" + fs::relative(it->path(), base).generic_string();
    a.content_type = ContentTypeFor(rel);
    a.etag = fmt::format("\"{:016x}\"", XXH3_64bits(a.body.data(), a.body.size()));
    a.immutable = rel.starts_with("/assets/");
    web->files_.emplace(rel, std::move(a));
  }
  if (ec) return Status::IOError(fmt::format("cannot list '{}': {}", root, ec.message()));
  return web;
}

std::string WebAssets::FindDefaultRoot() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  // build/<preset>/tagloop -> <source>/web/dist; <prefix>/bin/tagloop -> <prefix>/share/tagloop/web
  for (const fs::path& candidate : {exe.parent_path().parent_path().parent_path() / "web" / "dist",
                                    exe.parent_path().parent_path() / "share" / "tagloop" / "web"}) {
    if (HasIndex(candidate)) return candidate.lexically_normal().string();
  }
  return "";
}

HttpResponse WebAssets::Serve(std::string_view path, std::string_view if_none_match) const {
  HttpResponse r;
  AddSecurityHeaders(r);
  std::string key(path.empty() || path == "/" ? "/index.html" : path);
  const bool leaves_root = key.find("/../") != std::string::npos || key.ends_with("/..") ||
                           key.find('\\') != std::string::npos || key.find('\0') != std::string::npos;
  auto it = leaves_root ? files_.end() : files_.find(key);
  if (it == files_.end()) {
    const size_t slash = key.rfind('/');
    const bool has_extension = key.find('.', slash) != std::string::npos;
    if (leaves_root || has_extension) {
      r.status = 404;
      r.content_type = "text/plain; charset=utf-8";
      r.body = "not found\n";
      return r;
    }
    it = files_.find("/index.html");
  }
  const Asset& a = it->second;
  r.headers.emplace_back("ETag", a.etag);
  r.headers.emplace_back("Cache-Control", a.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (!if_none_match.empty() && if_none_match == a.etag) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = a.content_type;
  r.body = a.body;
  return r;
}

}  // namespace tagloop
