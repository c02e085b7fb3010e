// Counters and latency histograms of the server, rendered in the Prometheus
// text format (version 0.0.4) by /metrics and /api/v1/metrics:
//   tagloop_http_requests_total{method,route,status}            counter
//   tagloop_http_request_duration_seconds{method,route,status}  histogram
//   tagloop_http_requests_in_flight, tagloop_http_connections   gauges
//   tagloop_queries_total{kind,result}, tagloop_query_duration_seconds{kind}
// `route` is the route pattern ("/api/v1/tags/{name}"), never the path, so
// user ids never become label values. Recording is lock-free (atomics);
// thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tagloop {

enum class QueryKind : uint8_t { kCount = 0, kQuery, kExport, kProfile, kDistribution };
inline constexpr size_t kQueryKinds = 5;

class ServerMetrics {
 public:
  // One entry per route (method, pattern), in router order; requests that
  // match no route are recorded as route index routes.size() ("unmatched").
  explicit ServerMetrics(std::vector<std::pair<std::string, std::string>> routes);
  ~ServerMetrics();

  size_t unmatched_route() const { return routes_.size(); }
  void RecordRequest(size_t route, int status, int64_t micros);
  void RecordQuery(QueryKind kind, bool ok, int64_t micros);

  std::atomic<int64_t> in_flight{0};

  // Appends every metric of this object (HELP/TYPE lines included).
  void AppendPrometheus(std::string& out, uint64_t open_connections) const;

  static constexpr size_t kBuckets = 17;  // 16 bounds + Inf
  struct Histogram {
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_micros{0};
    std::atomic<uint64_t> buckets[kBuckets] = {};
    void Record(int64_t micros);
  };

 private:
  std::vector<std::pair<std::string, std::string>> routes_;
  std::unique_ptr<Histogram[]> requests_;  // [(routes + 1) * status slots]
  Histogram queries_[kQueryKinds];
  std::atomic<uint64_t> query_errors_[kQueryKinds] = {};
};

}  // namespace tagloop
