#include "outreach/content_template.h"

#include <gtest/gtest.h>

namespace tagloop::outreach {
namespace {

bool Allowed(std::string_view f) { return f == "user_id" || f == "city" || f == "message_id"; }

TEST(ContentTemplateTest, RendersFieldsInsideStringsAndEscapes) {
  auto t = ContentTemplate::Compile(
      nlohmann::json::parse(R"({"title":"Hi {{ user_id }}, {{city}}!","n":3,"list":["{{city}}","x"],"k{{a}}":"plain"})"),
      Allowed);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->fields(), (std::vector<std::string>{"city", "user_id"}));  // "list" walks before "title"
  nlohmann::json out = t->Render([](std::string_view f) { return f == "city" ? std::string("上海\"\\\n") : "u1"; });
  EXPECT_EQ(out["title"], "Hi u1, 上海\"\\\n!");
  EXPECT_EQ(out["list"][0], "上海\"\\\n");
  EXPECT_EQ(out["n"], 3);
  EXPECT_EQ(out["k{{a}}"], "plain");  // keys are never templated
  EXPECT_EQ(out.dump(), R"({"k{{a}}":"plain","list":["上海\"\\\n","x"],"n":3,"title":"Hi u1, 上海\"\\\n!"})");
}

TEST(ContentTemplateTest, RefusesUnknownFieldsNamingThemAndWhere) {
  auto t = ContentTemplate::Compile(nlohmann::json::parse(R"({"a":{"b":["ok","x {{vip_level}}"]}})"), Allowed);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "content/a/b/1, byte 2: unknown field 'vip_level'");
  EXPECT_EQ(t.status().position(), 2u);
  t = ContentTemplate::Compile(nlohmann::json::parse(R"({"a":"x {{city"})"), Allowed);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("not closed"), std::string::npos);
  t = ContentTemplate::Compile(nlohmann::json::parse(R"({"a":"{{ }}"})"), Allowed);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("not a field name"), std::string::npos);
}

}  // namespace
}  // namespace tagloop::outreach
