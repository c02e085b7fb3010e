// tagloop_gen_store: the wide synthetic store of the server benchmarks
// (bench/wide_model.h), written straight through the store API (a 10M x 200
// CSV would be ~20 GB), plus its helpers:
//
//   tagloop_gen_store store --data DIR --users 10000000 --tags 200 [--seed 42]
//                     [--date 2026-10-31] [--threads 2]
//   tagloop_gen_store csv   --out FILE --users N --tags 3 [--salt 1]  (member_id + tags t000.., a new
//   version) tagloop_gen_store ids   --out FILE --users N --sample 100000      (random known external ids,
//   one per line)
//
// `store` is deterministic and prints one line per 10 tags.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/bsi.h"
#include "core/date.h"
#include "store/tag_store.h"
#include "wide_model.h"

namespace tb = tagloop::bench;
using tagloop::Status;

namespace {

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

tagloop::TagVersionContent BuildTag(const tb::WideModel& model, uint32_t tag, uint32_t users,
                                    tagloop::Days date) {
  tagloop::TagVersionContent c;
  c.type = tb::WideModel::TypeOf(tag);
  c.date = date;
  if (c.type.is_numeric()) {
    std::vector<uint32_t> ids;
    std::vector<int64_t> values;
    ids.reserve(users);
    values.reserve(users);
    for (uint32_t u = 0; u < users; ++u) {
      int64_t v;
      if (model.Numeric(u, tag, &v)) ids.push_back(u), values.push_back(v);
    }
    c.bsi = tagloop::BuildBsi(ids, values);
    return c;
  }
  c.values = tb::WideModel::Values(tag);
  std::vector<std::vector<uint32_t>> per_value(c.values.size());
  for (uint32_t u = 0; u < users; ++u) {
    uint64_t mask = model.CategoricalMask(u, tag);
    while (mask) {
      per_value[static_cast<size_t>(__builtin_ctzll(mask))].push_back(u);
      mask &= mask - 1;
    }
  }
  for (auto& ids : per_value) c.value_users.push_back(tagloop::Bitmap::Of(ids));
  return c;
}

int Fail(const Status& st) {
  std::fprintf(stderr, "gen_store: %s\n", st.ToString().c_str());
  return 1;
}

int MakeStore(const std::string& dir, uint32_t users, uint32_t tags, uint64_t seed, tagloop::Days date,
              unsigned threads) {
  auto t0 = std::chrono::steady_clock::now();
  tagloop::StoreOptions so;
  so.create_if_missing = true;
  auto store = tagloop::TagStore::Open(dir, so);
  if (!store.ok()) return Fail(store.status());
  auto writer = (*store)->BeginWrite();
  if (!writer.ok()) return Fail(writer.status());
  {
    // Ids in chunks, so the strings of 10M ids are never all held at once.
    constexpr uint32_t kChunk = 1 << 20;
    std::vector<std::string> ids;
    std::vector<std::string_view> views;
    std::vector<uint32_t> dense;
    for (uint32_t begin = 0; begin < users; begin += kChunk) {
      const uint32_t end = std::min(users, begin + kChunk);
      ids.clear(), views.clear();
      for (uint32_t u = begin; u < end; ++u) ids.push_back(tb::WideModel::ExternalId(u));
      for (const auto& s : ids) views.push_back(s);
      if (Status st = (*writer)->InternUsers(views, &dense); !st.ok()) return Fail(st);
      if (dense.front() != begin) return Fail(Status::Internal("dense ids are not the row numbers"));
    }
  }
  std::printf("gen_store: %u ids interned (%.1f s)\n", users, Since(t0));
  tb::WideModel model(seed, tags);
  std::atomic<uint32_t> next{0}, done{0};
  std::atomic<bool> failed{false};
  std::mutex err_mu;
  Status error;
  auto work = [&] {
    for (uint32_t t; !failed && (t = next.fetch_add(1)) < tags;) {
      tagloop::TagVersionContent c = BuildTag(model, t, users, date);
      if (Status st = (*writer)->PutVersion(tb::WideModel::TagName(t), std::move(c)); !st.ok()) {
        std::lock_guard<std::mutex> l(err_mu);
        error = st;
        failed = true;
      }
      uint32_t d = done.fetch_add(1) + 1;
      if (d % 10 == 0 || d == tags) {
        std::printf("gen_store: %u/%u tags (%.1f s)\n", d, tags, Since(t0));
        std::fflush(stdout);
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 0; i < std::max(1u, threads); ++i) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  if (failed) return Fail(error);
  if (Status st = (*writer)->Commit(); !st.ok()) return Fail(st);
  std::printf("gen_store: %s: %u users x %u tags in %.1f s\n", dir.c_str(), users, tags, Since(t0));
  return 0;
}

int MakeCsv(const std::string& path, uint32_t users, uint32_t tags, uint64_t seed, uint64_t salt) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Fail(Status::IOError("cannot write " + path));
  tb::WideModel model(seed, tags);
  std::string buf = "member_id";
  for (uint32_t t = 0; t < tags; ++t) buf += "," + tb::WideModel::TagName(t);
  buf += '\n';
  for (uint32_t u = 0; u < users; ++u) {
    buf += tb::WideModel::ExternalId(u);
    for (uint32_t t = 0; t < tags; ++t) {
      buf.push_back(',');
      model.AppendCell(u, t, salt, &buf);
    }
    buf.push_back('\n');
    if (buf.size() > (1 << 20)) {
      if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size())
        return Fail(Status::IOError("write " + path));
      buf.clear();
    }
  }
  bool ok = std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) return Fail(Status::IOError("write " + path));
  std::FILE* types = std::fopen((path + ".types").c_str(), "wb");
  if (!types) return Fail(Status::IOError("cannot write " + path + ".types"));
  std::fprintf(types, "%s\n", tb::WideModel::TypesArgument(tags).c_str());
  std::fclose(types);
  return 0;
}

