#include "catalog/definition_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using json = nlohmann::json;

class DefinitionFilesTest : public ::testing::Test {
 protected:
  // Writes `text` to tags/<name> and returns its path.
  std::string Write(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(dir_);
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::vector<DefinitionInFile> Read(const std::vector<std::string>& paths) {
    Result<std::vector<DefinitionInFile>> defs = ReadDefinitionFiles(paths);
    EXPECT_TRUE(defs.ok()) << defs.status().ToString();
    return defs.ok() ? *defs : std::vector<DefinitionInFile>{};
  }

  std::string ErrorOf(const std::vector<std::string>& paths) {
    Result<std::vector<DefinitionInFile>> defs = ReadDefinitionFiles(paths);
    EXPECT_FALSE(defs.ok());
    if (defs.ok()) return "(read)";
    EXPECT_EQ(defs.status().code(), Status::Code::kInvalidArgument) << defs.status().ToString();
    return defs.status().message();
  }

  testing::TempDir tmp_;
  const std::string dir_ = tmp_.Sub("tags");
};

constexpr const char* kVip = R"(# 会员等级: crm-team owns it
name: vip_level
type: enum
title:
  zh: 会员等级
  en: VIP level
description: 会员的等级, 1-5
owner: crm-team
category: 交易/会员
producer:
  kind: sql
  source: shop
  query: |
    SELECT member_id, level
    FROM members
  timeout_seconds: 60
schedule: 0 2 * * *
quality: {min_coverage: 0.1, enabled: true, note: null}
retention:
  keep_days: 90
)";

TEST_F(DefinitionFilesTest, ReadsOneDefinitionPerFile) {
  const std::string path = Write("vip.yaml", kVip);
  std::vector<DefinitionInFile> defs = Read({path});
  ASSERT_EQ(defs.size(), 1u);
  const TagDefinition& d = defs[0].definition;
  EXPECT_EQ(d.name, "vip_level");
  EXPECT_EQ(d.type.ToString(), "enum");
  EXPECT_EQ(d.title_zh, "会员等级");
  EXPECT_EQ(d.title_en, "VIP level");
  EXPECT_EQ(d.description, "会员的等级, 1-5");
  EXPECT_EQ(d.category_path, "交易/会员");
  EXPECT_EQ(d.producer, ProducerKind::kSql);
  EXPECT_EQ(d.producer_config, (json{{"source", "shop"},
                                     {"query", "SELECT member_id, level\nFROM members\n"},
                                     {"timeout_seconds", 60}}));
  EXPECT_EQ(d.schedule, "0 2 * * *");
  EXPECT_EQ(d.quality, (json{{"min_coverage", 0.1}, {"enabled", true}, {"note", nullptr}}));
  EXPECT_EQ(d.retention, (RetentionRule{90, 0}));
  EXPECT_EQ(defs[0].file, path);
  EXPECT_EQ(defs[0].line, 2);
  EXPECT_EQ(defs[0].column, 1);
  EXPECT_EQ(defs[0].Where(), path + ":2:1");
}

TEST_F(DefinitionFilesTest, ReadsSeveralDocumentsAndTagsLists) {
  const std::string docs = Write("docs.yaml",
                                 "---\n"
                                 "name: a\ntype: bool\nproducer: {kind: import}\n"
                                 "---\n"
                                 "# an empty document is skipped\n"
                                 "---\n"
                                 "name: b\ntype: int\ntitle: 年龄\nproducer: {kind: import}\n");
  const std::string list = Write("list.yml",
                                 "tags:\n"
                                 "  - name: c\n"
                                 "    type: set\n"
                                 "    producer: {kind: list, file: c.csv}\n"
                                 "  - name: d\n"
                                 "    type: date\n"
                                 "    producer: {kind: external}\n");
  std::vector<DefinitionInFile> defs = Read({docs, list});
  ASSERT_EQ(defs.size(), 4u);
  EXPECT_EQ(defs[0].definition.name, "a");
  EXPECT_EQ(defs[0].Where(), docs + ":2:1");
  EXPECT_EQ(defs[1].definition.name, "b");
  EXPECT_EQ(defs[1].definition.title_zh, "年龄");
  EXPECT_EQ(defs[1].Where(), docs + ":8:1");
  EXPECT_EQ(defs[2].definition.name, "c");
  EXPECT_EQ(defs[2].definition.producer_config, (json{{"file", "c.csv"}}));
  EXPECT_EQ(defs[2].Where(), list + ":2:5");
  EXPECT_EQ(defs[3].definition.name, "d");
  EXPECT_EQ(defs[3].Where(), list + ":5:5");
}

