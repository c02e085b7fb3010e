#include "server/http/server_metrics.h"

#include <fmt/format.h>

namespace tagloop {

namespace {

constexpr int kStatusSlots[] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 431, 500, 503};
constexpr size_t kSlots = std::size(kStatusSlots) + 1;  // + "other"
constexpr int64_t kBoundsMicros[ServerMetrics::kBuckets - 1] = {
    100, 250, 500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000,
    250'000, 500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000};
constexpr const char* kQueryKindNames[kQueryKinds] = {"count", "query", "export", "profile", "distribution"};

size_t SlotOf(int status) {
  for (size_t i = 0; i < std::size(kStatusSlots); ++i) {
    if (kStatusSlots[i] == status) return i;
  }
  return kSlots - 1;
}

std::string SlotLabel(size_t slot) {
  return slot + 1 == kSlots ? std::string("other") : std::to_string(kStatusSlots[slot]);
}

// Label values are route patterns and fixed words; escape anyway.
std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void AppendHistogram(std::string& out, const char* name, const std::string& labels,
                     const ServerMetrics::Histogram& h) {
  uint64_t cumulative = 0;
  for (size_t b = 0; b < ServerMetrics::kBuckets; ++b) {
    cumulative += h.buckets[b].load(std::memory_order_relaxed);
    std::string le = b + 1 == ServerMetrics::kBuckets ? "+Inf" : fmt::format("{:g}", kBoundsMicros[b] / 1e6);
    out += fmt::format("{}_bucket{{{},le=\"{}\"}} {}\n", name, labels, le, cumulative);
  }
  out += fmt::format("{}_sum{{{}}} {:.6f}\n", name, labels, h.sum_micros.load(std::memory_order_relaxed) / 1e6);
  out += fmt::format("{}_count{{{}}} {}\n", name, labels, cumulative);
}

}  // namespace

void ServerMetrics::Histogram::Record(int64_t micros) {
  if (micros < 0) micros = 0;
  size_t b = 0;
  while (b < kBuckets - 1 && micros > kBoundsMicros[b]) ++b;
  buckets[b].fetch_add(1, std::memory_order_relaxed);
  sum_micros.fetch_add(static_cast<uint64_t>(micros), std::memory_order_relaxed);
  count.fetch_add(1, std::memory_order_relaxed);
}

ServerMetrics::ServerMetrics(std::vector<std::pair<std::string, std::string>> routes)
    : routes_(std::move(routes)), requests_(new Histogram[(routes_.size() + 1) * kSlots]) {}

ServerMetrics::~ServerMetrics() = default;

void ServerMetrics::RecordRequest(size_t route, int status, int64_t micros) {
  if (route > routes_.size()) route = routes_.size();
  requests_[route * kSlots + SlotOf(status)].Record(micros);
}

void ServerMetrics::RecordQuery(QueryKind kind, bool ok, int64_t micros) {
  auto k = static_cast<size_t>(kind);
  queries_[k].Record(micros);
  if (!ok) query_errors_[k].fetch_add(1, std::memory_order_relaxed);
}

void ServerMetrics::AppendPrometheus(std::string& out, uint64_t open_connections) const {
  auto labels_of = [&](size_t route, size_t slot) {
    std::string method = route < routes_.size() ? routes_[route].first : "";
    std::string pattern = route < routes_.size() ? routes_[route].second : "unmatched";
    return fmt::format("method=\"{}\",route=\"{}\",status=\"{}\"", Escape(method), Escape(pattern), SlotLabel(slot));
  };
  out += "# HELP tagloop_http_requests_total HTTP requests answered, by route pattern and status.\n";
  out += "# TYPE tagloop_http_requests_total counter\n";
  for (size_t r = 0; r <= routes_.size(); ++r) {
    for (size_t s = 0; s < kSlots; ++s) {
      uint64_t n = requests_[r * kSlots + s].count.load(std::memory_order_relaxed);
      if (n) out += fmt::format("tagloop_http_requests_total{{{}}} {}\n", labels_of(r, s), n);
    }
  }
  out += "# HELP tagloop_http_request_duration_seconds Time from the request header to the last byte of the answer.\n";
  out += "# TYPE tagloop_http_request_duration_seconds histogram\n";
  for (size_t r = 0; r <= routes_.size(); ++r) {
    for (size_t s = 0; s < kSlots; ++s) {
      const Histogram& h = requests_[r * kSlots + s];
      if (h.count.load(std::memory_order_relaxed)) {
        AppendHistogram(out, "tagloop_http_request_duration_seconds", labels_of(r, s), h);
      }
    }
  }
  out += "# HELP tagloop_http_requests_in_flight Requests being read, handled or answered.\n";
  out += "# TYPE tagloop_http_requests_in_flight gauge\n";
  out += fmt::format("tagloop_http_requests_in_flight {}\n", in_flight.load(std::memory_order_relaxed));
  out += "# HELP tagloop_http_connections Open client connections.\n";
  out += "# TYPE tagloop_http_connections gauge\n";
  out += fmt::format("tagloop_http_connections {}\n", open_connections);

  out += "# HELP tagloop_queries_total Segment queries and look-ups run, by kind and result.\n";
  out += "# TYPE tagloop_queries_total counter\n";
  for (size_t k = 0; k < kQueryKinds; ++k) {
    uint64_t total = queries_[k].count.load(std::memory_order_relaxed);
    uint64_t errors = query_errors_[k].load(std::memory_order_relaxed);
    out += fmt::format("tagloop_queries_total{{kind=\"{}\",result=\"ok\"}} {}\n", kQueryKindNames[k], total - errors);
    out += fmt::format("tagloop_queries_total{{kind=\"{}\",result=\"error\"}} {}\n", kQueryKindNames[k], errors);
  }
  out += "# HELP tagloop_query_duration_seconds Time to run a segment query or look-up (parse to result).\n";
  out += "# TYPE tagloop_query_duration_seconds histogram\n";
  for (size_t k = 0; k < kQueryKinds; ++k) {
    AppendHistogram(out, "tagloop_query_duration_seconds", fmt::format("kind=\"{}\"", kQueryKindNames[k]), queries_[k]);
  }
}

}  // namespace tagloop
