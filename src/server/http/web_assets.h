// The operator web UI's built files (web/dist, made by Vite), kept in memory
// and served by `tagloop serve` at every path outside /api/ and /metrics.
// Paths without a file extension get index.html (the UI routes in the URL's
// hash, so this only matters for bookmarks of "/"). Files under assets/
// carry a content hash in their names and are cached for a year; index.html
// is revalidated (ETag) on every load so a new build shows at once.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "server/http/http_message.h"

namespace tagloop {

class WebAssets {
 public:
  struct Asset {
    std::string body;
    std::string content_type;
    std::string etag;  // quoted, from the content's hash
    bool immutable = false;
  };

  // Reads every regular file under `root` (at most 64 MiB in all).
  // NotFound when `root` has no index.html.
  static Result<std::unique_ptr<WebAssets>> Load(const std::string& root);

  // The web root to use when none is configured: web/dist next to the
  // source tree the binary was built in (build/<preset>/tagloop), or
  // share/tagloop/web next to an installed binary's bin/. "" when neither
  // holds an index.html.
  static std::string FindDefaultRoot();

  // The answer to GET `path` (the request target without the query), with
  // `if_none_match` the request's If-None-Match header: 200 with the file,
  // 304 when the ETag matches, 404 for a missing file with an extension or
  // a path that tries to leave the root.
  HttpResponse Serve(std::string_view path, std::string_view if_none_match) const;

  const std::string& root() const { return root_; }
  size_t files() const { return files_.size(); }

 private:
  explicit WebAssets(std::string root) : root_(std::move(root)) {}

  std::string root_;
  std::map<std::string, Asset, std::less<>> files_;  // "/index.html", "/assets/x.js"
};

}  // namespace tagloop
