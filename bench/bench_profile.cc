// tagloop_bench_profile: profile look-ups in-process on a store written by
// `tagloop_gen_store store` (the server's case: the store opened and warmed
// once, then LookupProfile per request).
//
//   tagloop_bench_profile --data DIR [--lookups 200000] [--threads 1,2] [--as-of 2026-10-31]
//                         [--json FILE]
//
// Per thread count: every thread looks up random known ids (precomputed
// strings, drawn uniformly over the users); each look-up is timed alone.
// Prints p50/p90/p99/p99.9/max and look-ups per second; --json appends one
// object per thread count.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/date.h"
#include "store/profile.h"
#include "store/tag_store.h"
#include "wide_model.h"

namespace tb = tagloop::bench;

namespace {

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Profile look-up latency in-process"};
  std::string dir, as_of_text = "2026-10-31", threads_text = "1,2", json_path;
  uint64_t lookups = 200'000, seed = 7;
  app.add_option("--data", dir, "store written by tagloop_gen_store store")->required();
  app.add_option("--lookups", lookups, "look-ups per thread count")->capture_default_str();
  app.add_option("--threads", threads_text, "comma-separated thread counts")->capture_default_str();
  app.add_option("--as-of", as_of_text)->capture_default_str();
  app.add_option("--seed", seed)->capture_default_str();
  app.add_option("--json", json_path, "append results here (one JSON object per line)");
  CLI11_PARSE(app, argc, argv);

  auto as_of = tagloop::ParseDate(as_of_text);
  if (!as_of.ok()) return std::fprintf(stderr, "bench_profile: bad --as-of\n"), 2;
  auto open_start = std::chrono::steady_clock::now();
  auto store = tagloop::TagStore::Open(dir);
  if (!store.ok()) return std::fprintf(stderr, "bench_profile: %s\n", store.status().ToString().c_str()), 1;
  auto snap = (*store)->snapshot();
  const uint32_t users = snap->user_count();
  if (users == 0) return std::fprintf(stderr, "bench_profile: empty store\n"), 1;
  // Warm like the server does: dictionary index, every tag's latest version.
  auto reader = tagloop::ProfileReader::Open(snap);
  if (!reader.ok()) return std::fprintf(stderr, "bench_profile: %s\n", reader.status().ToString().c_str()), 1;
  const double warm_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - open_start).count();
  std::printf("store: %u users, %zu tags; open + warm %.2f s\n", users, snap->tags().size(), warm_s);

  std::FILE* json = json_path.empty() ? nullptr : std::fopen(json_path.c_str(), "a");
  size_t start = 0;
  while (start <= threads_text.size()) {
    size_t comma = threads_text.find(',', start);
    unsigned threads = static_cast<unsigned>(std::stoul(threads_text.substr(start, comma - start)));
    start = comma == std::string::npos ? threads_text.size() + 1 : comma + 1;
    if (threads == 0) continue;

    const uint64_t per_thread = std::max<uint64_t>(1, lookups / threads);
    std::vector<std::vector<std::string>> ids(threads);
    std::mt19937_64 rng(seed + threads);
    std::uniform_int_distribution<uint32_t> pick(0, users - 1);
    for (auto& list : ids) {
      list.reserve(per_thread);
      for (uint64_t i = 0; i < per_thread; ++i) list.push_back(tb::WideModel::ExternalId(pick(rng)));
    }
    std::vector<std::vector<double>> lat(threads);
    std::vector<uint64_t> values(threads, 0), misses(threads, 0);
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        lat[t].reserve(per_thread);
        tagloop::Profile p;
        for (const std::string& id : ids[t]) {
          auto a = std::chrono::steady_clock::now();
          tagloop::Status st = (*reader)->Lookup(id, *as_of, &p);
          auto b = std::chrono::steady_clock::now();
          lat[t].push_back(std::chrono::duration<double, std::micro>(b - a).count());
          if (st.ok())
            values[t] += p.tags.size();
          else
            ++misses[t];
        }
      });
    }
    for (auto& th : pool) th.join();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<double> all;
    uint64_t total_values = 0, total_misses = 0;
    for (unsigned t = 0; t < threads; ++t) {
      all.insert(all.end(), lat[t].begin(), lat[t].end());
      total_values += values[t];
      total_misses += misses[t];
    }
    const double n = static_cast<double>(all.size());
    const double p50 = Percentile(all, 50), p90 = Percentile(all, 90), p99 = Percentile(all, 99),
                 p999 = Percentile(all, 99.9), max = *std::max_element(all.begin(), all.end());
    std::printf(
        "profile look-up, %u thread(s): %.0f look-ups in %.2f s = %.0f/s; p50 %.1f us, p90 %.1f us, p99 %.1f "
        "us, "
        "p99.9 %.1f us, max %.0f us; %.1f tags with a value per user; %lu misses\n",
        threads, n, secs, n / secs, p50, p90, p99, p999, max, static_cast<double>(total_values) / n,
        static_cast<unsigned long>(total_misses));
    if (json) {
      std::fprintf(
          json,
          "{\"bench\":\"profile_inprocess\",\"users\":%u,\"tags\":%zu,\"threads\":%u,\"lookups\":%.0f,"
          "\"per_second\":%.0f,\"p50_us\":%.2f,\"p90_us\":%.2f,\"p99_us\":%.2f,\"p999_us\":%.2f,"
          "\"max_us\":%.1f,\"misses\":%lu}\n",
          users, snap->tags().size(), threads, n, n / secs, p50, p90, p99, p999, max,
          static_cast<unsigned long>(total_misses));
    }
  }
  if (json) std::fclose(json);
  return 0;
}
