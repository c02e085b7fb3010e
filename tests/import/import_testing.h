// Helpers of the import tests: a deterministic wide CSV generator and a
// fingerprint of a store's visible state (to compare "before", "after" and
// "a mix of both").
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <random>
#include <string>

#include "core/bsi.h"
#include "core/date.h"
#include "import/column_types.h"
#include "import/wide_csv_import.h"
#include "store/tag_store.h"

namespace tagloop::testing {

inline constexpr const char* kGeneratedTypes =
    "is_vip:bool,interests:set,age:int,spend:decimal:2,last_order:date,score:int";

// `rows` users "u<first>…" with every tag type and some NULLs; `salt`
// changes the values, not the ids.
// Import options for GenerateWideCsv's files, as of `version` (YYYY-MM-DD).
inline ImportOptions GeneratedImportOptions(const char* version) {
  ImportOptions o;
  o.id_column = "member_id";
  o.column_types = *ParseColumnTypes(kGeneratedTypes);
  o.version = *ParseDate(version);
  return o;
}

inline std::string GenerateWideCsv(uint64_t rows, uint64_t first = 0, uint64_t salt = 0) {
  static const char* kCities[] = {"上海", "北京", "深圳", "广州", "成都", "杭州", "\"quoted, city\""};
  static const char* kInterests[] = {"suv", "mpv", "road_trip", "camping", "city"};
  std::mt19937_64 rng(1234 + salt);
  std::string out = "member_id,is_vip,city,interests,age,spend,last_order,score,channel\n";
  for (uint64_t i = first; i < first + rows; ++i) {
    const uint64_t r = rng();
    out += fmt::format("u{},", i);
    out += r % 11 == 0 ? "" : (r & 2 ? "true" : "0");
    out += ',';
    out += r % 13 == 0 ? "" : kCities[(r >> 8) % 7];
    out += ',';
    std::string set;
    for (int k = 0; k < 5; ++k) {
      if ((r >> (16 + k)) & 1) set += (set.empty() ? "" : "|") + std::string(kInterests[k]);
    }
    out += set;
    out += ',';
    out += r % 17 == 0 ? "" : std::to_string((r >> 24) % 80 + 18);
    out += ',';
    out += r % 19 == 0 ? "" : fmt::format("{}.{:02}", (r >> 32) % 5000, (r >> 44) % 100);
    out += ',';
    out += r % 23 == 0 ? "" : fmt::format("2026-{:02}-{:02}", (r >> 50) % 12 + 1, (r >> 54) % 28 + 1);
    out += ',';
    out += fmt::format("{}", static_cast<int64_t>((r >> 20) % 2000000) - 1000000);
    out += ',';
    out += (r >> 60) & 1 ? "app\r\n" : "web\n";
  }
  return out;
}

// The visible state of a store: users, tags, versions and every version's
// content (value counts, BSI sums), each version opened with checksums.
// with_files: also generation and file names (a state exactly as it was).
inline std::string Fingerprint(const Snapshot& snap, bool with_files) {
  std::string out = fmt::format("users={} universe={}\n", snap.user_count(), snap.universe_size());
  if (with_files) out += fmt::format("generation={}\n", snap.generation());
  for (const auto& [name, tag] : snap.tags()) {
    out += fmt::format("tag {} {}\n", name, tag.type.ToString());
    for (const VersionInfo& v : tag.versions) {
      out += fmt::format("  {} users={}", FormatDate(v.date), v.users);
      if (with_files) out += fmt::format(" file={} bytes={}", v.file, v.bytes);
      auto opened = snap.OpenVersion(tag, v);
      if (!opened.ok()) {
        out += " OPEN-ERROR " + opened.status().ToString() + "\n";
        continue;
      }
      const TagVersion& tv = **opened;
      if (tv.type().is_numeric()) {
        uint64_t n = 0;
        const __int128 sum = BsiSum(tv.bsi(), nullptr, &n);
        out += fmt::format(" n={} sum={}", n, static_cast<int64_t>(sum));
      } else {
        for (size_t i = 0; i < tv.value_count(); ++i)
          out += fmt::format(" {}={}", tv.value(i), tv.value_cardinality(i));
      }
      out += '\n';
    }
  }
  return out;
}

}  // namespace tagloop::testing
