// The web UI's files as the server serves them: index.html for "/" and for
// paths without an extension, hashed assets cached for a year, ETags and
// 304, no way out of the root, security headers; the API keeps its JSON
// errors next to the UI.
#include "server/http/web_assets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/api_fixture.h"
#include "testing/temp_dir.h"

namespace tagloop::testing {
namespace {

std::string HeaderOf(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

void Write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

class WebAssetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Write(tmp_.Sub("dist/index.html"), "<!doctype html><div id=root></div>");
    Write(tmp_.Sub("dist/assets/index-abc123.js"), "console.log('ui')");
    Write(tmp_.Sub("dist/assets/index-abc123.css"), "body{}");
    Write(tmp_.Sub("secret.txt"), "outside the root");
  }
  TempDir tmp_;
};

TEST_F(WebAssetsTest, ServesFilesWithTypesAndCaching) {
  auto web = WebAssets::Load(tmp_.Sub("dist"));
  ASSERT_TRUE(web.ok()) << web.status().ToString();
  EXPECT_EQ((*web)->files(), 3u);

  HttpResponse index = (*web)->Serve("/", "");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.body, "<!doctype html><div id=root></div>");
  EXPECT_EQ(HeaderOf(index, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderOf(index, "X-Frame-Options"), "DENY");
  EXPECT_NE(HeaderOf(index, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);

  HttpResponse js = (*web)->Serve("/assets/index-abc123.js", "");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ((*web)->Serve("/assets/index-abc123.css", "").content_type, "text/css; charset=utf-8");

  // Revalidation: the same ETag answers 304 without a body.
  const std::string etag = HeaderOf(index, "ETag");
  ASSERT_FALSE(etag.empty());
  HttpResponse again = (*web)->Serve("/", etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ((*web)->Serve("/", "\"other\"").status, 200);
}

TEST_F(WebAssetsTest, UnknownPathsAndEscapes) {
  auto web = WebAssets::Load(tmp_.Sub("dist"));
  ASSERT_TRUE(web.ok());
  // Without an extension: the UI's index (a bookmark of a page).
  HttpResponse page = (*web)->Serve("/catalog", "");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  // A missing file is a 404, not the index.
  EXPECT_EQ((*web)->Serve("/assets/missing.js", "").status, 404);
  // Never a file outside the root, however the path is spelled.
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/..", "/assets/..\\..\\secret.txt"}) {
    HttpResponse r = (*web)->Serve(path, "");
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("outside"), std::string::npos) << path;
  }
}

TEST_F(WebAssetsTest, ARootWithoutIndexIsRefused) {
  auto web = WebAssets::Load(tmp_.Sub("dist/assets"));
  EXPECT_EQ(web.status().code(), Status::Code::kNotFound);
  EXPECT_NE(web.status().message().find("has no index.html"), std::string::npos);
}

class WebServeTest : public ApiTest {};

TEST_F(WebServeTest, TheServerServesTheUiBesideTheApi) {
  TempDir web;
  Write(web.Sub("index.html"), "<!doctype html><title>tagloop</title>");
  StartServer([&](ServerOptions& o) { o.web_root = web.path(); });
  HttpClient c(port());
  HttpReply index = c.Request("GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<!doctype html><title>tagloop</title>");
  EXPECT_EQ(index.Header("content-type"), "text/html; charset=utf-8");
  // The API keeps its own answers: JSON 404 for an unknown endpoint, 401 without a token.
  HttpReply missing = Call("GET", "/api/v1/nowhere", Role::kViewer);
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("no such endpoint"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/tags", std::nullopt).status, 401);
  // The UI needs no token; the API behind it does.
  HttpReply me = Call("GET", "/api/v1/me", Role::kAnalyst);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Json(me)["role"], "analyst");
  EXPECT_EQ(Json(me)["name"], "analyst-test");
  // A POST to a UI path is not the UI's business.
  EXPECT_EQ(Call("POST", "/catalog", Role::kViewer, "{}").status, 404);
}

TEST_F(WebServeTest, NoneServesTheApiOnly) {
  StartServer([&](ServerOptions& o) { o.web_root = "none"; });
  HttpClient c(port());
  EXPECT_EQ(c.Request("GET", "/").status, 404);
}

}  // namespace
}  // namespace tagloop::testing