TEST_F(DefinitionFilesTest, ErrorsPointAtTheFieldsKey) {
  std::string text = kVip;
  text.replace(text.find("kind: sql"), 9, "kind: sqll");
  const std::string path = Write("vip.yaml", text);
  EXPECT_EQ(ErrorOf({path}),
            path + ":11:3: producer.kind: unknown producer 'sqll' (sql, list, composite, external, realtime, behavior, import)");

  const std::string typo = Write("typo.yaml", "name: a\ntype: bool\nproducer: {kind: import}\nowenr: x\n");
  EXPECT_EQ(ErrorOf({typo}), typo + ":4:1: owenr: unknown field (known: name, type, title, description, owner, "
                                    "category, category_id, producer, schedule, biz_date, quality, retention, personal)");

  const std::string nested = Write("nested.yaml", "name: a\ntype: bool\nproducer: {kind: import}\n"
                                                  "title:\n  zh: 甲\n  fr: a\n");
  EXPECT_EQ(ErrorOf({nested}), nested + ":6:3: title.fr: unknown field (known: zh, en)");

  const std::string retention = Write("retention.yaml", "name: a\ntype: bool\nproducer: {kind: import}\n"
                                                        "retention:\n  keep_days: -3\n");
  EXPECT_EQ(ErrorOf({retention}),
            retention + ":5:3: retention.keep_days: must be a whole number from 0 to 1000000");
}

TEST_F(DefinitionFilesTest, AMissingFieldPointsAtItsParent) {
  const std::string no_name = Write("no_name.yaml", "# header\n\ntype: bool\nproducer: {kind: import}\n");
  EXPECT_EQ(ErrorOf({no_name}), no_name + ":3:1: name: is required");
  const std::string no_kind = Write("no_kind.yaml", "name: a\ntype: bool\nproducer:\n  source: shop\n");
  EXPECT_EQ(ErrorOf({no_kind}), no_kind + ":3:1: producer.kind: is required (a string)");
}

TEST_F(DefinitionFilesTest, ScalarsFollowTheYaml12CoreSchema) {
  const std::string path = Write("types.yaml",
                                 "name: a\ntype: bool\nowner: yes\ndescription: '123'\n"
                                 "producer:\n  kind: external\n  on: off\n  n: 012\n  hex: 0x1F\n  oct: 0o17\n"
                                 "  f: -1.5e3\n  big: 99999999999999999999\n  s: !!str 42\n  t: TRUE\n  z: ~\n"
                                 "  empty:\n  q: \"null\"\n  list: [1, two, 3.0]\n");
  std::vector<DefinitionInFile> defs = Read({path});
  ASSERT_EQ(defs.size(), 1u);
  const TagDefinition& d = defs[0].definition;
  EXPECT_EQ(d.owner, "yes");
  EXPECT_EQ(d.description, "123");
  const json& c = d.producer_config;
  EXPECT_EQ(c["on"], "off");
  EXPECT_EQ(c["n"], 12);
  EXPECT_EQ(c["hex"], 31);
  EXPECT_EQ(c["oct"], 15);
  EXPECT_EQ(c["f"], -1500.0);
  EXPECT_TRUE(c["big"].is_number_float());
  EXPECT_EQ(c["s"], "42");
  EXPECT_EQ(c["t"], true);
  EXPECT_TRUE(c["z"].is_null());
  EXPECT_TRUE(c["empty"].is_null());
  EXPECT_EQ(c["q"], "null");
  EXPECT_EQ(c["list"], json::parse(R"([1, "two", 3.0])"));
}

TEST_F(DefinitionFilesTest, AnUnquotedNumberIsNotAString) {
  const std::string path = Write("num.yaml", "name: 2024\ntype: bool\nproducer: {kind: import}\n");
  EXPECT_EQ(ErrorOf({path}), path + ":1:1: name: must be a string");
}

