#include "segment/saved_segments.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "fixture_store.h"
#include "segment/segment.h"

namespace tagloop {
namespace {

Days D(const char* s) { return *ParseDate(s); }

class SavedSegmentsTest : public testing::GoldenStoreTest {
 protected:
  void SetUp() override {
    GoldenStoreTest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = fx_->dir.Sub("segments");
    std::filesystem::create_directories(dir_);
    auto s = SavedSegments::Open(Env::Default(), dir_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    saved_ = std::move(*s);
  }

  Status Save(std::string_view name, std::string_view expr) {
    return saved_->Save(name, expr, *snap_, D("2026-03-01"));
  }

  std::string dir_;
  std::unique_ptr<SavedSegments> saved_;
};

TEST_F(SavedSegmentsTest, SaveGetListAndUseInQueries) {
  EXPECT_TRUE(saved_->List().empty());
  ASSERT_TRUE(Save("vips", "vip").ok());
  ASSERT_TRUE(Save("上海 VIPs", "SEGMENT('vips') AND city = '上海'").ok());
  auto got = saved_->Get("vips");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->expr, "vip");
  EXPECT_GT(got->created_unix, 0);
  auto list = saved_->List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "vips");  // sorted by bytes
  EXPECT_EQ(list[1].name, "上海 VIPs");

  SegmentQueryOptions o;
  o.as_of = D("2026-03-01");
  o.segments = saved_.get();
  auto n = CountSegment(*snap_, "SEGMENT('上海 VIPs')", o);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2u);  // u01 u06
}

// The default Env, except that a ReadFile on `paused` (a thread id) waits,
// after reading, until Resume() or 500 ms: the window in which another
// thread's Save can slip in.
class PausingEnv final : public Env {
 public:
  Status WriteFileAtomic(const std::string& p, std::string_view d) override {
    return base_->WriteFileAtomic(p, d);
  }
  Status WriteFileDurable(const std::string& p, std::string_view d) override {
    return base_->WriteFileDurable(p, d);
  }
  Result<std::string> ReadFile(const std::string& p) override {
    Result<std::string> r = base_->ReadFile(p);
    if (std::this_thread::get_id() == paused) {
      std::unique_lock l(mu_);
      read_ = true;
      cv_.notify_all();
      cv_.wait_for(l, std::chrono::milliseconds(500), [&] { return resumed_; });
    }
    return r;
  }
  Result<std::unique_ptr<MappedFile>> MapFile(const std::string& p) override { return base_->MapFile(p); }
  Status SyncDir(const std::string& p) override { return base_->SyncDir(p); }
  Status CreateDirs(const std::string& p) override { return base_->CreateDirs(p); }
  bool FileExists(const std::string& p) override { return base_->FileExists(p); }
  Status RemoveFile(const std::string& p) override { return base_->RemoveFile(p); }
  Result<int64_t> FileModifiedUnix(const std::string& p) override { return base_->FileModifiedUnix(p); }
  Result<uint64_t> FileSize(const std::string& p) override { return base_->FileSize(p); }
  Result<std::vector<std::string>> ListDir(const std::string& p) override { return base_->ListDir(p); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& p) override { return base_->LockFile(p); }
  int64_t NowUnixSeconds() override { return base_->NowUnixSeconds(); }
  int64_t NowMicros() override { return base_->NowMicros(); }

  bool WaitUntilRead() {
    std::unique_lock l(mu_);
    return cv_.wait_for(l, std::chrono::seconds(10), [&] { return read_; });
  }
  void Resume() {
    std::lock_guard l(mu_);
    resumed_ = true;
    cv_.notify_all();
  }
  std::thread::id paused;

 private:
  Env* base_ = Env::Default();
  std::mutex mu_;
  std::condition_variable cv_;
  bool read_ = false, resumed_ = false;
};

// A server reloads the file while requests save segments: a segment is
// visible from the moment Save returns. A Reload that read the file before a
// Save must not put the old list back afterwards.
TEST_F(SavedSegmentsTest, AReloadNeverUndoesASave) {
  PausingEnv env;
  auto opened = SavedSegments::Open(&env, dir_);
  ASSERT_TRUE(opened.ok());
  SavedSegments& saved = **opened;
  ASSERT_TRUE(saved.Save("early", "vip", *snap_, D("2026-03-01")).ok());  // the file exists
  std::atomic<bool> go{false};
  std::thread reloader([&] {
    while (!go.load()) std::this_thread::yield();
    EXPECT_TRUE(saved.Reload().ok());
  });
  env.paused = reloader.get_id();
  go = true;
  // The reload has read the file; a Save now, then the reload ends.
  EXPECT_TRUE(env.WaitUntilRead());
  std::thread saver([&] {
    EXPECT_TRUE(saved.Save("late", "vip", *snap_, D("2026-03-01")).ok());
    env.Resume();
  });
  saver.join();
  reloader.join();
  EXPECT_TRUE(saved.Get("late").ok());
}