int MakeIds(const std::string& path, uint32_t users, uint32_t sample, uint64_t seed) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Fail(Status::IOError("cannot write " + path));
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint32_t> pick(0, users - 1);
  for (uint32_t i = 0; i < sample; ++i) std::fprintf(f, "%s\n", tb::WideModel::ExternalId(pick(rng)).c_str());
  return std::fclose(f) == 0 ? 0 : Fail(Status::IOError("write " + path));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The wide synthetic store of the tagloop server benchmarks"};
  app.require_subcommand(1);
  uint32_t users = 1'000'000, tags = 200, sample = 100'000;
  uint64_t seed = 42, salt = 1;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::string dir, out, date_text = "2026-10-31";

  CLI::App* store_cmd = app.add_subcommand("store", "Write the store into DIR");
  store_cmd->add_option("--data", dir, "data directory")->required();
  store_cmd->add_option("--users", users)->capture_default_str();
  store_cmd->add_option("--tags", tags)->capture_default_str();
  store_cmd->add_option("--seed", seed)->capture_default_str();
  store_cmd->add_option("--date", date_text, "business date of the versions")->capture_default_str();
  store_cmd->add_option("--threads", threads)->capture_default_str();

  CLI::App* csv_cmd = app.add_subcommand("csv", "A wide CSV of tags t000.. for all users (an import)");
  csv_cmd->add_option("--out", out)->required();
  csv_cmd->add_option("--users", users)->capture_default_str();
  csv_cmd->add_option("--tags", tags)->capture_default_str();
  csv_cmd->add_option("--seed", seed)->capture_default_str();
  csv_cmd->add_option("--salt", salt, "re-draws the values (a new version)")->capture_default_str();

  CLI::App* ids_cmd = app.add_subcommand("ids", "Random known external ids, one per line");
  ids_cmd->add_option("--out", out)->required();
  ids_cmd->add_option("--users", users)->capture_default_str();
  ids_cmd->add_option("--sample", sample)->capture_default_str();
  ids_cmd->add_option("--seed", seed)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (users == 0) return Fail(Status::InvalidArgument("--users must be positive"));
  if (store_cmd->parsed()) {
    auto date = tagloop::ParseDate(date_text);
    if (!date.ok()) return Fail(date.status());
    return MakeStore(dir, users, tags, seed, *date, threads);
  }
  if (csv_cmd->parsed()) return MakeCsv(out, users, tags, seed, salt);
  return MakeIds(out, users, sample, seed);
}