TEST_F(DefinitionFilesTest, YamlSyntaxErrorsHaveAPosition) {
  const std::string path = Write("broken.yaml", "name: a\ntype: [bool\nproducer: {kind: import}\n");
  const std::string error = ErrorOf({path});
  EXPECT_TRUE(error.starts_with(path + ":")) << error;
  EXPECT_NE(error.find(": YAML: "), std::string::npos) << error;
}

TEST_F(DefinitionFilesTest, MalformedDocumentsAreRefused) {
  const std::string dup = Write("dup.yaml", "name: a\ntype: bool\nname: b\nproducer: {kind: import}\n");
  EXPECT_EQ(ErrorOf({dup}), dup + ":3:1: duplicate key 'name'");
  const std::string scalar = Write("scalar.yaml", "just text\n");
  EXPECT_EQ(ErrorOf({scalar}), scalar + ":1:1: a tag definition is a mapping of fields (name: ..., type: ...)");
  const std::string seq = Write("seq.yaml", "- name: a\n");
  EXPECT_EQ(ErrorOf({seq}), seq + ":1:1: a tag definition is a mapping of fields (name: ..., type: ...)");
  const std::string mixed = Write("mixed.yaml", "tags: []\nname: a\n");
  EXPECT_EQ(ErrorOf({mixed}), mixed + ":1:1: a document with a 'tags:' list holds nothing else");
  const std::string not_list = Write("not_list.yaml", "tags: {name: a}\n");
  EXPECT_EQ(ErrorOf({not_list}), not_list + ":1:7: tags: must be a list of tag definitions");
  const std::string id = Write("id.yaml", "name: a\ntype: bool\ncategory_id: 3\nproducer: {kind: import}\n");
  EXPECT_EQ(ErrorOf({id}), id + ":3:1: category_id: not allowed in a file; give the category's path as 'category'");
  const std::string inf = Write("inf.yaml", "name: a\ntype: bool\nproducer: {kind: import}\nquality: {x: .inf}\n");
  EXPECT_EQ(ErrorOf({inf}), inf + ":4:14: '.inf' is not a finite number");
  const std::string tag = Write("tag.yaml", "name: !custom a\ntype: bool\nproducer: {kind: import}\n");
  EXPECT_EQ(ErrorOf({tag}), tag + ":1:7: YAML tag '!custom' is not supported (quote the value)");
}

TEST_F(DefinitionFilesTest, AliasCyclesAndDeepNestingAreBounded) {
  const std::string cycle = Write("cycle.yaml", "name: a\ntype: bool\nproducer: {kind: import, x: &c [1, *c]}\n");
  EXPECT_NE(ErrorOf({cycle}).find("nested more than 64 levels deep"), std::string::npos);
  std::string deep = "name: a\ntype: bool\nproducer: {kind: import, x: ";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  deep += "}\n";
  EXPECT_NE(ErrorOf({Write("deep.yaml", deep)}).find("nested more than 64 levels deep"), std::string::npos);
  // Ten levels of aliases, each ten times the one before: 10^10 nodes if expanded.
  std::string bomb = "name: a\ntype: bool\nproducer:\n  kind: import\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*l" + std::to_string(i - 1);
    bomb += "  l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) bomb += (k ? ", " : "") + prev;
    bomb += "]\n";
  }
  EXPECT_NE(ErrorOf({Write("bomb.yaml", bomb)}).find("more than 100000 YAML nodes"), std::string::npos);
}

TEST_F(DefinitionFilesTest, EveryProblemOfEveryFileIsReported) {
  const std::string a = Write("a.yaml", "name: a\ntype: bool\nproducer: {kind: import}\n---\n"
                                        "name: b\ntype: nope\nproducer: {kind: import}\n");
  const std::string b = Write("b.yaml", "name: c\ntype: bool\nproducer: {kind: sqll}\n");
  const std::string error = ErrorOf({a, b});
  EXPECT_EQ(error, a + ":6:1: type: unknown tag type 'nope' (expected bool, enum, set, int, decimal:N with N 0-6, or date)\n" + b +
                       ":3:12: producer.kind: unknown producer 'sqll' (sql, list, composite, external, realtime, behavior, import)")
      << error;
}

