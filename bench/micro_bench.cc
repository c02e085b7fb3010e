// tagloop_micro_bench: Google Benchmark micro benchmarks of the bitmap
// primitives under segment queries, at 10M users: AND / and_cardinality of
// dense and sparse bitmaps, and a range predicate answered by the bit-sliced
// index (BsiBetween, BsiCompare) against OR-ing one bitmap per value.
//
//   build/release/bench/tagloop_micro_bench [--benchmark_filter=Bsi]
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "core/bitmap.h"
#include "core/bsi.h"

namespace {

constexpr uint32_t kUsers = 10'000'000;

uint64_t Next(uint64_t& s) {  // splitmix64
  uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Users in [0, kUsers) kept with probability per_mille / 1000.
tagloop::Bitmap Random(uint64_t seed, uint32_t per_mille) {
  std::vector<uint32_t> users;
  for (uint32_t u = 0; u < kUsers; ++u) {
    if (Next(seed) % 1000 < per_mille) users.push_back(u);
  }
  tagloop::Bitmap b = tagloop::Bitmap::Of(users);
  b.Optimize();
  return b;
}

// An int tag (0..999, skewed low, 20% without value) as BSI and as one
// bitmap per value.
struct IntTag {
  tagloop::BsiBuild bsi;
  std::vector<const roaring_bitmap_t*> slice_ptrs;
  std::vector<tagloop::Bitmap> by_value;

  IntTag() : by_value(1000) {
    std::vector<uint32_t> users;
    std::vector<int64_t> values;
    std::vector<std::vector<uint32_t>> per_value(1000);
    uint64_t s = 7;
    for (uint32_t u = 0; u < kUsers; ++u) {
      if (Next(s) % 10 < 2) continue;
      const uint64_t a = Next(s) % 1000, b = Next(s) % 1000;
      const int64_t v = static_cast<int64_t>(a * b / 1000);
      users.push_back(u);
      values.push_back(v);
      per_value[static_cast<size_t>(v)].push_back(u);
    }
    bsi = tagloop::BuildBsi(users, values);
    bsi.exists.Optimize();
    for (auto& slice : bsi.slices) slice.Optimize(), slice_ptrs.push_back(slice.get());
    for (size_t v = 0; v < per_value.size(); ++v) {
      by_value[v] = tagloop::Bitmap::Of(per_value[v]);
      by_value[v].Optimize();
    }
  }
  tagloop::BsiView view() const { return {bsi.base, bsi.exists.get(), slice_ptrs}; }
};

const tagloop::Bitmap& Dense(int i) {
  static const tagloop::Bitmap a = Random(1, 500), b = Random(2, 500);
  return i == 0 ? a : b;
}
const tagloop::Bitmap& Sparse() {
  static const tagloop::Bitmap s = Random(3, 10);
  return s;
}
const IntTag& Tag() {
  static const IntTag t;
  return t;
}

void BM_AndCardinalityDense(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(roaring_bitmap_and_cardinality(Dense(0).get(), Dense(1).get()));
}
BENCHMARK(BM_AndCardinalityDense)->Unit(benchmark::kMicrosecond);

void BM_AndDense(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tagloop::Bitmap::And(Dense(0).get(), Dense(1).get()));
}
BENCHMARK(BM_AndDense)->Unit(benchmark::kMicrosecond);

void BM_AndCardinalitySparseDense(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(roaring_bitmap_and_cardinality(Sparse().get(), Dense(0).get()));
}
BENCHMARK(BM_AndCardinalitySparseDense)->Unit(benchmark::kMicrosecond);

void BM_OrDense(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tagloop::Bitmap::Or(Dense(0).get(), Dense(1).get()));
}
BENCHMARK(BM_OrDense)->Unit(benchmark::kMicrosecond);

// value BETWEEN 100 AND 300: the BSI's slice operations ...
void BM_BsiBetween(benchmark::State& state) {
  const auto view = Tag().view();
  for (auto _ : state) benchmark::DoNotOptimize(tagloop::BsiBetween(view, 100, 300));
}
BENCHMARK(BM_BsiBetween)->Unit(benchmark::kMicrosecond);

void BM_BsiGreaterEqual(benchmark::State& state) {
  const auto view = Tag().view();
  for (auto _ : state) benchmark::DoNotOptimize(tagloop::BsiCompare(view, tagloop::CompareOp::kGe, 500));
}
BENCHMARK(BM_BsiGreaterEqual)->Unit(benchmark::kMicrosecond);

// ... against OR-ing the 201 value bitmaps of the same range.
void BM_ValueBitmapsBetween(benchmark::State& state) {
  std::vector<const roaring_bitmap_t*> range;
  for (int v = 100; v <= 300; ++v) range.push_back(Tag().by_value[static_cast<size_t>(v)].get());
  for (auto _ : state) benchmark::DoNotOptimize(tagloop::Bitmap::OrMany(range));
}
BENCHMARK(BM_ValueBitmapsBetween)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