TEST_F(SavedSegmentsTest, ReplacingKeepsCreationTime) {
  ASSERT_TRUE(Save("a", "vip").ok());
  const int64_t created = saved_->Get("a")->created_unix;
  ASSERT_TRUE(Save("a", "NOT vip").ok());
  EXPECT_EQ(saved_->Get("a")->expr, "NOT vip");
  EXPECT_EQ(saved_->Get("a")->created_unix, created);
  EXPECT_EQ(saved_->List().size(), 1u);
}

TEST_F(SavedSegmentsTest, DescriptionsAreStoredKeptAndCleared) {
  ASSERT_TRUE(Save("plain", "vip").ok());
  EXPECT_EQ(saved_->Get("plain")->description, "");
  const std::string text = "上海的 VIP 会员\n\tfor the spring campaign";
  ASSERT_TRUE(saved_->Save("described", "vip", *snap_, D("2026-03-01"), text).ok());
  EXPECT_EQ(saved_->Get("described")->description, text);
  // Replacing without a description keeps it; "" clears it.
  ASSERT_TRUE(Save("described", "NOT vip").ok());
  EXPECT_EQ(saved_->Get("described")->description, text);
  auto again = SavedSegments::Open(Env::Default(), dir_);  // durable: from the file alone
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->Get("described")->description, text);
  EXPECT_EQ((*again)->Get("plain")->description, "");
  ASSERT_TRUE(saved_->Save("described", "vip", *snap_, D("2026-03-01"), std::string()).ok());
  EXPECT_EQ(saved_->Get("described")->description, "");
  // Without descriptions the file has no such key: what older versions wrote.
  std::ifstream f(dir_ + "/segments.json");
  std::string file((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(file.find("description"), std::string::npos) << file;
  EXPECT_NE(file.find("\"format\": 1"), std::string::npos) << file;
}

TEST_F(SavedSegmentsTest, BadDescriptionsAreRefusedBeforeAnyChange) {
  ASSERT_TRUE(saved_->Save("a", "vip", *snap_, D("2026-03-01"), std::string("kept")).ok());
  std::string longest;
  for (int i = 0; i < 2000; ++i) longest += "界";  // 2000 characters, 6000 bytes
  EXPECT_TRUE(SavedSegments::ValidateDescription(longest).ok());
  EXPECT_TRUE(SavedSegments::ValidateDescription("").ok());
  for (const std::string& bad :
       {longest + "x", std::string("bad\xff"), std::string("bell\x07"), std::string("nul\0inside", 10)}) {
    Status st = saved_->Save("a", "NOT vip", *snap_, D("2026-03-01"), bad);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << bad;
    EXPECT_NE(st.message().find("'description'"), std::string::npos) << st.ToString();
  }
  EXPECT_NE(SavedSegments::ValidateDescription(longest + "x").message().find("2001 characters"),
            std::string::npos);
  EXPECT_EQ(saved_->Get("a")->expr, "vip");
  EXPECT_EQ(saved_->Get("a")->description, "kept");
}

TEST_F(SavedSegmentsTest, PersistsAcrossOpen) {
  ASSERT_TRUE(Save("a", "vip").ok());
  ASSERT_TRUE(Save("b", "age > 30").ok());
  auto again = SavedSegments::Open(Env::Default(), dir_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->Names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*(*again)->ExpressionOf("b"), "age > 30");
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/segments.json"));
}

TEST_F(SavedSegmentsTest, ReloadSeesOtherWriters) {
  auto other = SavedSegments::Open(Env::Default(), dir_);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Save("from_other", "vip", *snap_, D("2026-03-01")).ok());
  EXPECT_EQ(saved_->ExpressionOf("from_other").status().code(), Status::Code::kNotFound);
  ASSERT_TRUE(saved_->Reload().ok());
  EXPECT_TRUE(saved_->ExpressionOf("from_other").ok());
  // A save re-reads the file first: nothing of the other writer is lost.
  ASSERT_TRUE(Save("mine", "NOT vip").ok());
  auto third = SavedSegments::Open(Env::Default(), dir_);
  EXPECT_EQ((*third)->Names().size(), 2u);
}

TEST_F(SavedSegmentsTest, InvalidNamesAndExpressionsAreRefused) {
  EXPECT_EQ(Save("", "vip").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Save(" padded", "vip").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Save("tab\there", "vip").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Save(std::string(129, 'x'), "vip").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Save(std::string("bad\xff"), "vip").code(), Status::Code::kInvalidArgument);
  Status st = Save("x", "agee > 1");
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.position(), 0u);
  EXPECT_NE(st.message().find("did you mean 'age'"), std::string::npos);
  EXPECT_EQ(Save("x", "vip AND").position(), 7u);
  EXPECT_EQ(Save("x", "SEGMENT('nope')").code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(saved_->List().empty());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/segments.json"));
}

