// End-to-end tests of the catalog commands of the `tagloop` executable: tags
// apply/export/publish/offline/show/history, categories, sources.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using testing::RunProgram;
using testing::RunResult;

constexpr const char* kVip = R"(# 会员等级, owned by the CRM team
name: vip_level
type: enum
title:
  zh: 会员等级
  en: VIP level
category: 交易/会员
producer:
  kind: sql
  source: shop
  query: |
    SELECT member_id, level FROM members
schedule: 0 2 * * *
)";

constexpr const char* kAge = "name: age\ntype: int\ntitle: 年龄\ncategory: 人口属性\nproducer: {kind: import}\n";

std::string LoginActor() {
  const passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr ? std::string("cli:") + pw->pw_name : "cli:uid-" + std::to_string(::geteuid());
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CatalogCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_.Sub("data");
    tags_ = tmp_.Sub("tags");
    std::filesystem::create_directories(data_);
    std::filesystem::create_directories(tags_);
    WriteTag("vip.yaml", kVip);
    WriteTag("age.yml", kAge);
  }

  std::string WriteTag(const std::string& name, const std::string& text) {
    std::string path = tags_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  RunResult Tagloop(std::vector<std::string> args) {
    args.insert(args.begin(), TAGLOOP_BINARY);
    return RunProgram(args);
  }

  // Runs a command that must succeed; returns its stdout.
  std::string Ok(std::vector<std::string> args) {
    RunResult r = Tagloop(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " " << (args.size() > 1 ? args[1] : "") << ": " << r.err;
    return r.out;
  }

  // `tagloop sources add ...` with `input` on its standard input.
  RunResult SourcesAddWithStdin(const std::string& input, std::vector<std::string> args) {
    std::vector<std::string> argv = {"/bin/sh", "-c", "printf '%s\\n' \"$0\" | \"$@\"", input, TAGLOOP_BINARY,
                                     "sources", "add"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(argv);
  }

  // An SQLite source 'shop' in `dir`: the definitions of kVip read it, and
  // apply refuses an sql tag over a source that is not registered.
  void AddShopSource(const std::string& dir) {
    Ok({"sources", "add", "--data", dir, "shop", "--kind", "sqlite", "--connection",
        tmp_.Sub("business.db")});
  }

  // `tags apply` that must fail: its stderr, after checking that nothing was
  // written (the catalog exports as `export_before`).
  std::string Refused(std::vector<std::string> args, const std::string& export_before = "") {
    args.insert(args.begin(), {"tags", "apply", "--data", data_});
    RunResult r = Tagloop(args);
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(Ok({"tags", "export", "--data", data_}), export_before);
    return r.err;
  }

  void ImportAges() {
    std::ofstream(tmp_.Sub("ages.csv")) << "member_id,age,city\nm1,30,上海\nm2,45,北京\n";
    RunResult r = Tagloop({"import", "--data", data_, "--csv", tmp_.Sub("ages.csv"), "--id-column", "member_id",
                           "--types", "age:int", "--version", "2026-10-01"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  testing::TempDir tmp_;
  std::string data_;
  std::string tags_;
};

TEST_F(CatalogCliTest, ApplyShowsWhatChangesThenStoresIt) {
  AddShopSource(data_);
  RunResult dry = Tagloop({"tags", "apply", "--data", data_, tags_, "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out, "+ age (new, draft)\n+ vip_level (new, draft)\n");
  EXPECT_EQ(dry.err, "dry run, nothing written: would apply 2 definitions: 2 new, 0 changed, 0 unchanged\n");
  EXPECT_EQ(Tagloop({"tags", "show", "--data", data_, "vip_level"}).exit_code, 1);  // nothing written

  RunResult applied = Tagloop({"tags", "apply", "--data", data_, tags_});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_EQ(applied.out, "+ age (new, draft)\n+ vip_level (new, draft)\n");
  EXPECT_EQ(applied.err, "applied 2 definitions: 2 new, 0 changed, 0 unchanged\n");

  // Applying the same files again changes nothing (--data after the files works too).
  RunResult again = Tagloop({"tags", "apply", tags_, "--data", data_});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "= age (unchanged)\n= vip_level (unchanged)\n");

  std::string edited = kVip;
  edited.replace(edited.find("zh: 会员等级"), std::string("zh: 会员等级").size(), "zh: 会员级别");
  edited.replace(edited.find("FROM members"), 12, "FROM members WHERE active");
  WriteTag("vip.yaml", edited);
  RunResult changed = Tagloop({"tags", "apply", "--data", data_, tags_ + "/vip.yaml"});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_EQ(changed.out, "~ vip_level:\n    title.zh: '会员等级' -> '会员级别'\n    producer.query: changed\n");
  EXPECT_EQ(changed.err, "applied 1 definition: 0 new, 1 changed, 0 unchanged\n");
}

TEST_F(CatalogCliTest, ApplyCanPublish) {
  AddShopSource(data_);
  RunResult r = Tagloop({"tags", "apply", "--data", data_, tags_ + "/age.yml", "--publish"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "+ age (new, published)\n");
  EXPECT_EQ(r.err, "applied 1 definition: 1 new, 0 changed, 0 unchanged; 1 published\n");
  Ok({"tags", "offline", "--data", data_, "age"});
  r = Tagloop({"tags", "apply", "--data", data_, tags_, "--publish", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "= age (unchanged, offline -> published)\n+ vip_level (new, published)\n");
  EXPECT_NE(Ok({"tags", "show", "--data", data_, "age"}).find("status:     offline\n"), std::string::npos);
  r = Tagloop({"tags", "apply", "--data", data_, tags_, "--publish"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "= age (unchanged, offline -> published)\n+ vip_level (new, published)\n");
  EXPECT_NE(Ok({"tags", "show", "--data", data_, "age"}).find("status:     published\n"), std::string::npos);
}

TEST_F(CatalogCliTest, OneBadFileAppliesNothing) {
  AddShopSource(data_);
  std::string bad = kVip;
  bad.replace(bad.find("name: vip_level"), 15, "name: vip_bad");
  bad.replace(bad.find("kind: sql"), 9, "kind: sqll");
  const std::string path = WriteTag("zz_bad.yaml", bad);
  RunResult r = Tagloop({"tags", "apply", "--data", data_, tags_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "tagloop tags apply: invalid argument: " + path +
                       ":9:3: producer.kind: unknown producer 'sqll' (sql, list, composite, external, realtime, behavior, import)\n");
  EXPECT_EQ(Ok({"tags", "export", "--data", data_}), "");  // not even the good files

  std::filesystem::remove(path);
  const std::string bad_category =
      WriteTag("zz_cat.yaml", "name: c\ntype: bool\ncategory: 交易//会员\nproducer: {kind: import}\n");
  r = Tagloop({"tags", "apply", "--data", data_, tags_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tagloop tags apply: invalid argument: " + bad_category +
                       ":1:1: category '交易//会员': each level needs 1 to 64 bytes between the '/' (no leading, "
                       "trailing or double '/')\n");
  EXPECT_EQ(Ok({"tags", "export", "--data", data_}), "");
}

TEST_F(CatalogCliTest, ATagDefinedInTwoFilesIsAnError) {
  const std::string copy = WriteTag("vip_copy.yaml", kVip);
  RunResult r = Tagloop({"tags", "apply", "--data", data_, tags_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tagloop tags apply: invalid argument: " + tags_ + "/vip_copy.yaml:2:1: tag 'vip_level' is "
                   "already defined at " + tags_ + "/vip.yaml:2:1\n");
}

TEST_F(CatalogCliTest, ApplyRefusesToChangeTheTypeOfATagWithData) {
  ImportAges();
  const std::string path = WriteTag("age.yml", "name: age\ntype: enum\nproducer: {kind: import}\n");
  RunResult r = Tagloop({"tags", "apply", "--data", data_, path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(
      r.err,
      "tagloop tags apply: invalid argument: " + path +
          ":1:1: tag 'age': type: tag 'age' has data of type int; its type cannot change to enum (define "
          "a new tag)\n");
  WriteTag("age.yml", kAge);
  EXPECT_EQ(Ok({"tags", "apply", "--data", data_, tags_ + "/age.yml"}), "+ age (new, draft)\n");
}

TEST_F(CatalogCliTest, ApplyErrors) {
  RunResult r = Tagloop({"tags", "apply", "--data", data_, tmp_.Sub("nope")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tagloop tags apply: not found: no file or folder '" + tmp_.Sub("nope") + "'\n");
  r = Tagloop({"tags", "apply", "--data", data_, WriteTag("empty.yaml", "# nothing\n")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tagloop tags apply: invalid argument: the files hold no tag definitions\n");
  r = Tagloop({"tags", "apply", tags_});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--data is required"), std::string::npos) << r.err;
  r = Tagloop({"tags", "apply", "--data", tmp_.Sub("missing"), tags_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("data directory '" + tmp_.Sub("missing") + "' does not exist"), std::string::npos) << r.err;
}

TEST_F(CatalogCliTest, LifecycleShowAndHistory) {
  AddShopSource(data_);
  Ok({"tags", "apply", "--data", data_, tags_});
  EXPECT_EQ(Ok({"tags", "publish", "--data", data_, "vip_level"}), "vip_level: draft -> published\n");
  EXPECT_EQ(Ok({"tags", "publish", "--data", data_, "vip_level"}), "vip_level is already published\n");
  EXPECT_EQ(Ok({"tags", "offline", "--data", data_, "vip_level"}), "vip_level: published -> offline\n");
  RunResult r = Tagloop({"tags", "publish", "--data", data_, "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tagloop tags publish: not found: tag 'nope' is not defined in the catalog\n");

  std::string edited = kVip;
  edited.replace(edited.find("schedule: 0 2 * * *"), 19, "schedule: 0 3 * * *");
  WriteTag("vip.yaml", edited);
  Ok({"tags", "apply", "--data", data_, tags_ + "/vip.yaml", "--as", "ci:alice"});

  const std::string show = Ok({"tags", "show", "--data", data_, "vip_level"});
  const std::string actor = LoginActor();
  EXPECT_TRUE(show.starts_with("tag:        vip_level\n"
                               "status:     offline\n"
                               "definition: version 2\n"
                               "category:   交易/会员\n"
                               "created:    "))
      << show;
  EXPECT_NE(show.find(" by " + actor + "\nupdated:    "), std::string::npos) << show;
  EXPECT_NE(show.find(" by ci:alice\ndata:       none yet\n\n"), std::string::npos) << show;
  EXPECT_TRUE(show.ends_with("\n  name: vip_level\n  type: enum\n  title:\n    zh: 会员等级\n    en: VIP level\n"
                             "  category: 交易/会员\n  producer:\n    kind: sql\n    query: |\n"
                             "      SELECT member_id, level FROM members\n    source: shop\n"
                             "  schedule: 0 3 * * *\n"))
      << show;

  const std::string history = Ok({"tags", "history", "--data", data_, "vip_level"});
  std::vector<std::string> lines;
  std::stringstream in(history);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u) << history;
  EXPECT_TRUE(lines[0].starts_with("version 1  20")) << lines[0];
  EXPECT_TRUE(lines[0].ends_with("Z  " + actor)) << lines[0];
  EXPECT_EQ(lines[1], "    created");
  EXPECT_TRUE(lines[2].starts_with("version 2  20")) << lines[2];
  EXPECT_TRUE(lines[2].ends_with("Z  ci:alice  (current)")) << lines[2];
  EXPECT_EQ(lines[3], "    schedule: '0 2 * * *' -> '0 3 * * *'");
  EXPECT_EQ(Tagloop({"tags", "history", "--data", data_, "nope"}).exit_code, 1);
}

TEST_F(CatalogCliTest, ShowCountsTheStoresData) {
  ImportAges();
  Ok({"tags", "apply", "--data", data_, tags_ + "/age.yml"});
  const std::string show = Ok({"tags", "show", "--data", data_, "age"});
  EXPECT_NE(show.find("\ndata:       1 version(s), latest 2026-10-01 with 2 users\n"), std::string::npos) << show;
}

TEST_F(CatalogCliTest, ExportWritesYamlThatAppliesBackUnchanged) {
  AddShopSource(data_);
  Ok({"tags", "apply", "--data", data_, tags_});
  const std::string all = Ok({"tags", "export", "--data", data_});
  EXPECT_EQ(all,
            "name: age\ntype: int\ntitle:\n  zh: 年龄\ncategory: 人口属性\nproducer:\n  kind: import\n"
            "---\n"
            "name: vip_level\ntype: enum\ntitle:\n  zh: 会员等级\n  en: VIP level\ncategory: 交易/会员\nproducer:\n"
            "  kind: sql\n  query: |\n    SELECT member_id, level FROM members\n  source: shop\n"
            "schedule: 0 2 * * *\n");
  EXPECT_EQ(Ok({"tags", "export", "--data", data_, "--tag", "age"}),
            "name: age\ntype: int\ntitle:\n  zh: 年龄\ncategory: 人口属性\nproducer:\n  kind: import\n");
  EXPECT_EQ(Tagloop({"tags", "export", "--data", data_, "--tag", "nope"}).exit_code, 1);

  const std::string out = tmp_.Sub("repo/tags");
  RunResult r = Tagloop({"tags", "export", "--data", data_, "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "wrote 2 definition file(s) to " + out + "\n");
  EXPECT_EQ(ReadFile(out + "/age.yaml"),
            "name: age\ntype: int\ntitle:\n  zh: 年龄\ncategory: 人口属性\nproducer:\n  kind: import\n");
  EXPECT_TRUE(std::filesystem::exists(out + "/vip_level.yaml"));

  // A new data directory started from the exported repository holds the same definitions.
  const std::string other = tmp_.Sub("other");
  std::filesystem::create_directories(other);
  AddShopSource(other);
  EXPECT_EQ(Ok({"tags", "apply", "--data", other, out}), "+ age (new, draft)\n+ vip_level (new, draft)\n");
  EXPECT_EQ(Ok({"tags", "export", "--data", other}), all);
  EXPECT_EQ(Ok({"tags", "apply", "--data", data_, out}), "= age (unchanged)\n= vip_level (unchanged)\n");
}

TEST_F(CatalogCliTest, TheStoresTagListingIsUnchanged) {
  AddShopSource(data_);
  ImportAges();
  const RunResult before = Tagloop({"tags", "--data", data_});
  const RunResult before_json = Tagloop({"tags", "--data", data_, "--json"});
  const RunResult before_tag = Tagloop({"tags", "--data", data_, "--tag", "age"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  Ok({"tags", "apply", "--data", data_, tags_, "--publish"});
  const RunResult after = Tagloop({"tags", "--data", data_});
  EXPECT_EQ(after.exit_code, 0);
  EXPECT_EQ(after.out, before.out);
  EXPECT_EQ(after.err, "");
  EXPECT_NE(after.out.find("2 tags, 2 users"), std::string::npos) << after.out;
  EXPECT_EQ(Tagloop({"tags", "--data", data_, "--json"}).out, before_json.out);
  EXPECT_EQ(Tagloop({"tags", "--data", data_, "--tag", "age"}).out, before_tag.out);
  EXPECT_NE(Tagloop({"tags"}).exit_code, 0);  // --data is still required
}

TEST_F(CatalogCliTest, CategoriesTreeAndChanges) {
  AddShopSource(data_);
  Ok({"tags", "apply", "--data", data_, tags_});
  EXPECT_EQ(Ok({"categories", "--data", data_}),
            "交易\n  会员  [1 tag]\n人口属性  [1 tag]\n3 categories, 2 tags (0 without a category)\n");
  EXPECT_EQ(Ok({"categories", "add", "--data", data_, "营销/活动", "--title-en", "Campaigns"}),
            "added category 营销/活动\n");
  RunResult r = Tagloop({"categories", "add", "--data", data_, "营销/活动"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tagloop categories add: already exists: category '营销' already has '活动'\n");
  EXPECT_EQ(Ok({"categories", "--data", data_, "rename", "交易/会员", "会员体系"}),
            "renamed category 交易/会员 to 交易/会员体系\n");
  EXPECT_EQ(Ok({"categories", "move", "--data", data_, "交易/会员体系", "营销"}),
            "moved category 交易/会员体系 to 营销/会员体系\n");
  EXPECT_EQ(Ok({"categories", "move", "--data", data_, "营销/活动", "/"}), "moved category 营销/活动 to 活动\n");
  EXPECT_EQ(Ok({"categories", "--data", data_}),
            "交易\n人口属性  [1 tag]\n活动 (Campaigns)\n营销\n  会员体系  [1 tag]\n"
            "5 categories, 2 tags (0 without a category)\n");
  // The tag follows its category; its definition did not change.
  EXPECT_NE(Ok({"tags", "show", "--data", data_, "vip_level"}).find("definition: version 1\ncategory:   营销/会员体系\n"),
            std::string::npos);

  r = Tagloop({"categories", "remove", "--data", data_, "营销"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tagloop categories remove: failed precondition: category '营销' still holds 0 tags and 1 "
                   "categories\n");
  r = Tagloop({"categories", "move", "--data", data_, "营销", "营销/会员体系"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tagloop categories move: invalid argument: a category cannot move under itself\n");
  r = Tagloop({"categories", "rename", "--data", data_, "nope", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tagloop categories rename: not found: no category 'nope'\n");
  EXPECT_EQ(Ok({"categories", "remove", "--data", data_, "交易"}), "removed category 交易\n");
  EXPECT_EQ(Ok({"categories", "rename", "--data", data_, "活动", "促销"}), "renamed category 活动 to 促销\n");
  EXPECT_NE(Ok({"categories", "--data", data_}).find("促销 (Campaigns)\n"), std::string::npos);  // title kept
}

TEST_F(CatalogCliTest, SourcesKeepThePasswordOffTheCommandLine) {
  const std::string secret = "s3cr3t-Pa55";
  RunResult r = SourcesAddWithStdin(secret, {"--data", data_, "shop", "--kind", "postgresql", "--connection",
                                             "host=db port=5432 dbname=shop user=tagloop", "--password-stdin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "added source 'shop' (postgresql, password: stored)\n");
  EXPECT_EQ(r.out, "");

  std::string list = Ok({"sources", "list", "--data", data_});
  EXPECT_NE(list.find("shop             postgresql host=db port=5432 dbname=shop user=tagloop"), std::string::npos)
      << list;
  EXPECT_NE(list.find(" stored "), std::string::npos) << list;
  EXPECT_EQ(list.find(secret), std::string::npos);
  EXPECT_NE(list.find(LoginActor()), std::string::npos);

  // An update without a password flag keeps the stored password.
  r = Tagloop({"sources", "add", "--data", data_, "shop", "--kind", "postgresql", "--connection",
               "host=db2 dbname=shop user=tagloop", "--fetch-rows", "500"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "updated source 'shop' (postgresql, password: stored)\n");
  list = Ok({"sources", "list", "--data", data_});
  EXPECT_NE(list.find("host=db2 dbname=shop user=tagloop"), std::string::npos) << list;
  EXPECT_NE(list.find(" stored "), std::string::npos) << list;
  EXPECT_NE(list.find(" 500 "), std::string::npos) << list;

  // Naming an environment variable replaces the stored password; an update keeps the variable.
  r = Tagloop({"sources", "add", "--data", data_, "shop", "--kind", "postgresql", "--connection", "host=db2",
               "--password-env", "TAGLOOP_TEST_UNSET_PW"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "updated source 'shop' (postgresql, password: from $TAGLOOP_TEST_UNSET_PW)\n"
                   "note: TAGLOOP_TEST_UNSET_PW is not set in this shell; the producer reads it when it connects\n");
  r = Tagloop({"sources", "add", "--data", data_, "shop", "--kind", "postgresql", "--connection", "host=db3"});
  EXPECT_EQ(r.err, "updated source 'shop' (postgresql, password: from $TAGLOOP_TEST_UNSET_PW)\n");
  list = Ok({"sources", "list", "--data", data_});
  EXPECT_NE(list.find(" env:TAGLOOP_TEST_UNSET_PW "), std::string::npos) << list;
  EXPECT_EQ(list.find(" stored "), std::string::npos) << list;

  // There is no --password flag; a password inside the connection is refused.
  r = Tagloop({"sources", "add", "--data", data_, "other", "--kind", "postgresql", "--connection", "host=a",
               "--password", secret});
  EXPECT_NE(r.exit_code, 0);
  r = Tagloop({"sources", "add", "--data", data_, "other", "--kind", "postgresql", "--connection",
               "host=a password=" + secret});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
  r = Tagloop({"sources", "add", "--data", data_, "other", "--kind", "postgresql", "--connection", "host=a",
               "--password-env", "X", "--password-stdin"});
  EXPECT_NE(r.exit_code, 0);
  r = SourcesAddWithStdin("", {"--data", data_, "other", "--kind", "postgresql", "--connection", "host=a",
                               "--password-stdin"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tagloop sources add: invalid argument: --password-stdin: no password on the standard input\n");
  r = Tagloop({"sources", "add", "--data", data_, "other", "--kind", "mysql", "--connection", "host=a"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tagloop sources add: invalid argument: source 'other': kind: unknown source kind 'mysql' "
                   "(expected sqlite, postgresql or odbc)\n");
  EXPECT_EQ(Ok({"sources", "list", "--data", data_}).find("other"), std::string::npos);

  // A source that definitions name is kept unless forced.
  Ok({"tags", "apply", "--data", data_, tags_ + "/vip.yaml"});
  r = Tagloop({"sources", "remove", "--data", data_, "shop"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tagloop sources remove: failed precondition: source 'shop' is used by tags vip_level; change "
                   "their definitions first, or force the removal with --force\n");
  EXPECT_NE(Ok({"sources", "list", "--data", data_}).find("shop"), std::string::npos);
  r = Tagloop({"sources", "remove", "--data", data_, "shop", "--force"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "removed source 'shop'; tags vip_level still name it and will fail until their definitions "
                   "change\n");
  r = Tagloop({"sources", "remove", "--data", data_, "shop"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tagloop sources remove: not found: no source named 'shop'\n");
}

// Definitions are checked as the API checks them (produce/definition_check.h)
// before anything is written, dry run or not: one bad definition applies
// nothing, and the error names the file, the tag and the field.
TEST_F(CatalogCliTest, ApplyRefusesABadScheduleAndChangesNothing) {
  AddShopSource(data_);
  std::string bad = kVip;
  bad.replace(bad.find("schedule: 0 2 * * *"), 19, "schedule: 99 99 * * *");
  const std::string path = WriteTag("vip.yaml", bad);
  const std::string prefix = "tagloop tags apply: invalid argument: " + path +
                             ":2:1: tag 'vip_level': schedule: cron '99 99 * * *': ";
  std::string err = Refused({tags_});
  EXPECT_EQ(err.rfind(prefix, 0), 0u) << err;
  EXPECT_EQ(Refused({tags_, "--dry-run"}), err);
  EXPECT_EQ(Refused({tags_, "--publish"}), err);
  // Nor does it change what is already stored.
  WriteTag("vip.yaml", kVip);
  Ok({"tags", "apply", "--data", data_, tags_});
  const std::string before = Ok({"tags", "export", "--data", data_});
  WriteTag("vip.yaml", bad);
  EXPECT_EQ(Refused({tags_}, before), err);
}

TEST_F(CatalogCliTest, ApplyRefusesACompositeCycleAcrossTwoFiles) {
  const std::string a =
      WriteTag("a.yaml", "name: a\ntype: bool\nproducer: {kind: composite, expression: b}\n");
  const std::string b = WriteTag(
      "b.yaml", "tags:\n  - name: b\n    type: bool\n    producer: {kind: composite, expression: a}\n");
  const std::string expected =
      "tagloop tags apply: invalid argument: " + a +
      ":1:1: tag 'a': producer: composite tag 'a' would create a cycle: a -> b -> a\n" + b +
      ":2:5: tag 'b': producer: composite tag 'b' would create a cycle: b -> a -> b\n";
  EXPECT_EQ(Refused({a, b}), expected);
  EXPECT_EQ(Refused({a, b, "--dry-run"}), expected);
  // One of them stored first (over an external b), the other applied later: still a cycle.
  const std::string b_external = WriteTag("b_external.yaml", "name: b\ntype: bool\nproducer: {kind: external}\n");
  EXPECT_EQ(Ok({"tags", "apply", "--data", data_, a, b_external}), "+ a (new, draft)\n+ b (new, draft)\n");
  const std::string before = Ok({"tags", "export", "--data", data_});
  EXPECT_EQ(Refused({b}, before),
            "tagloop tags apply: invalid argument: " + b +
                ":2:5: tag 'b': producer: composite tag 'b' would create a cycle: b -> a -> b\n");
}

TEST_F(CatalogCliTest, ApplyRefusesAnUnknownCompositeInput) {
  const std::string path = WriteTag(
      "c.yaml",
      "name: c\ntype: bool\nproducer: {kind: composite, expression: \"agee > 3 AND vip_level = 'gold'\"}\n");
  AddShopSource(data_);
  const std::string expected =
      "tagloop tags apply: invalid argument: " + path +
      ":1:1: tag 'c': producer.expression: unknown tag 'agee' at position 0; did you mean 'age'?\n";
  EXPECT_EQ(Refused({tags_}), expected);
  EXPECT_EQ(Refused({tags_, "--dry-run"}), expected);
}

TEST_F(CatalogCliTest, ApplyRefusesAnUnknownSource) {
  const std::string expected =
      "tagloop tags apply: invalid argument: " + tags_ +
      "/vip.yaml:2:1: tag 'vip_level': producer.source: no source 'shop' (tagloop sources list --data " +
      data_ + " lists them)\n";
  EXPECT_EQ(Refused({tags_}), expected);
  EXPECT_EQ(Refused({tags_, "--dry-run"}), expected);
  AddShopSource(data_);
  EXPECT_EQ(Ok({"tags", "apply", "--data", data_, tags_}), "+ age (new, draft)\n+ vip_level (new, draft)\n");
}

TEST_F(CatalogCliTest, ApplyRefusesABadQualityOverride) {
  const std::string path = WriteTag("age.yml", std::string(kAge) + "quality: {min_coverag: 0.5}\n");
  AddShopSource(data_);
  std::string err = Refused({tags_});
  EXPECT_EQ(err.rfind("tagloop tags apply: invalid argument: " + path + ":1:1: tag 'age': quality: ", 0), 0u)
      << err;
  EXPECT_NE(err.find("min_coverag"), std::string::npos) << err;
  EXPECT_EQ(Refused({tags_, "--dry-run"}), err);
}

// What the demo does: SQL tags and the composites over them applied
// together, before any has data, then produced.
TEST_F(CatalogCliTest, ABatchOfCompositesOverItsOwnSqlTagsAppliesAndProduces) {
  std::filesystem::remove(tags_ + "/vip.yaml");
  std::filesystem::remove(tags_ + "/age.yml");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(tmp_.Sub("business.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE orders (member_id TEXT, amount INTEGER);"
                           "INSERT INTO orders VALUES ('m1', 300), ('m2', 50), ('m3', 120);"
                           "CREATE TABLE members (member_id TEXT, level TEXT);"
                           "INSERT INTO members VALUES ('m1', 'silver'), ('m2', 'gold'), ('m3', 'silver');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  AddShopSource(data_);
  WriteTag("1_sql.yaml",
           "tags:\n"
           "  - name: spend\n    type: int\n"
           "    producer: {kind: sql, source: shop, query: \"SELECT member_id, amount FROM orders\"}\n"
           "  - name: level\n    type: enum\n"
           "    producer: {kind: sql, source: shop, query: \"SELECT member_id, level FROM members\"}\n");
  WriteTag("2_composite.yaml",
           "tags:\n"
           "  - name: big_spender\n    type: bool\n    schedule: \"30 3 * * *\"\n"
           "    producer: {kind: composite, expression: \"spend >= 100 AND level = 'silver'\"}\n"
           "  - name: value_tier\n    type: enum\n"
           "    producer:\n"
           "      kind: composite\n"
           "      rules:\n"
           "        - {value: high, when: big_spender}\n"
           "      else: low\n");
  const std::string listing =
      "+ spend (new, draft)\n+ level (new, draft)\n+ big_spender (new, draft)\n+ value_tier (new, draft)\n";
  EXPECT_EQ(Ok({"tags", "apply", "--data", data_, tags_, "--dry-run"}), listing);
  EXPECT_EQ(Ok({"tags", "apply", "--data", data_, tags_}), listing);
  for (const char* tag : {"spend", "level", "big_spender", "value_tier"}) {
    Ok({"produce", "--data", data_, tag, "--date", "2026-10-01"});
  }
  EXPECT_EQ(Ok({"count", "--data", data_, "--as-of", "2026-10-01", "big_spender"}), "2\n");
  EXPECT_EQ(Ok({"count", "--data", data_, "--as-of", "2026-10-01", "value_tier = 'low'"}), "1\n");
}

TEST_F(CatalogCliTest, EveryNewCommandHasHelp) {
  for (std::vector<std::string> cmd :
       {std::vector<std::string>{"tags", "apply"}, {"tags", "export"}, {"tags", "publish"}, {"tags", "offline"},
        {"tags", "show"}, {"tags", "history"}, {"categories"}, {"categories", "add"}, {"categories", "rename"},
        {"categories", "move"}, {"categories", "remove"}, {"sources", "add"}, {"sources", "list"},
        {"sources", "remove"}}) {
    cmd.push_back("--help");
    RunResult r = Tagloop(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd[0] << " " << cmd[1];
    EXPECT_NE(r.out.find("--data"), std::string::npos) << cmd[0] << " " << cmd[1] << ": " << r.out;
  }
  RunResult add = Tagloop({"sources", "add", "--help"});
  EXPECT_NE(add.out.find("--password-stdin"), std::string::npos);
  EXPECT_EQ(add.out.find("--password "), std::string::npos);
}

}  // namespace
}  // namespace tagloop
