// The OpenAPI document (src/server/openapi.json) describes exactly the
// router's routes, with the same minimum roles and query parameters.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "server/api/api_routes.h"
#include "server/openapi_spec.h"

namespace tagloop {
namespace {

TEST(OpenApiTest, DocumentIsValidJsonOpenApi3) {
  auto spec = nlohmann::json::parse(OpenApiSpecJson(), nullptr, false);
  ASSERT_FALSE(spec.is_discarded());
  EXPECT_EQ(spec["openapi"].get<std::string>().rfind("3.", 0), 0u);
  EXPECT_TRUE(spec["paths"].is_object());
  EXPECT_TRUE(spec["components"]["schemas"].contains("Error"));
}

// JSON allows a key twice and a parser keeps one of them silently: the
// document must not (it once defined two different ListUpload schemas).
TEST(OpenApiTest, NoObjectHasAKeyTwice) {
  std::vector<std::set<std::string>> open;
  std::vector<std::string> duplicates;
  nlohmann::json::parser_callback_t check = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    switch (event) {
      case nlohmann::json::parse_event_t::object_start: open.emplace_back(); break;
      case nlohmann::json::parse_event_t::object_end: open.pop_back(); break;
      case nlohmann::json::parse_event_t::key:
        if (!open.back().insert(parsed.get<std::string>()).second) duplicates.push_back(parsed.get<std::string>());
        break;
      default: break;
    }
    return true;
  };
  auto spec = nlohmann::json::parse(OpenApiSpecJson(), check);
  EXPECT_TRUE(duplicates.empty()) << "keys defined twice: " << ::testing::PrintToString(duplicates);
}

TEST(OpenApiTest, CoversEveryRouteWithItsRole) {
  auto spec = nlohmann::json::parse(OpenApiSpecJson());
  std::set<std::string> documented;
  for (const auto& [path, item] : spec["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + path);
    }
  }
  ApiRouter router = BuildApiRouter();
  std::set<std::string> routed;
  for (const ApiRoute& r : router.routes()) {
    const std::string key = r.method + " " + r.pattern;
    routed.insert(key);
    SCOPED_TRACE(key);
    ASSERT_TRUE(documented.count(key)) << "route missing from src/server/openapi.json";
    std::string lower = r.method;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto& op = spec["paths"][r.pattern][lower];
    ASSERT_TRUE(op.contains("x-min-role"));
    if (r.min_role) {
      EXPECT_EQ(op["x-min-role"], RoleName(*r.min_role));
    } else {
      EXPECT_TRUE(op["x-min-role"].is_null());
      EXPECT_EQ(op["security"], nlohmann::json::array());
    }
    // Path parameters are declared.
    size_t braces = std::count(r.pattern.begin(), r.pattern.end(), '{');
    size_t declared = 0;
    for (const auto& p : op.value("parameters", nlohmann::json::array())) {
      std::string in = p.contains("$ref")
                           ? spec["components"]["parameters"][p["$ref"].get<std::string>().substr(24)]["in"]
                           : p["in"];
      declared += in == "path";
    }
    EXPECT_EQ(declared, braces);
    // Query parameters: exactly the ones the route accepts.
    std::set<std::string> documented_query, accepted(r.query_params.begin(), r.query_params.end());
    for (const auto& p : op.value("parameters", nlohmann::json::array())) {
      const nlohmann::json& param =
          p.contains("$ref") ? spec["components"]["parameters"][p["$ref"].get<std::string>().substr(24)] : p;
      if (param["in"] == "query") documented_query.insert(param["name"].get<std::string>());
    }
    EXPECT_EQ(documented_query, accepted) << "query parameters of the route and of the document differ";
  }
  for (const std::string& d : documented)
    EXPECT_TRUE(routed.count(d)) << d << " is documented but not routed";
}

}  // namespace
}  // namespace tagloop