TEST_F(DefinitionFilesTest, ATagDefinedTwiceNamesBothPlaces) {
  const std::string a = Write("a.yaml", "name: vip\ntype: bool\nproducer: {kind: import}\n");
  const std::string b = Write("b.yaml", "tags:\n  - name: other\n    type: bool\n    producer: {kind: import}\n"
                                        "  - name: vip\n    type: int\n    producer: {kind: import}\n");
  EXPECT_EQ(ErrorOf({a, b}), b + ":5:5: tag 'vip' is already defined at " + a + ":1:1");
}

TEST_F(DefinitionFilesTest, AFolderIsItsYamlFilesSorted) {
  Write("b.yml", "name: b\ntype: bool\nproducer: {kind: import}\n");
  Write("a.yaml", "name: a\ntype: bool\nproducer: {kind: import}\n");
  Write("notes.txt", "not a definition");
  Write(".hidden.yaml", "broken: [");
  std::filesystem::create_directories(dir_ + "/sub");
  std::ofstream(dir_ + "/sub/c.yaml") << "name: c\ntype: bool\nproducer: {kind: import}\n";
  Result<std::vector<std::string>> files = ListDefinitionFiles({dir_});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(*files, (std::vector<std::string>{dir_ + "/a.yaml", dir_ + "/b.yml"}));
  // A file named twice (directly and through its folder) is read once.
  files = ListDefinitionFiles({dir_ + "/b.yml", dir_ + "/"});
  EXPECT_EQ(*files, (std::vector<std::string>{dir_ + "/b.yml", dir_ + "/a.yaml"}));
  std::vector<DefinitionInFile> defs = Read({dir_, dir_ + "/sub/c.yaml"});
  ASSERT_EQ(defs.size(), 3u);
  EXPECT_EQ(defs[0].definition.name, "a");
  EXPECT_EQ(defs[1].definition.name, "b");
  EXPECT_EQ(defs[2].definition.name, "c");

  Result<std::vector<std::string>> missing = ListDefinitionFiles({tmp_.Sub("nope")});
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(missing.status().message(), "no file or folder '" + tmp_.Sub("nope") + "'");
  std::filesystem::create_directories(tmp_.Sub("empty"));
  Result<std::vector<std::string>> empty = ListDefinitionFiles({tmp_.Sub("empty")});
  EXPECT_EQ(empty.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ReadDefinitionFile(tmp_.Sub("nope.yaml")).status().code(), Status::Code::kNotFound);
}

TEST_F(DefinitionFilesTest, AnEmptyFileHasNoDefinitions) {
  EXPECT_TRUE(Read({Write("empty.yaml", "")}).empty());
  EXPECT_TRUE(Read({Write("comments.yaml", "# nothing yet\n---\n")}).empty());
  EXPECT_TRUE(Read({Write("no_tags.yaml", "tags:\n")}).empty());
}

