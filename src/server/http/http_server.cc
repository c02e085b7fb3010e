// The only translation unit that includes Boost.Beast: sessions, the
// acceptor, the thread pools and the graceful stop of http_server.h.
#include "server/http/http_server.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

namespace tagloop {

namespace {

std::chrono::steady_clock::duration Seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

Result<tcp::endpoint> ParseListenAddress(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument(fmt::format("listen address '{}': expected HOST:PORT", listen));
  }
  std::string host = listen.substr(0, colon);
  std::string port_text = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned long port = 0;
  if (port_text.empty() || port_text.size() > 5 ||
      !std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      (port = std::stoul(port_text)) > 65535) {
    return Status::InvalidArgument(fmt::format("listen address '{}': bad port '{}'", listen, port_text));
  }
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec)
    return Status::InvalidArgument(
        fmt::format("listen address '{}': '{}' is not an IP address", listen, host));
  return tcp::endpoint(address, static_cast<uint16_t>(port));
}

std::string_view ToStd(beast::string_view s) { return std::string_view(s.data(), s.size()); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsConnectionEnd(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == net::error::eof ||
         ec == net::error::operation_aborted || ec == beast::error::timeout ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::bad_descriptor;
}

class Session;

}  // namespace

class HttpServer::Impl {
 public:
  Impl(const HttpServerOptions& options, HttpHandler* handler)
      : options_(options),
        handler_(handler),
        ioc_(static_cast<int>(std::max(1u, options.io_threads))),
        acceptor_(net::make_strand(ioc_)),
        backoff_(acceptor_.get_executor()),
        blocking_(std::max(1u, options.blocking_threads)) {}

  Status Bind() {
    auto endpoint = ParseListenAddress(options_.listen);
    if (!endpoint.ok()) return endpoint.status();
    beast::error_code ec;
    acceptor_.open(endpoint->protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(*endpoint, ec);
    if (!ec) acceptor_.listen(options_.backlog, ec);
    if (ec) return Status::IOError(fmt::format("cannot listen on {}: {}", options_.listen, ec.message()));
    local_ = acceptor_.local_endpoint(ec);
    return Status::Ok();
  }

  void Start() {
    if (started_) return;
    started_ = true;
    net::dispatch(acceptor_.get_executor(), [this] { Accept(); });
    unsigned n = std::max(1u, options_.io_threads);
    threads_.reserve(n);
    for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }

  void Stop();

  // Long work (an import parsing a large upload on every core) must not
  // starve the short requests: the blocking pool's threads, and the threads
  // they start, run at nice +blocking_nice (Linux: nice is per thread and
  // inherited by new threads). Once per thread; failure is harmless.
  void LowerThreadPriority() const {
    thread_local bool lowered = false;
    if (lowered || options_.blocking_nice <= 0) return;
    lowered = true;
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), options_.blocking_nice);
  }

  const HttpServerOptions& options() const { return options_; }
  HttpHandler* handler() const { return handler_; }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  void Register(const std::shared_ptr<Session>& s);
  void Deregister(Session* s) {
    std::lock_guard<std::mutex> l(mu_);
    sessions_.erase(s);
    if (sessions_.empty()) cv_.notify_all();
  }
  uint64_t open_connections() const {
    std::lock_guard<std::mutex> l(mu_);
    return sessions_.size();
  }

  // Runs `fn` on the blocking pool; the io_context stays alive meanwhile.
  template <typename Fn>
  void RunBlocking(Fn fn) {
    net::post(blocking_, [this, guard = net::make_work_guard(ioc_), fn = std::move(fn)]() mutable {
      LowerThreadPriority();
      fn();
    });
  }

  tcp::endpoint local_;

 private:
  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (!acceptor_.is_open() || stopping()) return;
      if (ec) {
        // Out of file descriptors and the like: back off instead of spinning.
        backoff_.expires_after(std::chrono::milliseconds(50));
        backoff_.async_wait([this](beast::error_code) {
          if (acceptor_.is_open() && !stopping()) Accept();
        });
        return;
      }
      OnAccepted(std::move(socket));
      Accept();
    });
  }
  void OnAccepted(tcp::socket socket);

  HttpServerOptions options_;
  HttpHandler* handler_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  bool stopped_ = false;
  // Declared before ioc_: sessions destroyed with the io_context deregister here.
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer backoff_;
  net::thread_pool blocking_;
  std::vector<std::thread> threads_;
};

namespace {

// One connection: read a header, plan, read the body, handle, write; repeat
// while keep-alive. All member functions run on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, HttpServer::Impl* server) : stream_(std::move(socket)), server_(server) {}
  ~Session() {
    if (exchange_open_) FinishExchange(0, /*aborted=*/true);
    server_->Deregister(this);
  }

