// Test support for insight: a random store of a few thousand users with one
// tag of every type (NULLs included) and the same data as plain maps, so
// results can be checked against a brute-force computation.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/env.h"
#include "store/tag_store.h"
#include "testing/temp_dir.h"
#include "testing/ticking_env.h"

namespace tagloop::testing {

struct InsightData {
  TempDir dir;
  std::unique_ptr<TagStore> store;
  uint32_t users = 0;
  Days date = 0;
  // tag -> user -> value(s) (text as the store prints it); numeric tags also as numbers
  std::map<std::string, std::map<uint32_t, std::vector<std::string>>> text;
  std::map<std::string, std::map<uint32_t, int64_t>> numbers;
  std::map<std::string, TagType> types;
};

inline std::unique_ptr<InsightData> BuildInsightData(uint32_t users, uint64_t seed, uint32_t deleted = 0) {
  auto d = std::make_unique<InsightData>();
  d->users = users;
  d->date = *ParseDate("2026-10-31");
  StoreOptions options;
  options.create_if_missing = true;
  auto store = TagStore::Open(d->dir.Sub("store"), options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  d->store = std::move(*store);
  auto writer = d->store->BeginWrite();
  EXPECT_TRUE(writer.ok());
  std::vector<std::string> ids;
  for (uint32_t u = 0; u < users; ++u) ids.push_back("u" + std::to_string(u));
  std::vector<std::string_view> views(ids.begin(), ids.end());
  std::vector<uint32_t> dense;
  EXPECT_TRUE((*writer)->InternUsers(views, &dense).ok());
  std::mt19937_64 rng(seed);
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
  const char* cities[] = {"上海", "北京", "广州", "深圳", "成都", "O'Hare"};
  const char* interests[] = {"suv", "mpv", "road_trip", "luxury"};
  struct Spec {
    const char* name;
    const char* type;
  };
  for (Spec spec : {Spec{"is_vip", "bool"}, Spec{"city", "enum"}, Spec{"interests", "set"}, Spec{"age", "int"},
                    Spec{"spend", "decimal:2"}, Spec{"last_order", "date"}, Spec{"score", "int"}}) {
    TagType type = *TagType::Parse(spec.type);
    d->types[spec.name] = type;
    TagVersionBuilder b(type, d->date);
    for (uint32_t u = 0; u < users; ++u) {
      if (chance(15)) continue;  // no value
      std::string name = spec.name;
      std::vector<std::string> values;
      int64_t number = 0;
      if (name == "is_vip") {
        values.push_back(chance(20) ? "true" : "false");
      } else if (name == "city") {
        // skewed: the first cities are more common
        values.push_back(cities[std::min<uint64_t>(rng() % 8, 5)]);
      } else if (name == "interests") {
        for (const char* i : interests) {
          if (chance(35)) values.push_back(i);
        }
        if (values.empty()) continue;
      } else if (name == "age") {
        number = 18 + static_cast<int64_t>(rng() % 60);
        if (chance(1)) number = 150;  // an outlier
      } else if (name == "spend") {
        number = static_cast<int64_t>(rng() % 500000) - 1000;  // cents, a few negative
      } else if (name == "last_order") {
        number = d->date - static_cast<int64_t>(rng() % 700);
      } else {
        number = static_cast<int64_t>(rng() % 10'000'000'000ULL);  // wide range: no counting array
      }
      if (type.is_numeric()) {
        b.AddNumber(u, number);
        d->numbers[name][u] = number;
        values.push_back(FormatNumericValue(type, number));
      } else {
        for (const std::string& v : values) b.AddValue(u, v);
      }
      std::sort(values.begin(), values.end());
      d->text[name][u] = values;
    }
    EXPECT_TRUE((*writer)->PutVersion(spec.name, b.Finish()).ok());
  }
  EXPECT_TRUE((*writer)->Commit().ok());
  writer->reset();  // one writer at a time
  if (deleted > 0) {
    auto w = d->store->BeginWrite();
    std::vector<uint32_t> gone;
    for (uint32_t u = 0; u < deleted; ++u) gone.push_back(u * 7 % users);
    std::sort(gone.begin(), gone.end());
    gone.erase(std::unique(gone.begin(), gone.end()), gone.end());
    EXPECT_TRUE((*w)->DeleteUsers(gone).ok());
    EXPECT_TRUE((*w)->Commit().ok());
    for (auto& [tag, m] : d->text) {
      for (uint32_t u : gone) m.erase(u);
    }
    for (auto& [tag, m] : d->numbers) {
      for (uint32_t u : gone) m.erase(u);
    }
  }
  return d;
}

}  // namespace tagloop::testing