TEST_F(DefinitionFilesTest, AFileTooLargeIsRefused) {
  const std::string path = Write("huge.yaml", "# " + std::string(kMaxDefinitionFileBytes, 'x') + "\n");
  Result<std::vector<DefinitionInFile>> defs = ReadDefinitionFile(path);
  EXPECT_EQ(defs.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(defs.status().message().find("at most 4194304"), std::string::npos);
}

TagDefinition FromYaml(const std::string& text) {
  Result<std::vector<DefinitionInFile>> defs = ParseDefinitionsYaml(text, "(test)");
  EXPECT_TRUE(defs.ok()) << defs.status().ToString() << "\n" << text;
  EXPECT_EQ(defs.ok() ? defs->size() : 0u, 1u);
  return defs.ok() && !defs->empty() ? (*defs)[0].definition : TagDefinition{};
}

TEST_F(DefinitionFilesTest, ExportWritesReadableYaml) {
  TagDefinition d = FromYaml(kVip);
  d.category_id = 7;  // as the catalog returns it; files carry the path
  d.retention.keep_versions = 7;
  d.quality = {{"min_coverage", 0.1}};
  EXPECT_EQ(DefinitionToYaml(d),
            "name: vip_level\n"
            "type: enum\n"
            "title:\n"
            "  zh: 会员等级\n"
            "  en: VIP level\n"
            "description: 会员的等级, 1-5\n"
            "owner: crm-team\n"
            "category: 交易/会员\n"
            "producer:\n"
            "  kind: sql\n"
            "  query: |\n"
            "    SELECT member_id, level\n"
            "    FROM members\n"
            "  source: shop\n"
            "  timeout_seconds: 60\n"
            "schedule: 0 2 * * *\n"
            "quality:\n"
            "  min_coverage: 0.1\n"
            "retention:\n"
            "  keep_days: 90\n"
            "  keep_versions: 7\n");
}

TEST_F(DefinitionFilesTest, ExportLeavesOutDefaults) {
  TagDefinition d = FromYaml("name: age\ntype: int\nproducer: {kind: import}\n");
  EXPECT_EQ(DefinitionToYaml(d), "name: age\ntype: int\nproducer:\n  kind: import\n");
  d.biz_date = BizDateRule::kToday;
  d.title_en = "Age";
  d.producer = ProducerKind::kExternal;
  EXPECT_EQ(DefinitionToYaml(d), "name: age\ntype: int\ntitle:\n  en: Age\nproducer:\n  kind: external\n"
                                 "biz_date: today\n");
}

TEST_F(DefinitionFilesTest, ExportWritesListsOfRules) {
  TagDefinition d = FromYaml("name: spend_level\ntype: enum\nproducer: {kind: import}\n");
  d.producer = ProducerKind::kComposite;
  d.producer_config = json::parse(R"({"rules": [{"value": "high", "when": "spend > 1000"},
                                                {"value": "low", "when": "ALL"}], "else": "none",
                                      "nested": [[1, 2], [], {}], "empty": {}})");
  const std::string yaml = DefinitionToYaml(d);
  EXPECT_EQ(yaml,
            "name: spend_level\n"
            "type: enum\n"
            "producer:\n"
            "  kind: composite\n"
            "  else: none\n"
            "  empty: {}\n"
            "  nested:\n"
            "    -\n"
            "      - 1\n"
            "      - 2\n"
            "    - []\n"
            "    - {}\n"
            "  rules:\n"
            "    - value: high\n"
            "      when: spend > 1000\n"
            "    - value: low\n"
            "      when: ALL\n");
  EXPECT_EQ(FromYaml(yaml).producer_config, d.producer_config);
}

TEST_F(DefinitionFilesTest, ExportRoundTripsAwkwardText) {
  const std::vector<std::string> texts = {
      "true", "123", "1.5", "-7", "0x1F", ".inf", "null", "~", "", "yes", " lead", "trail ", "a: b", "a #b", "#x",
      "- x", "-", "*/5 * * * *", "@at", "%p", "a:", "[x]", "{y}", "!t", "&a", "|p", ">g", "'q'", "\"d\"", "---",
      "...", "引号\"和\\", "tab\tinside", "ctl\x01", "del\x7f", "multi\nline", "multi\nline\n", "multi\n\n",
      "\nfirst empty", " lead\nx", "a\n  indented\n\tb", "cr\r\nlf", "SELECT *\nFROM t -- 注释\nWHERE x = ': #'\n"};
  for (const std::string& text : texts) {
    TagDefinition d = FromYaml("name: t\ntype: enum\nproducer: {kind: sql}\n");
    d.description = text;
    d.owner = text;
    d.title_zh = text;
    d.title_en = text;
    d.category_path = text.empty() ? "" : "交易/会员";
    d.producer_config = {{"query", text}, {text, "as a key"}, {"list", {text, text}}};
    d.quality = {{"note", text}};
    const std::string yaml = DefinitionToYaml(d);
    TagDefinition back = FromYaml(yaml);
    EXPECT_TRUE(back.SameAs(d)) << "text '" << text << "' exported as:\n" << yaml;
    EXPECT_EQ(back.category_path, d.category_path);
  }
}

TEST_F(DefinitionFilesTest, ExportedFilesApplyBack) {
  TagDefinition a = FromYaml(kVip);
  TagDefinition b = FromYaml("name: age\ntype: int\ntitle: 年龄\nproducer: {kind: import}\n");
  const std::string path = Write("all.yaml", DefinitionToYaml(a) + "---\n" + DefinitionToYaml(b));
  std::vector<DefinitionInFile> defs = Read({path});
  ASSERT_EQ(defs.size(), 2u);
  EXPECT_TRUE(defs[0].definition.SameAs(a));
  EXPECT_TRUE(defs[1].definition.SameAs(b));
  EXPECT_EQ(defs[1].line, 24);
}

}  // namespace
}  // namespace tagloop
