// tagloop_gen_users: writes the benchmark's car-rental member table as a wide
// CSV for `tagloop import` (and FILE.types, its --types argument).
//
//   tagloop_gen_users --users 10000000 --seed 42 --out users.csv [--date 2026-10-31]
//                     [--columns member_id,credit_score] [--salt 1]
//
// Deterministic: the same arguments give the same bytes on any machine.
// --columns keeps a subset (the id column is always first); --salt draws new
// values for the same ids, i.e. a new version of the columns.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/date.h"
#include "member_model.h"

namespace tb = tagloop::bench;

namespace {

// Rows [begin, end) as CSV lines.
void MakeRows(const tb::MemberGenerator& gen, const std::vector<size_t>& columns, uint64_t begin,
              uint64_t end, std::string* out) {
  out->clear();
  for (uint64_t row = begin; row < end; ++row) {
    const tb::Member m = gen.Generate(row);
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i) out->push_back(',');
      gen.AppendCell(m, columns[i], out);
    }
    out->push_back('\n');
  }
}

bool WriteAll(std::FILE* f, const std::string& s) { return std::fwrite(s.data(), 1, s.size(), f) == s.size(); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Writes the deterministic car-rental member table of the tagloop benchmarks as CSV"};
  uint64_t users = 0, seed = 42, salt = 0;
  std::string out_path, date_text = "2026-10-31", columns_text;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  app.add_option("--users", users, "number of rows")->required();
  app.add_option("--seed", seed, "seed of ids and values")->capture_default_str();
  app.add_option("--salt", salt, "re-draws every value, keeping the ids (a new version)")->capture_default_str();
  app.add_option("--out", out_path, "CSV file to write; FILE.types gets the --types argument")->required();
  app.add_option("--date", date_text, "business date of the data (YYYY-MM-DD)")->capture_default_str();
  app.add_option("--columns", columns_text, "comma-separated subset of columns (default: all)");
  app.add_option("--threads", threads, "generator threads")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto date = tagloop::ParseDate(date_text);
  if (!date.ok()) {
    std::fprintf(stderr, "gen_users: bad --date '%s' (want YYYY-MM-DD)\n", date_text.c_str());
    return 2;
  }
  const int32_t as_of = *date;
  if (users > 10000000000ULL) {
    std::fprintf(stderr, "gen_users: at most 10^10 users\n");
    return 2;
  }
  const auto& all = tb::MemberColumns();
  std::vector<size_t> columns = {0};
  if (columns_text.empty()) {
    for (size_t c = 1; c < all.size(); ++c) columns.push_back(c);
  } else {
    std::stringstream ss(columns_text);
    for (std::string name; std::getline(ss, name, ',');) {
      size_t c = 0;
      while (c < all.size() && name != all[c].name) ++c;
      if (c == all.size()) {
        std::fprintf(stderr, "gen_users: unknown column '%s'\n", name.c_str());
        return 2;
      }
      if (c != 0) columns.push_back(c);
    }
  }

  std::FILE* f = std::fopen(out_path.c_str(), "wb");
  if (!f) {
    std::perror(out_path.c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  std::string header;
  for (size_t i = 0; i < columns.size(); ++i) header.append(i ? "," : "").append(all[columns[i]].name);
  header.push_back('\n');
  bool ok = WriteAll(f, header);

  // Each round, every thread makes one chunk; chunks are written in row order.
  const tb::MemberGenerator gen(seed, salt, as_of);
  constexpr uint64_t kChunk = 1 << 16;
  threads = std::max(1u, threads);
  std::vector<std::string> buffers(threads);
  for (uint64_t next = 0; ok && next < users;) {
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
      const uint64_t begin = std::min(users, next + t * kChunk), end = std::min(users, begin + kChunk);
      workers.emplace_back(MakeRows, std::cref(gen), std::cref(columns), begin, end, &buffers[t]);
    }
    for (auto& w : workers) w.join();
    for (const auto& b : buffers) ok = ok && WriteAll(f, b);
    next += threads * kChunk;
  }
  ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    std::perror(out_path.c_str());
    return 1;
  }

  const std::string types = tb::ImportTypesArgument(columns);
  std::FILE* tf = std::fopen((out_path + ".types").c_str(), "wb");
  if (!tf || std::fprintf(tf, "%s\n", types.c_str()) < 0 || std::fclose(tf) != 0) {
    std::perror((out_path + ".types").c_str());
    return 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "gen_users: %llu rows x %zu columns -> %s in %.1f s\n",
               static_cast<unsigned long long>(users), columns.size(), out_path.c_str(), secs);
  return 0;
}
