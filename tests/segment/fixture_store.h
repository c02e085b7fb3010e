// Test support: builds a small tag store from a text description, and an
// in-memory SegmentResolver. Header-only (the test binary globs *_test.cc).
//
// Fixture format, one directive per line ('#' starts a comment line):
//   users u01 u02 ...          external ids, in dense-id order (the universe)
//   tag NAME TYPE              starts a tag (TYPE as in --types: bool, enum,
//                              set, int, decimal:N, date)
//   version YYYY-MM-DD         starts a version of the current tag
//   USER VALUE                 USER's value in that version; the rest of the
//                              line is the value (set: a|b|c); users not
//                              listed have no value (NULL)
//   segment NAME EXPR          a saved segment for SEGMENT('NAME') (the rest
//                              of the line is the expression)
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/tag_type.h"
#include "segment/segment_resolver.h"
#include "store/tag_store.h"
#include "testing/temp_dir.h"

namespace tagloop::testing {

class MapSegmentResolver : public SegmentResolver {
 public:
  std::map<std::string, std::string, std::less<>> segments;
  Result<std::string> ExpressionOf(std::string_view name) const override {
    auto it = segments.find(name);
    if (it == segments.end()) return Status::NotFound(fmt::format("no segment '{}'", name));
    return it->second;
  }
  std::vector<std::string> Names() const override {
    std::vector<std::string> out;
    for (const auto& [n, _] : segments) out.push_back(n);
    return out;
  }
};

struct FixtureStore {
  TempDir dir;
  std::unique_ptr<TagStore> store;
  std::vector<std::string> users;  // by dense id
  MapSegmentResolver segments;
};

// Builds the store described by `text`; an error names the fixture line.
inline Result<std::unique_ptr<FixtureStore>> BuildFixtureStore(const std::string& text) {
  auto fx = std::make_unique<FixtureStore>();
  StoreOptions options;
  options.create_if_missing = true;
  TAGLOOP_ASSIGN_OR_RETURN(fx->store, TagStore::Open(fx->dir.Sub("store"), options));
  TAGLOOP_ASSIGN_OR_RETURN(auto writer, fx->store->BeginWrite());
  std::map<std::string, uint32_t> ids;
  std::string tag;
  TagType type;
  std::unique_ptr<TagVersionBuilder> builder;
  auto flush = [&]() -> Status {
    if (builder) TAGLOOP_RETURN_IF_ERROR(writer->PutVersion(tag, builder->Finish()));
    builder.reset();
    return Status::Ok();
  };
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    auto fail = [&](const std::string& why) {
      return Status::InvalidArgument(fmt::format("fixture line {}: {}", line_no, why));
    };
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    size_t start = line.find_first_not_of(' ');
    if (start == std::string::npos || line[start] == '#') continue;
    line = line.substr(start);
    const size_t sp = line.find(' ');
    const std::string head = line.substr(0, sp);
    const std::string rest = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (head == "users") {
      std::istringstream ws(rest);
      std::vector<std::string> names;
      for (std::string w; ws >> w;) names.push_back(w);
      std::vector<std::string_view> views(names.begin(), names.end());
      std::vector<uint32_t> dense;
      TAGLOOP_RETURN_IF_ERROR(writer->InternUsers(views, &dense));
      for (size_t i = 0; i < names.size(); ++i) ids[names[i]] = dense[i];
      fx->users.insert(fx->users.end(), names.begin(), names.end());
    } else if (head == "tag") {
      TAGLOOP_RETURN_IF_ERROR(flush());
      std::istringstream ws(rest);
      std::string type_text;
      ws >> tag >> type_text;
      auto t = TagType::Parse(type_text);
      if (!t.ok()) return fail(t.status().message());
      type = *t;
    } else if (head == "version") {
      TAGLOOP_RETURN_IF_ERROR(flush());
      auto d = ParseDate(rest);
      if (!d.ok() || tag.empty()) return fail("bad version line");
      builder = std::make_unique<TagVersionBuilder>(type, *d);
    } else if (head == "segment") {
      const size_t s2 = rest.find(' ');
      if (s2 == std::string::npos) return fail("segment NAME EXPR");
      fx->segments.segments[rest.substr(0, s2)] = rest.substr(s2 + 1);
    } else {
      auto it = ids.find(head);
      if (it == ids.end() || !builder) return fail("unknown user or no version started: " + head);
      const uint32_t user = it->second;
      if (type.kind == TagKind::kBool) {
        auto b = ParseBoolValue(rest);
        if (!b.ok()) return fail(b.status().message());
        builder->AddBool(user, *b);
      } else if (type.kind == TagKind::kEnum) {
        builder->AddValue(user, rest);
      } else if (type.kind == TagKind::kSet) {
        size_t from = 0;
        for (;;) {
          size_t bar = rest.find('|', from);
          builder->AddValue(user, rest.substr(from, bar - from));
          if (bar == std::string::npos) break;
          from = bar + 1;
        }
      } else {
        auto v = ParseNumericValue(type, rest);
        if (!v.ok()) return fail(v.status().message());
        builder->AddNumber(user, *v);
      }
    }
  }
  TAGLOOP_RETURN_IF_ERROR(flush());
  TAGLOOP_RETURN_IF_ERROR(writer->Commit());
  return fx;
}

// The store of tests/segment/golden/fixture.txt (see the comments there).
inline Result<std::unique_ptr<FixtureStore>> BuildGoldenFixtureStore() {
  std::ifstream f(std::string(TAGLOOP_SOURCE_DIR) + "/tests/segment/golden/fixture.txt", std::ios::binary);
  if (!f) return Status::NotFound("tests/segment/golden/fixture.txt");
  std::stringstream ss;
  ss << f.rdbuf();
  return BuildFixtureStore(ss.str());
}

// Base of the tests that run on the golden fixture store (golden/fixture.txt):
// fx_ and snap_ are ready in the test body.
class GoldenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fx = BuildGoldenFixtureStore();
    ASSERT_TRUE(fx.ok()) << fx.status().ToString();
    fx_ = std::move(*fx);
    snap_ = fx_->store->snapshot();
  }

  std::unique_ptr<FixtureStore> fx_;
  std::shared_ptr<const Snapshot> snap_;
};

}  // namespace tagloop::testing
