// Runs the golden files tests/segment/golden/*.slt (sqllogictest style)
// against the store of tests/segment/golden/fixture.txt.
//
// Record format (records are separated by blank lines; '#' lines are comments):
//
//   query [as_of=YYYY-MM-DD]
//   <expression, one or more lines>
//   ----
//   <expected users: external ids in sorted order, space separated, or (empty)>
//
//   error [as_of=YYYY-MM-DD]
//   <expression>
//   ----
//   <position or -> <substring of the error message>
//
// A query record also checks that CountSegment agrees with EvaluateSegment
// and that ValidateSegment and ExplainSegment succeed; an error record checks
// that CountSegment, EvaluateSegment and ValidateSegment all fail with
// InvalidArgument at that position. The default as-of date is 2026-03-01.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixture_store.h"
#include "segment/segment.h"

namespace tagloop {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct Record {
  std::string file;
  int line = 0;
  bool is_error = false;
  Days as_of = 0;
  std::string expr;
  std::string expected;
};

std::vector<Record> ParseSlt(const std::string& file, const std::string& text, Days default_as_of) {
  std::vector<Record> out;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  enum { kIdle, kExpr, kResult } state = kIdle;
  Record cur;
  auto finish = [&] {
    if (state != kIdle) out.push_back(cur);
    state = kIdle;
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (state == kIdle) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ws(line);
      std::string head, opt;
      ws >> head;
      cur = Record();
      cur.file = file;
      cur.line = line_no;
      cur.as_of = default_as_of;
      if (head != "query" && head != "error") {
        ADD_FAILURE() << file << ":" << line_no << ": expected 'query' or 'error', found: " << line;
        continue;
      }
      cur.is_error = head == "error";
      while (ws >> opt) {
        if (opt.rfind("as_of=", 0) == 0) {
          auto d = ParseDate(opt.substr(6));
          EXPECT_TRUE(d.ok()) << file << ":" << line_no << ": bad as_of";
          if (d.ok()) cur.as_of = *d;
        } else {
          ADD_FAILURE() << file << ":" << line_no << ": unknown option " << opt;
        }
      }
      state = kExpr;
    } else if (state == kExpr) {
      if (line == "----") {
        state = kResult;
      } else {
        cur.expr += (cur.expr.empty() ? "" : "\n") + line;
      }
    } else {
      if (line.empty()) {
        finish();
      } else {
        cur.expected += (cur.expected.empty() ? "" : " ") + line;
      }
    }
  }
  if (state == kExpr) ADD_FAILURE() << file << ": record at line " << cur.line << " has no '----'";
  finish();
  return out;
}

class GoldenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto fx = testing::BuildFixtureStore(
        ReadAll(std::string(TAGLOOP_SOURCE_DIR) + "/tests/segment/golden/fixture.txt"));
    ASSERT_TRUE(fx.ok()) << fx.status().ToString();
    fixture_ = std::move(*fx).release();
  }
  static void TearDownTestSuite() {
    delete fixture_;
    fixture_ = nullptr;
  }

  std::string Run(const Record& r) {
    const Snapshot& snap = *fixture_->store->snapshot();
    SegmentQueryOptions options;
    options.as_of = r.as_of;
    options.segments = &fixture_->segments;
    auto users = EvaluateSegment(snap, r.expr, options);
    auto count = CountSegment(snap, r.expr, options);
    Status valid = ValidateSegment(snap, r.expr, options);
    if (r.is_error) {
      if (users.ok()) return "expected an error, got users";
      if (count.ok() || valid.ok()) return "Evaluate failed but Count or Validate did not";
      const Status& st = users.status();
      if (st.code() != Status::Code::kInvalidArgument) return "not InvalidArgument: " + st.ToString();
      if (count.status().message() != st.message() || valid.message() != st.message()) {
        return "Count/Validate/Evaluate errors differ";
      }
      std::istringstream ws(r.expected);
      std::string pos;
      ws >> pos;
      std::string substring;
      std::getline(ws, substring);
      if (!substring.empty() && substring[0] == ' ') substring.erase(0, 1);
      const std::string got_pos = st.position() ? std::to_string(*st.position()) : "-";
      if (got_pos != pos || st.message().find(substring) == std::string::npos) {
        return fmt::format("got: {} {}", got_pos, st.message());
      }
      return "";
    }
    if (!users.ok()) return "error: " + users.status().ToString();
    if (!count.ok() || *count != users->cardinality()) {
      return fmt::format("CountSegment {} != EvaluateSegment {}",
                         count.ok() ? std::to_string(*count) : "error", users->cardinality());
    }
    if (!valid.ok()) return "ValidateSegment: " + valid.ToString();
    if (auto plan = ExplainSegment(snap, r.expr, options); !plan.ok())
      return "Explain: " + plan.status().ToString();
    std::vector<std::string> ids;
    for (uint32_t u : users->ToVector()) ids.push_back(fixture_->users.at(u));
    std::sort(ids.begin(), ids.end());
    std::string got;
    for (const auto& id : ids) got += (got.empty() ? "" : " ") + id;
    if (got.empty()) got = "(empty)";
    return got == r.expected ? "" : "got: " + got;
  }

  // Runs every .slt file of `dir`; the number of records.
  size_t RunDirectory(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".slt") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    EXPECT_FALSE(files.empty()) << dir;
    size_t cases = 0;
    for (const auto& path : files) {
      const std::string name = path.filename().string();
      auto records = ParseSlt(name, ReadAll(path.string()), *ParseDate("2026-03-01"));
      EXPECT_FALSE(records.empty()) << name;
      for (const Record& r : records) {
        ++cases;
        std::string problem = Run(r);
        if (!problem.empty()) {
          ADD_FAILURE_AT(path.string().c_str(), r.line) << (r.is_error ? "error" : "query") << " `" << r.expr
                                                        << "`\n  expected: " << r.expected << "\n  " << problem;
        }
      }
    }
    std::printf("[ golden ] %zu cases in %zu files of %s\n", cases, files.size(), dir.string().c_str());
    return cases;
  }

  static testing::FixtureStore* fixture_;
};

testing::FixtureStore* GoldenTest::fixture_ = nullptr;

TEST_F(GoldenTest, AllFiles) {
  RunDirectory(std::filesystem::path(TAGLOOP_SOURCE_DIR) / "tests/segment/golden");
}

// Files written by another program against the same fixture, named by
// TAGLOOP_GOLDEN_DIR: the web UI's expression builder re-prints every golden
// query through its own parser (web/e2e/lang.test.mjs) and checks here that
// the printed text selects the same users.
TEST_F(GoldenTest, DirectoryFromEnvironment) {
  const char* dir = std::getenv("TAGLOOP_GOLDEN_DIR");
  if (dir == nullptr || *dir == '\0') GTEST_SKIP() << "TAGLOOP_GOLDEN_DIR is not set";
  EXPECT_GT(RunDirectory(dir), 0u);
}

}  // namespace
}  // namespace tagloop
