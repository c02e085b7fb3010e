// tagloop_bench_export: segment exports with tag columns in-process
// (insight/segment_export.h, what POST /segments/export and `tagloop export`
// stream), on a store written by `tagloop_gen_store store`.
//
//   tagloop_bench_export --data DIR [--expr ALL] [--columns t000,t001,t002,t003,t004]
//                        [--as-of 2026-10-31] [--runs 3] [--json FILE]
//
// For CSV and NDJSON, ids only and with the columns: evaluates the segment,
// then writes every row into 64 KiB pieces (the server's stream pieces),
// discarded; the best of --runs. Prints rows/s and MB/s; --json appends one
// object per case.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "insight/segment_export.h"
#include "segment/segment.h"
#include "store/tag_store.h"

using namespace tagloop;

int main(int argc, char** argv) {
  CLI::App app{"Segment exports with tag columns, in-process"};
  std::string dir, expr = "ALL", columns_text = "t000,t001,t002,t003,t004", as_of_text = "2026-10-31", json_path;
  int runs = 3;
  app.add_option("--data", dir, "store written by tagloop_gen_store store")->required();
  app.add_option("--expr", expr)->capture_default_str();
  app.add_option("--columns", columns_text, "comma-separated tags")->capture_default_str();
  app.add_option("--as-of", as_of_text)->capture_default_str();
  app.add_option("--runs", runs)->capture_default_str();
  app.add_option("--json", json_path, "append results here (one JSON object per line)");
  CLI11_PARSE(app, argc, argv);

  auto as_of = ParseDate(as_of_text);
  auto store = TagStore::Open(dir, {});
  if (!as_of.ok() || !store.ok()) {
    fmt::print(stderr, "cannot open: {}\n", store.ok() ? as_of.status().ToString() : store.status().ToString());
    return 1;
  }
  std::vector<std::string> columns;
  for (size_t start = 0; start < columns_text.size();) {
    size_t comma = columns_text.find(',', start);
    if (comma == std::string::npos) comma = columns_text.size();
    if (comma > start) columns.push_back(columns_text.substr(start, comma - start));
    start = comma + 1;
  }
  auto snap = (*store)->snapshot();
  auto dict = snap->dictionary();
  if (!dict.ok()) return 1;
  (void)(*dict)->ExternalId(0);
  SegmentQueryOptions options;
  options.as_of = *as_of;

  std::FILE* json_out = json_path.empty() ? nullptr : std::fopen(json_path.c_str(), "a");
  fmt::print("{:<8} {:>8} {:>12} {:>10} {:>12} {:>10}\n", "format", "columns", "rows", "seconds", "rows/s", "MB/s");
  for (ExportFormat format : {ExportFormat::kCsv, ExportFormat::kNdjson}) {
    for (bool with_columns : {false, true}) {
      std::vector<std::string> names = with_columns ? columns : std::vector<std::string>();
      double best = 1e30;
      uint64_t rows = 0, bytes = 0;
      for (int run = 0; run < runs; ++run) {
        auto start = std::chrono::steady_clock::now();
        auto users = EvaluateSegment(*snap, expr, options);
        auto cols = ResolveExportColumns(*snap, names, *as_of);
        if (!users.ok() || !cols.ok()) {
          fmt::print(stderr, "{}\n", users.ok() ? cols.status().ToString() : users.status().ToString());
          return 1;
        }
        SegmentExportWriter writer(snap, *dict, std::move(*users), std::move(*cols), format, 0);
        std::string piece;
        piece.reserve(128 << 10);
        bytes = 0;
        for (bool more = true; more;) {
          piece.clear();
          more = writer.Next(piece, 64 << 10);
          bytes += piece.size();
        }
        rows = writer.written();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      }
      fmt::print("{:<8} {:>8} {:>12} {:>10.3f} {:>12.0f} {:>10.0f}\n", ExportFormatName(format), names.size(), rows,
                 best, rows / best, bytes / best / 1e6);
      if (json_out != nullptr) {
        nlohmann::json j = {{"bench", "export"},       {"format", ExportFormatName(format)},
                            {"columns", names},        {"rows", rows},
                            {"bytes", bytes},          {"seconds", best},
                            {"rows_per_s", rows / best}, {"expr", expr}};
        fmt::print(json_out, "{}\n", j.dump());
      }
    }
  }
  if (json_out != nullptr) std::fclose(json_out);
  return 0;
}
