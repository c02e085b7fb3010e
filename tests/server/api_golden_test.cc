// Golden request/response files (tests/server/golden/*.test), in the spirit
// of sqllogictest: each file runs against its own fresh server over the
// fixture data (api_fixture.h), its cases in order (so a file can create,
// change and then read). A case:
//
//   # comments and blank lines between cases
//   request POST /api/v1/segments/count as viewer
//   > Content-Type: application/json        (request headers, optional)
//   {"expr": "is_vip"}                      (body lines, each sent with '\n')
//   ----
//   200
//   > content-type: application/json        (response headers to check, optional)
//   {"count": 2, "as_of": "2026-10-31", "elapsed_ms": "*"}
//
// Roles: viewer, analyst, operator, admin (default), nobody (no
// Authorization header), badtoken (a well-formed unknown token). A JSON
// expected body is compared as JSON (object key order ignored; the string
// "*" matches any value); any other body must match exactly (each expected
// line ends with '\n'). The expected body ends at a blank line.
//
// Every case is also checked against the OpenAPI document
// (src/server/openapi.json, openapi_schema.h): the route must be described,
// the answer's status documented, a JSON answer must fit the documented
// schema of that status, and a request body sent to a route that then
// succeeds must fit the documented request schema.
//
// TAGLOOP_UPDATE_GOLDEN=1 rewrites the files with the actual answers
// (keeping "*" where the old expectation had it); review the diff.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/api_fixture.h"
#include "server/api/api_routes.h"
#include "server/openapi_schema.h"
#include "server/openapi_spec.h"