  void Start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }
  net::any_io_executor executor() { return stream_.get_executor(); }

  // Graceful stop: a connection waiting for its next request is closed; one
  // in the middle of an exchange finishes it first (see ReadHeader).
  void CloseIfIdle() {
    if (idle_) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.close();
    }
  }

 private:
  const HttpServerOptions& options() const { return server_->options(); }
  HttpHandler* handler() const { return server_->handler(); }

  void ReadHeader() {
    if (server_->stopping()) return Shutdown();
    idle_ = true;
    parser_.emplace();
    parser_->header_limit(options().max_header_bytes);
    // No body limit while the header is read: Beast would otherwise refuse a
    // Content-Length above its 1 MiB default before the handler's plan sets
    // the route's limit (checked in OnHeader, then enforced while reading).
    // (Not boost::none: Boost 1.74 compares lengths against an empty
    // optional and then refuses every body.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(Seconds(options().idle_timeout_seconds));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    idle_ = false;
    if (ec) {
      if (IsConnectionEnd(ec)) return Shutdown();
      if (ec == http::error::header_limit) {
        return WriteBare(431, fmt::format("request header larger than {} bytes", options().max_header_bytes));
      }
      return WriteBare(400, fmt::format("malformed HTTP request: {}", ec.message()));
    }
    start_ = std::chrono::steady_clock::now();
    auto& msg = parser_->get();
    request_ = HttpRequest{};
    request_.method = std::string(ToStd(msg.method_string()));
    request_.target = std::string(ToStd(msg.target()));
    request_.headers.reserve(8);
    for (const auto& field : msg) {
      request_.headers.emplace_back(Lower(ToStd(field.name_string())), std::string(ToStd(field.value())));
    }
    request_.keep_alive = msg.keep_alive();
    status_ = 0;
    body_bytes_ = 0;
    try {
      plan_ = handler()->Plan(request_);
    } catch (const std::exception&) {
      plan_ = HttpRequestPlan{};
      plan_.reject = std::make_unique<HttpResponse>(handler()->ProtocolError(500, "internal error"));
    }
    exchange_open_ = true;
    body_unread_ = !parser_->is_done();
    if (plan_.reject) {
      HttpResponse r = std::move(*plan_.reject);
      if (body_unread_) r.close = true;
      return Write(std::move(r));
    }
    if (!body_unread_) return Dispatch();
    if (parser_->content_length() && *parser_->content_length() > plan_.body_limit) {
      return WriteTooLarge();
    }
    parser_->body_limit(plan_.body_limit);
    if (beast::iequals(msg[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      stream_.expires_after(Seconds(options().write_timeout_seconds));
      return http::async_write(stream_, *cont,
                               [self = shared_from_this(), cont](beast::error_code ec, size_t) {
                                 if (ec) return self->Abort();
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    // The timeout is re-armed per read: it bounds a stall, not a large upload.
    stream_.expires_after(Seconds(options().read_timeout_seconds));
    http::async_read_some(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec == http::error::body_limit) return WriteTooLarge();
    if (ec) return Abort();
    if (!parser_->is_done()) return ReadBody();
    body_unread_ = false;
    Dispatch();
  }

  void Dispatch() {
    request_.body = std::move(parser_->get().body());
    if (!plan_.blocking) return Write(CallHandle());
    server_->RunBlocking([self = shared_from_this()] {
      HttpResponse r = self->CallHandle();
      net::post(self->stream_.get_executor(),
                [self, r = std::move(r)]() mutable { self->Write(std::move(r)); });
    });
  }

  HttpResponse CallHandle() {
    try {
      return handler()->Handle(request_, plan_);
    } catch (const std::exception&) {
      return handler()->ProtocolError(500, "internal error");
    }
  }

  void WriteTooLarge() {
    HttpResponse r =
        handler()->ProtocolError(413, fmt::format("request body larger than {} bytes", plan_.body_limit));
    r.close = true;
    Write(std::move(r));
  }

  // An error response outside any exchange (the header could not be read).
  void WriteBare(int status, const std::string& message) {
    body_unread_ = true;  // whatever follows on this connection is unusable
    HttpResponse r = handler()->ProtocolError(status, message);
    r.close = true;
    request_.keep_alive = false;
    Write(std::move(r));
  }

  void Write(HttpResponse r) {
    status_ = r.status;
    close_after_ = r.close || !request_.keep_alive || server_->stopping();
    if (r.stream) return WriteStreamHeader(std::move(r));
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res->set(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(!close_after_);
    res->prepare_payload();
    body_bytes_ = res->body().size();
    stream_.expires_after(Seconds(options().write_timeout_seconds));
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, size_t) {
      self->OnWritten(ec);
    });
  }

  void WriteStreamHeader(HttpResponse r) {
    source_ = std::move(r.stream);
    source_finished_ = false;
    last_chunk_written_ = false;
    stream_header_ =
        std::make_unique<http::response<http::empty_body>>(static_cast<http::status>(r.status), 11);
    stream_header_->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) stream_header_->set(k, v);
    stream_header_->keep_alive(!close_after_);
    stream_header_->chunked(true);
    serializer_ = std::make_unique<http::response_serializer<http::empty_body>>(*stream_header_);
    stream_.expires_after(Seconds(options().write_timeout_seconds));
    http::async_write_header(stream_, *serializer_,
                             beast::bind_front_handler(&Session::OnChunkWritten, shared_from_this()));
  }

  void OnChunkWritten(beast::error_code ec, size_t) {
    if (ec) return Abort();
    if (last_chunk_written_) {
      source_ = nullptr;
      serializer_.reset();
      stream_header_.reset();
      return OnWritten({});
    }
    stream_.expires_after(Seconds(options().write_timeout_seconds));
    if (!source_finished_) {
      chunk_.clear();
      bool more = false;
      try {
        more = source_(chunk_);
      } catch (const std::exception&) {
        return Abort();  // the client sees a truncated (unterminated) chunked body
      }
      source_finished_ = !more;
      if (!chunk_.empty()) {
        body_bytes_ += chunk_.size();
        return net::async_write(stream_, http::make_chunk(net::buffer(chunk_)),
                                beast::bind_front_handler(&Session::OnChunkWritten, shared_from_this()));
      }
      if (more) return OnChunkWritten({}, 0);
    }
    last_chunk_written_ = true;
    net::async_write(stream_, http::make_chunk_last(),
                     beast::bind_front_handler(&Session::OnChunkWritten, shared_from_this()));
  }

  void OnWritten(beast::error_code ec) {
    if (ec) return Abort();
    FinishExchange(status_, false);
    if (close_after_) return body_unread_ ? Drain() : Shutdown();
    ReadHeader();
  }

  void FinishExchange(int status, bool aborted) {
    if (!exchange_open_) return;
    exchange_open_ = false;
    HttpExchangeResult result;
    result.status = status;
    result.body_bytes = body_bytes_;
    result.aborted = aborted;
    result.micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_)
            .count();
    try {
      handler()->Finish(plan_, result);
    } catch (const std::exception&) {
    }
    plan_ = HttpRequestPlan{};
  }

  void Abort() {
    FinishExchange(status_, true);
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  void Shutdown() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  // After answering a request whose body was not read: stop sending, then
  // read and discard for a moment so the client can finish its upload and
  // read the answer (closing with unread data would reset the connection
  // and may destroy the answer in flight).
  void Drain() {
    Shutdown();
    drain_buffer_ = std::make_unique<std::array<char, 16384>>();
    stream_.expires_after(std::chrono::seconds(2));
    DrainMore();
  }
  void DrainMore() {
    stream_.async_read_some(net::buffer(*drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > (uint64_t{64} << 20)) return self->stream_.close();
                              self->DrainMore();
                            });
  }

  beast::tcp_stream stream_;
  HttpServer::Impl* server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  HttpRequestPlan plan_;
  bool exchange_open_ = false;
  bool idle_ = false;
  bool body_unread_ = false;
  bool close_after_ = false;
  int status_ = 0;
  uint64_t body_bytes_ = 0;
  std::chrono::steady_clock::time_point start_;
  // Streamed responses.
  HttpBodySource source_;
  bool source_finished_ = false;
  bool last_chunk_written_ = false;
  std::string chunk_;
  std::unique_ptr<http::response<http::empty_body>> stream_header_;
  std::unique_ptr<http::response_serializer<http::empty_body>> serializer_;
  // Draining.
  std::unique_ptr<std::array<char, 16384>> drain_buffer_;
  uint64_t drained_ = 0;

  friend class tagloop::HttpServer::Impl;
};

}  // namespace

