// HttpServer: HTTP/1.1 over Boost.Beast/Asio, for one HttpHandler.
//
// - Accepts asynchronously with a large listen backlog; every connection is an
//   async session on a strand, so an idle keep-alive connection costs no
//   thread, only a socket and a small buffer.
// - `io_threads` threads run the io_context; handlers run on them, except
//   exchanges the handler plans as `blocking` (imports, deletions), which run
//   on a separate pool of `blocking_threads` at a lower CPU priority
//   (`blocking_nice`) so they never stall the others.
// - The header is read first (at most max_header_bytes, else 431); the
//   handler's plan then sets the body limit (else 413, connection closed).
//   `Expect: 100-continue` is answered once the plan accepts the request.
// - Timeouts: idle_timeout while waiting for a request header, read_timeout
//   without progress while reading a body, write_timeout per write.
// - Stop() is graceful: stop accepting, close idle connections, let every
//   exchange in flight finish (reading, handling, writing), then return.
//
// Thread-safety: Start/Stop/port from one controlling thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "server/http/http_message.h"

namespace tagloop {

struct HttpServerOptions {
  // "HOST:PORT" ("127.0.0.1:8080", "[::1]:8080", "0.0.0.0:0"; port 0 picks
  // a free one, see port()). Default "127.0.0.1:8080".
  std::string listen = "127.0.0.1:8080";
  unsigned io_threads = 4;        // >= 1
  unsigned blocking_threads = 2;  // >= 1
  // Nice value added to the blocking pool's threads (0: none), so that long
  // work yields the CPU to short requests.
  int blocking_nice = 10;
  int backlog = 4096;  // listen(2) backlog (the kernel may cap it)
  uint32_t max_header_bytes = 16 * 1024;
  double idle_timeout_seconds = 60;
  double read_timeout_seconds = 30;
  double write_timeout_seconds = 60;
  // Stop() waits this long for exchanges in flight, then closes everything.
  double shutdown_timeout_seconds = 30;
};

class HttpServer {
 public:
  // Binds and listens (IOError naming the address when that fails,
  // InvalidArgument for a malformed address). `handler` is not owned and must
  // outlive the server. Nothing is served before Start().
  static Result<std::unique_ptr<HttpServer>> Listen(const HttpServerOptions& options, HttpHandler* handler);
  ~HttpServer();  // Stop()s if running

  // The bound port (useful with port 0).
  uint16_t port() const;
  // "127.0.0.1:8080".
  std::string address() const;
  // Starts the threads and accepting.
  void Start();
  // Graceful stop (see above); returns when every thread has ended. Idempotent.
  void Stop();

  // Connections open now (for metrics).
  uint64_t open_connections() const;

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tagloop