namespace tagloop::testing {
namespace {

namespace fs = std::filesystem;

struct GoldenCase {
  std::vector<std::string> preamble;  // comment and blank lines before the case
  std::string request_line;           // "request ..."
  std::vector<std::string> request_rest;
  int line = 0;
  std::string method, target, role = "admin";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int status = 0;
  std::vector<std::pair<std::string, std::string>> expect_headers;
  std::vector<std::string> expect_body;  // lines
};

std::pair<std::string, std::string> SplitHeader(const std::string& line) {
  std::string text = line.substr(2);
  size_t colon = text.find(':');
  std::string name = text.substr(0, colon);
  std::string value = colon == std::string::npos ? "" : text.substr(colon + 1);
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  return {name, value};
}

std::vector<GoldenCase> ParseGolden(const std::string& path, std::vector<std::string>* trailer) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::vector<GoldenCase> cases;
  std::vector<std::string> pending;
  size_t i = 0;
  while (i < lines.size()) {
    if (lines[i].rfind("request ", 0) != 0) {
      pending.push_back(lines[i++]);
      continue;
    }
    GoldenCase c;
    c.preamble = std::move(pending);
    pending.clear();
    c.line = static_cast<int>(i + 1);
    c.request_line = lines[i];
    std::istringstream words(lines[i].substr(8));
    std::string as;
    words >> c.method >> c.target >> as >> c.role;
    if (c.role.empty()) c.role = "admin";
    ++i;
    for (; i < lines.size() && lines[i] != "----"; ++i) {
      c.request_rest.push_back(lines[i]);
      if (lines[i].rfind("> ", 0) == 0) {
        c.headers.push_back(SplitHeader(lines[i]));
      } else {
        c.body += lines[i] + "\n";
      }
    }
    ++i;  // "----"
    if (i < lines.size()) c.status = std::atoi(lines[i++].c_str());
    for (; i < lines.size() && !lines[i].empty(); ++i) {
      if (lines[i].rfind("> ", 0) == 0 && c.expect_body.empty()) {
        c.expect_headers.push_back(SplitHeader(lines[i]));
      } else {
        c.expect_body.push_back(lines[i]);
      }
    }
    cases.push_back(std::move(c));
  }
  *trailer = std::move(pending);
  return cases;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// Expected matches actual: objects by keys (any order), "*" matches anything.
bool JsonMatches(const nlohmann::json& want, const nlohmann::json& got, std::string path, std::string* why) {
  if (want.is_string() && want.get<std::string>() == "*") return true;
  if (want.is_object() && got.is_object()) {
    for (const auto& [k, v] : want.items()) {
      if (!got.contains(k)) return *why = path + "." + k + " missing", false;
      if (!JsonMatches(v, got[k], path + "." + k, why)) return false;
    }
    for (const auto& [k, v] : got.items()) {
      if (!want.contains(k)) return *why = path + "." + k + " unexpected", false;
    }
    return true;
  }
  if (want.is_array() && got.is_array()) {
    if (want.size() != got.size()) return *why = path + ": array sizes differ", false;
    for (size_t i = 0; i < want.size(); ++i) {
      if (!JsonMatches(want[i], got[i], path + "[" + std::to_string(i) + "]", why)) return false;
    }
    return true;
  }
  if (want != got) return *why = path + ": " + want.dump() + " != " + got.dump(), false;
  return true;
}

// `got` with "*" wherever `old` had it, for rewriting files.
nlohmann::ordered_json KeepWildcards(const nlohmann::json& old, nlohmann::ordered_json got) {
  if (old.is_string() && old.get<std::string>() == "*") return "*";
  if (old.is_object() && got.is_object()) {
    for (auto& [k, v] : got.items()) {
      if (old.contains(k)) v = KeepWildcards(old[k], v);
    }
  } else if (old.is_array() && got.is_array() && old.size() == got.size()) {
    for (size_t i = 0; i < got.size(); ++i) got[i] = KeepWildcards(old[i], got[i]);
  }
  return got;
}

std::vector<std::string> GoldenFiles() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(std::string(TAGLOOP_SOURCE_DIR) + "/tests/server/golden")) {
    if (e.path().extension() == ".test") out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The answer to (and, when it succeeded, the body of) one case against the
// operation the router finds for it.
void ExpectDocumented(const OpenApiSchemas& schemas, const ApiRouter& router, const GoldenCase& c,
                      int status, const std::string& answer) {
  const std::string path = c.target.substr(0, c.target.find('?'));
  Result<ApiRouter::Match> match = router.Find(c.method, path);
  if (!match.ok() || match->route == nullptr) return;  // 404/405 cases: no operation
  const nlohmann::json* op = schemas.Operation(c.method, match->route->pattern);
  ASSERT_NE(op, nullptr) << c.method << " " << match->route->pattern << " is not in the OpenAPI document";
  EXPECT_TRUE(schemas.Documents(*op, status))
      << c.method << " " << match->route->pattern << " answered " << status << ", which is not documented";
  auto got = nlohmann::json::parse(answer, nullptr, false);
  if (const nlohmann::json* schema = schemas.ResponseSchema(*op, status); schema && !got.is_discarded()) {
    for (const std::string& e : schemas.Check(got, *schema)) {
      ADD_FAILURE() << c.method << " " << match->route->pattern << " " << status << " answer " << e;
    }
  }
  auto sent = nlohmann::json::parse(c.body, nullptr, false);
  if (const nlohmann::json* schema = schemas.RequestSchema(*op);
      schema && status / 100 == 2 && !sent.is_discarded()) {
    for (const std::string& e : schemas.Check(sent, *schema)) {
      ADD_FAILURE() << c.method << " " << match->route->pattern << " request body " << e;
    }
  }
}

class ApiGoldenTest : public ApiTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(ApiGoldenTest, File) {
  // Small limits so that "too large" cases fit in a file.
  StartServer([](ServerOptions& o) {
    o.max_body_bytes = 512;
    o.max_import_bytes = 4096;
  });
  const std::string path = std::string(TAGLOOP_SOURCE_DIR) + "/tests/server/golden/" + GetParam();
  std::vector<std::string> trailer;
  std::vector<GoldenCase> cases = ParseGolden(path, &trailer);
  ASSERT_FALSE(cases.empty()) << path << " has no cases";
  const bool update = std::getenv("TAGLOOP_UPDATE_GOLDEN") != nullptr;
  std::string rewritten;
  const OpenApiSchemas schemas(nlohmann::json::parse(OpenApiSpecJson()));
  const ApiRouter router = BuildApiRouter();

  for (GoldenCase& c : cases) {
    SCOPED_TRACE(GetParam() + ":" + std::to_string(c.line) + ": " + c.request_line);
    std::vector<std::pair<std::string, std::string>> headers;
    if (c.role == "badtoken") {
      headers.emplace_back("Authorization", "Bearer tl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    } else if (c.role != "nobody") {
      std::optional<Role> role;
      for (Role r : kAllRoles) {
        if (RoleName(r) == c.role) role = r;
      }
      ASSERT_TRUE(role) << "unknown role " << c.role;
      headers.emplace_back("Authorization", "Bearer " + tokens_[*role]);
    }
    bool has_type = false;
    for (const auto& h : c.headers) has_type = has_type || h.first == "Content-Type";
    if (!c.body.empty() && !has_type) headers.emplace_back("Content-Type", "application/json");
    headers.insert(headers.end(), c.headers.begin(), c.headers.end());
    HttpClient client(port());
    HttpReply reply = client.Request(c.method, c.target, c.body, headers);
    ASSERT_NE(reply.status, 0) << "no response";

    const std::string want_text = Joined(c.expect_body);
    auto want_json = nlohmann::json::parse(want_text, nullptr, false);
    auto got_json = nlohmann::ordered_json::parse(reply.body, nullptr, false);
    if (update) {
      for (const auto& l : c.preamble) rewritten += l + "\n";
      rewritten +=
          c.request_line + "\n" + Joined(c.request_rest) + "----\n" + std::to_string(reply.status) + "\n";
      for (const auto& [k, v] : c.expect_headers) rewritten += "> " + k + ": " + reply.Header(k) + "\n";
      if (!got_json.is_discarded() && !reply.chunked) {
        rewritten += (want_json.is_discarded() ? got_json : KeepWildcards(want_json, got_json)).dump() + "\n";
      } else {
        rewritten += reply.body;
        if (!reply.body.empty() && reply.body.back() != '\n') rewritten += "\n";
      }
      continue;
    }
    EXPECT_EQ(reply.status, c.status) << reply.body;
    ExpectDocumented(schemas, router, c, reply.status, reply.body);
    for (const auto& [k, v] : c.expect_headers) EXPECT_EQ(reply.Header(k), v) << "header " << k;
    if (!want_json.is_discarded() && !c.expect_body.empty()) {
      auto got = nlohmann::json::parse(reply.body, nullptr, false);
      ASSERT_FALSE(got.is_discarded()) << "expected JSON, got: " << reply.body;
      std::string why;
      EXPECT_TRUE(JsonMatches(want_json, got, "$", &why)) << why << "\n got: " << reply.body;
    } else {
      EXPECT_EQ(reply.body, want_text);
    }
  }
  if (update) {
    for (const auto& l : trailer) rewritten += l + "\n";
    std::ofstream(path) << rewritten;
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, ApiGoldenTest, ::testing::ValuesIn(GoldenFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.find('.'));
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace tagloop::testing