TEST_F(SavedSegmentsTest, CyclesAreRefused) {
  EXPECT_NE(Save("self", "SEGMENT('self')").message().find("refers to itself"), std::string::npos);
  ASSERT_TRUE(Save("a", "vip").ok());
  ASSERT_TRUE(Save("b", "SEGMENT('a') OR age > 30").ok());
  Status st = Save("a", "SEGMENT('b')");  // a -> b -> a
  EXPECT_NE(st.message().find("refers to itself (b -> a -> b)"), std::string::npos) << st.ToString();
  EXPECT_EQ(saved_->Get("a")->expr, "vip");
}

TEST_F(SavedSegmentsTest, DeleteRefusesSegmentsInUse) {
  ASSERT_TRUE(Save("a", "vip").ok());
  ASSERT_TRUE(Save("b", "SEGMENT('a') AND age > 3").ok());
  Status used = saved_->Delete("a");
  EXPECT_EQ(used.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(used.message().find("used by 'b'"), std::string::npos);
  ASSERT_TRUE(saved_->Delete("b").ok());
  ASSERT_TRUE(saved_->Delete("a").ok());
  EXPECT_EQ(saved_->Delete("a").code(), Status::Code::kNotFound);
  EXPECT_TRUE(saved_->List().empty());
}

TEST_F(SavedSegmentsTest, UnknownNamesSuggest) {
  ASSERT_TRUE(Save("loyal_buyers", "vip").ok());
  auto r = saved_->Get("loyal_buyer");
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_NE(r.status().message().find("did you mean 'loyal_buyers'"), std::string::npos);
}

TEST_F(SavedSegmentsTest, CorruptFilesAreReported) {
  auto write = [&](const std::string& text) {
    std::ofstream(dir_ + "/segments.json", std::ios::binary | std::ios::trunc) << text;
  };
  for (
      const char* bad :
      {"not json", "[]", "{\"format\": 3, \"segments\": []}", "{\"format\": 1}",
       // format 2 (frozen kinds): an unknown kind, a version out of order, a
       // member file outside segments/, a frozen segment without versions
       "{\"format\": 2, \"segments\": [{\"name\": \"a\", \"kind\": \"frozen\", \"expr\": \"\"}]}",
       "{\"format\": 2, \"segments\": [{\"name\": \"a\", \"kind\": \"list\", \"versions\": [{\"version\": 2, "
       "\"created_unix\": 1, \"created_by\": \"x\", \"date\": \"2026-01-01\", \"members\": 1, \"source\": "
       "\"\", "
       "\"file\": \"segments/a-v2.roar\", \"checksum\": \"0000000000000001\"}]}]}",
       "{\"format\": 2, \"segments\": [{\"name\": \"a\", \"kind\": \"list\", \"versions\": [{\"version\": 1, "
       "\"created_unix\": 1, \"created_by\": \"x\", \"date\": \"2026-01-01\", \"members\": 1, \"source\": "
       "\"\", "
       "\"file\": \"segments/../MANIFEST.roar\", \"checksum\": \"0000000000000001\"}]}]}",
       "{\"format\": 2, \"segments\": [{\"name\": \"a\", \"kind\": \"list\", \"versions\": []}]}",
       "{\"format\": 1, \"segments\": [{\"name\": 3, \"expr\": \"vip\"}]}",
       // a description that is not a string, or has a control character
       "{\"format\": 1, \"segments\": [{\"name\": \"a\", \"expr\": \"vip\", \"description\": 7}]}",
       "{\"format\": 1, \"segments\": [{\"name\": \"a\", \"expr\": \"vip\", \"description\": \"\\u0007\"}]}",
       "{\"format\": 1, \"segments\": [{\"name\": \"a\", \"expr\": \"vip\"}, "
       "{\"name\": \"a\", \"expr\": \"vip\"}]}"}) {
    write(bad);
    auto s = SavedSegments::Open(Env::Default(), dir_);
    EXPECT_EQ(s.status().code(), Status::Code::kCorruption) << bad;
  }
  write("{\"format\": 1, \"segments\": [{\"name\": \"a\", \"expr\": \"vip\"}]}");
  auto ok = SavedSegments::Open(Env::Default(), dir_);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*(*ok)->ExpressionOf("a"), "vip");
  EXPECT_EQ((*ok)->Get("a")->description, "");  // written before descriptions existed
}

}  // namespace
}  // namespace tagloop
