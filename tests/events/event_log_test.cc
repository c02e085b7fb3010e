#include "events/event_log.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "events/event_record.h"
#include "events/event_time.h"
#include "testing/temp_dir.h"

namespace tagloop::events {
namespace {

using tagloop::testing::TempDir;

const int64_t kDay = *ParseRfc3339Millis("2026-11-24T10:15:00+08:00");

Event Make(const std::string& id, int64_t time_ms = kDay) {
  Event e;
  e.event_id = id;
  e.type = "order_paid";
  e.user_id = "M" + id;
  e.time_ms = time_ms;
  e.properties = {{"amount", 399.5},
                  {"city", std::string("上海")},
                  {"order_id", "o-" + id},
                  {"paid", true},
                  {"rent_days", int64_t{-3}}};
  return e;
}

std::vector<Event> ScanAll(const EventLog& log) {
  std::vector<Event> out;
  Status st = log.Scan(INT32_MIN, INT32_MAX, [&](const Event& e) {
    out.push_back(e);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

std::unique_ptr<EventLog> OpenLog(const std::string& dir, EventLogOptions options = {}) {
  auto log = EventLog::Open(dir, options);
  EXPECT_TRUE(log.ok()) << log.status().ToString();
  return log.ok() ? std::move(log).value() : nullptr;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteBytes(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(EventLogTest, AppendAndScanRoundTrip) {
  TempDir tmp;
  auto log = OpenLog(tmp.path());
  std::vector<Event> events = {Make("a"), Make("b", kDay + 86'400'000), Make("c")};
  events[2].properties.clear();
  Result<AppendResult> r = log->Append(events);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->appended, 3u);
  EXPECT_EQ(r->duplicates, 0u);
  EXPECT_EQ(r->first_sequence, 1u);
  EXPECT_EQ(r->new_indexes, (std::vector<uint32_t>{0, 1, 2}));
  std::vector<Event> back = ScanAll(*log);
  ASSERT_EQ(back.size(), 3u);
  // Day by day: a and c (2026-11-24) before b (2026-11-25).
  EXPECT_EQ(back[0].event_id, "a");
  EXPECT_EQ(back[1].event_id, "c");
  EXPECT_EQ(back[2].event_id, "b");
  EXPECT_EQ(back[0].properties, events[0].properties);
  EXPECT_EQ(back[0].user_id, "Ma");
  EXPECT_EQ(back[0].type, "order_paid");
  EXPECT_EQ(back[0].time_ms, kDay);
  EXPECT_TRUE(back[1].properties.empty());
  const Days day = *ParseDate("2026-11-24");
  EXPECT_EQ(log->days(), (std::vector<Days>{day, day + 1}));
  int count = 0;
  ASSERT_TRUE(log->Scan(day + 1, day + 1,
                        [&](const Event& e) {
                          EXPECT_EQ(e.event_id, "b");
                          ++count;
                          return Status::Ok();
                        })
                  .ok());
  EXPECT_EQ(count, 1);
  // fn's error stops the scan and is returned.
  Status stop = log->Scan(day, day + 1, [](const Event&) { return Status::Cancelled("enough"); });
  EXPECT_EQ(stop.code(), Status::Code::kCancelled);
  EventLogStats stats = log->stats();
  EXPECT_EQ(stats.segments, 2u);
  EXPECT_EQ(stats.events, 3u);
  EXPECT_EQ(stats.bytes, std::filesystem::file_size(tmp.Sub("events/2026-11-24.evl")) +
                             std::filesystem::file_size(tmp.Sub("events/2026-11-25.evl")));
  Result<AppendResult> next = log->Append(std::vector<Event>{Make("d")});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->first_sequence, 4u);
}

TEST(EventLogTest, DeduplicatesWithinABatchAndAcrossReopen) {
  TempDir tmp;
  {
    auto log = OpenLog(tmp.path());
    Result<AppendResult> r =
        log->Append(std::vector<Event>{Make("a"), Make("b"), Make("a"), Make("b"), Make("c")});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->is_new, (std::vector<bool>{true, true, false, false, true}));
    EXPECT_EQ(r->new_indexes, (std::vector<uint32_t>{0, 1, 4}));
    EXPECT_EQ(r->appended, 3u);
    EXPECT_EQ(r->duplicates, 2u);
    Result<AppendResult> again = log->Append(std::vector<Event>{Make("c"), Make("a")});
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->appended, 0u);
    EXPECT_EQ(again->first_sequence, 0u);
  }
  auto log = OpenLog(tmp.path());
  EXPECT_EQ(log->stats().events, 3u);
  // The same id on another business day is another event.
  Result<AppendResult> r =
      log->Append(std::vector<Event>{Make("a"), Make("d"), Make("a", kDay + 86'400'000)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->is_new, (std::vector<bool>{false, true, true}));
  EXPECT_EQ(ScanAll(*log).size(), 5u);
}

TEST(EventLogTest, SegmentsByBusinessDayAtTheConfiguredOffset) {
  const int64_t t = *ParseRfc3339Millis("2026-11-24T17:00:00Z");  // 01:00 on the 25th in Beijing
  {
    TempDir tmp;
    auto log = OpenLog(tmp.path());
    EXPECT_EQ(log->BusinessDay(t), *ParseDate("2026-11-25"));
    ASSERT_TRUE(log->Append(std::vector<Event>{Make("x", t)}).ok());
    EXPECT_TRUE(std::filesystem::exists(tmp.Sub("events/2026-11-25.evl")));
    log.reset();
    EventLogOptions utc;
    utc.utc_offset_minutes = 0;
    auto reopened = EventLog::Open(tmp.path(), utc);
    ASSERT_FALSE(reopened.ok());
    EXPECT_EQ(reopened.status().code(), Status::Code::kFailedPrecondition);
  }
  TempDir tmp;
  EventLogOptions options;
  options.utc_offset_minutes = 0;
  auto log = OpenLog(tmp.path(), options);
  ASSERT_TRUE(log->Append(std::vector<Event>{Make("x", t)}).ok());
  EXPECT_TRUE(std::filesystem::exists(tmp.Sub("events/2026-11-24.evl")));
  options.utc_offset_minutes = -300;  // 12:00 on the 24th in New York; before 1970 too
  TempDir tmp2;
  auto ny = OpenLog(tmp2.path(), options);
  EXPECT_EQ(ny->BusinessDay(t), *ParseDate("2026-11-24"));
  EXPECT_EQ(ny->BusinessDay(*ParseRfc3339Millis("2026-11-24T04:59:59.999Z")), *ParseDate("2026-11-23"));
  EXPECT_EQ(ny->BusinessDay(-1), *ParseDate("1969-12-31"));
  options.utc_offset_minutes = 1440;
  EXPECT_EQ(EventLog::Open(tmp2.Sub("x"), options).status().code(), Status::Code::kInvalidArgument);
}

TEST(EventLogTest, RefusesInvalidEventsBeforeWriting) {
  TempDir tmp;
  auto log = OpenLog(tmp.path());
  Event no_id = Make("");
  Result<AppendResult> r = log->Append(std::vector<Event>{Make("a"), no_id});
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("events[1].event_id"), std::string::npos);
  Event far = Make("far", *ParseRfc3339Millis("9999-12-31T23:00:00Z"));  // day 10000-01-01 at +08:00
  EXPECT_EQ(log->Append(std::vector<Event>{far}).status().code(), Status::Code::kInvalidArgument);
  Event huge = Make("huge");
  huge.properties[1].second = std::string(kMaxRecordPayloadBytes, 'x');
  EXPECT_EQ(log->Append(std::vector<Event>{huge}).status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(ScanAll(*log).empty());
  EXPECT_TRUE(log->days().empty());
}

TEST(EventLogTest, OneProcessAtATime) {
  TempDir tmp;
  auto log = OpenLog(tmp.path());
  auto second = EventLog::Open(tmp.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kFailedPrecondition);
}

TEST(EventLogTest, TornTailsAreTruncatedAtEveryByte) {
  TempDir tmp;
  const std::string name = "events/2026-11-24.evl";
  size_t last_start = 0;
  {
    auto log = OpenLog(tmp.path());
    ASSERT_TRUE(log->Append(std::vector<Event>{Make("a"), Make("b")}).ok());
    last_start = std::filesystem::file_size(tmp.Sub(name));
    ASSERT_TRUE(log->Append(std::vector<Event>{Make("c")}).ok());
  }
  const std::string full = ReadBytes(tmp.Sub(name));
  ASSERT_GT(full.size(), last_start);
  for (size_t cut = last_start; cut < full.size(); ++cut) {
    TempDir copy;
    std::filesystem::create_directories(copy.Sub("events"));
    WriteBytes(copy.Sub(name), std::string_view(full).substr(0, cut));
    auto log = OpenLog(copy.path());
    ASSERT_NE(log, nullptr) << "cut at " << cut;
    EXPECT_EQ(log->stats().truncated_tail_bytes, cut - last_start);
    EXPECT_EQ(log->stats().truncated_segments, cut > last_start ? 1u : 0u);
    EXPECT_EQ(std::filesystem::file_size(copy.Sub(name)), last_start);
    std::vector<Event> kept = ScanAll(*log);
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_EQ(kept[1].event_id, "b");
    Result<AppendResult> r = log->Append(std::vector<Event>{Make("a"), Make("c")});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->is_new, (std::vector<bool>{false, true}));
    log.reset();
    EXPECT_EQ(ReadBytes(copy.Sub(name)), full);  // the retry rewrote exactly the lost record
  }
}

TEST(EventLogTest, DamageFollowedByValidRecordsIsCorruption) {
  TempDir tmp;
  const std::string path = tmp.Sub("events/2026-11-24.evl");
  size_t second = 0;
  {
    auto log = OpenLog(tmp.path());
    ASSERT_TRUE(log->Append(std::vector<Event>{Make("a")}).ok());
    second = std::filesystem::file_size(path);
    ASSERT_TRUE(log->Append(std::vector<Event>{Make("b")}).ok());
    ASSERT_TRUE(log->Append(std::vector<Event>{Make("c")}).ok());
  }
  const std::string good = ReadBytes(path);
  for (size_t flip : {second, second + 5, second + kRecordHeaderBytes + 3}) {
    std::string bad = good;
    bad[flip] ^= 0x20;
    WriteBytes(path, bad);
    auto log = EventLog::Open(tmp.path());
    ASSERT_FALSE(log.ok()) << "flip at " << flip;
    EXPECT_EQ(log.status().code(), Status::Code::kCorruption);
    EXPECT_NE(log.status().message().find("2026-11-24.evl: bad record at byte " + std::to_string(second)),
              std::string::npos)
        << log.status().message();
  }
  std::string bad_header = good;
  bad_header[3] = 'X';
  WriteBytes(path, bad_header);
  EXPECT_EQ(EventLog::Open(tmp.path()).status().code(), Status::Code::kCorruption);
  WriteBytes(path, std::string_view(good).substr(0, 20));
  EXPECT_EQ(EventLog::Open(tmp.path()).status().code(), Status::Code::kCorruption);
  // A header naming another day.
  std::filesystem::rename(path, tmp.Sub("events/2026-11-23.evl"));
  WriteBytes(tmp.Sub("events/2026-11-23.evl"), good);
  EXPECT_NE(EventLog::Open(tmp.path()).status().message().find("names day 2026-11-24"), std::string::npos);
}

TEST(EventLogTest, LeftoverTempFilesAreRemoved) {
  TempDir tmp;
  std::filesystem::create_directories(tmp.Sub("events"));
  WriteBytes(tmp.Sub("events/2026-11-24.evl.tmp"), "TLEV");
  auto log = OpenLog(tmp.path());
  EXPECT_FALSE(std::filesystem::exists(tmp.Sub("events/2026-11-24.evl.tmp")));
  EXPECT_TRUE(log->days().empty());
}

// Runs in a child process (it lowers the file size limit): 0 when a write
// that fails leaves nothing of its batch, else the number of the failed check.
int FailedWriteChild(const std::string& dir) {
  auto log = EventLog::Open(dir);
  if (!log.ok() || !(*log)->Append(std::vector<Event>{Make("first")}).ok()) return 2;
  const std::string path = dir + "/events/2026-11-24.evl";
  const auto before = std::filesystem::file_size(path);
  std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit limit = {static_cast<rlim_t>(before + 300), RLIM_INFINITY};
  if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 3;
  std::vector<Event> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(Make("n" + std::to_string(i)));
  Result<AppendResult> r = (*log)->Append(batch);
  if (r.ok() || r.status().code() != Status::Code::kIOError) return 4;
  if (std::filesystem::file_size(path) != before) return 5;
  if (ScanAll(**log).size() != 1) return 6;
  // Still open for appends, and the refused ids are not taken as duplicates.
  Result<AppendResult> small = (*log)->Append(std::vector<Event>{Make("n0")});
  if (!small.ok() || small->appended != 1) return 7;
  return 0;
}

TEST(EventLogTest, FailedWriteKeepsNothingOfTheBatch) {
  TempDir tmp;
  EXPECT_EXIT(std::_Exit(FailedWriteChild(tmp.path())), ::testing::ExitedWithCode(0), "");
}

TEST(EventLogTest, ConcurrentAppendsLogEveryEventExactlyOnce) {
  TempDir tmp;
  auto log = OpenLog(tmp.path());
  constexpr int kThreads = 4, kBatches = 50, kBatch = 40;
  std::atomic<uint64_t> appended{0};
  std::vector<std::vector<uint64_t>> sequences(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<Event> batch;
        // Every thread appends the same 2000 ids, in batches cut at other places; two days.
        for (int i = 0; i < kBatch; ++i) {
          const int id = (b * kBatch + i + t * 10) % (kBatches * kBatch);
          batch.push_back(Make(std::to_string(id), kDay + (id % 3 == 0 ? 86'400'000 : 0)));
        }
        Result<AppendResult> r = log->Append(batch);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        appended += r->appended;
        for (uint64_t k = 0; k < r->appended; ++k) sequences[t].push_back(r->first_sequence + k);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  std::vector<Event> all = ScanAll(*log);
  std::set<std::pair<Days, std::string>> distinct;
  for (const Event& e : all) EXPECT_TRUE(distinct.emplace(log->BusinessDay(e.time_ms), e.event_id).second);
  EXPECT_EQ(all.size(), appended.load());
  EXPECT_EQ(all.size(), static_cast<size_t>(kBatches * kBatch));
  std::set<uint64_t> seqs;
  for (const auto& s : sequences) seqs.insert(s.begin(), s.end());
  EXPECT_EQ(seqs.size(), all.size());
  EXPECT_EQ(*seqs.begin(), 1u);
  EXPECT_EQ(*seqs.rbegin(), all.size());
  log.reset();
  EXPECT_EQ(OpenLog(tmp.path())->stats().events, all.size());
}

TEST(EventLogTest, ScanDuringAppendSeesWholeEventsOnly) {
  TempDir tmp;
  auto log = OpenLog(tmp.path());
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int b = 0; b < 100; ++b) {
      std::vector<Event> batch;
      for (int i = 0; i < 20; ++i) batch.push_back(Make(std::to_string(b * 20 + i)));
      ASSERT_TRUE(log->Append(batch).ok());
    }
    done = true;
  });
  size_t last = 0;
  int scans = 0;
  while (!done || scans == 0) {
    size_t n = 0;
    Status st = log->Scan(INT32_MIN, INT32_MAX, [&](const Event& e) {
      EXPECT_EQ(e.event_id, std::to_string(n));
      ++n;
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_GE(n, last);
    EXPECT_EQ(n % 20, 0u);  // batches become visible whole
    last = n;
    ++scans;
  }
  writer.join();
  EXPECT_EQ(ScanAll(*log).size(), 2000u);
}

// Prints the append rate with fdatasync; checks the result.
TEST(EventLogTest, AppendThroughputWithSync) {
  TempDir tmp;
  auto log = OpenLog(tmp.path());
  constexpr int kBatches = 100, kBatch = 1000;
  std::vector<std::vector<Event>> batches(kBatches);
  for (int b = 0; b < kBatches; ++b) {
    for (int i = 0; i < kBatch; ++i) {
      batches[b].push_back(Make("evt-" + std::to_string(b * kBatch + i), kDay + i));
    }
  }
  const auto start = std::chrono::steady_clock::now();
  for (const auto& batch : batches) {
    Result<AppendResult> r = log->Append(batch);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->appended, static_cast<uint64_t>(kBatch));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ rate     ] %.0f events/s appended with fdatasync (batches of %d, %.1f MB)\n",
              kBatches * kBatch / seconds, kBatch, log->stats().bytes / 1e6);
  EXPECT_EQ(log->stats().events, static_cast<uint64_t>(kBatches * kBatch));
  EXPECT_EQ(ScanAll(*log).size(), static_cast<size_t>(kBatches * kBatch));
}

}  // namespace
}  // namespace tagloop::events