void HttpServer::Impl::Register(const std::shared_ptr<Session>& s) {
  std::lock_guard<std::mutex> l(mu_);
  sessions_.emplace(s.get(), s);
}

void HttpServer::Impl::OnAccepted(tcp::socket socket) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto session = std::make_shared<Session>(std::move(socket), this);
  Register(session);
  session->Start();
}

void HttpServer::Impl::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  stopping_.store(true, std::memory_order_release);
  net::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
    backoff_.cancel();
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) net::post(s->executor(), [s] { s->CloseIfIdle(); });
  live.clear();
  {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, Seconds(options_.shutdown_timeout_seconds), [this] { return sessions_.empty(); });
  }
  // Exchanges still running after the grace period are cut off here.
  blocking_.join();
  ioc_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Listen(const HttpServerOptions& options,
                                                       HttpHandler* handler) {
  auto impl = std::make_unique<Impl>(options, handler);
  TAGLOOP_RETURN_IF_ERROR(impl->Bind());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->local_.port(); }
std::string HttpServer::address() const {
  const auto& ep = impl_->local_;
  if (ep.address().is_v6()) return fmt::format("[{}]:{}", ep.address().to_string(), ep.port());
  return fmt::format("{}:{}", ep.address().to_string(), ep.port());
}
void HttpServer::Start() { impl_->Start(); }
void HttpServer::Stop() { impl_->Stop(); }
uint64_t HttpServer::open_connections() const { return impl_->open_connections(); }

}  // namespace tagloop
