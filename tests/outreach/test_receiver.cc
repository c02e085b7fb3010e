// A real HTTP/1.1 gateway for the outreach tests (Boost.Beast, one thread
// per connection, keep-alive). It records every request to a log file, one
// line each (fields separated by tabs):
//   <route> \t <key> \t <status> \t <signature> \t <body>
// key: the Idempotency-Key (webhook, coupon), client_msg_id (WeChat), OutId
// (SMS), "-" otherwise; signature: ok, bad or none (checked when --secret).
//
// Routes: /hook (webhook), /coupon (a coupon API: {"coupon_id"}),
// /sms (an Aliyun SendSms-style gateway: {"Code","BizId"}),
// /cgi-bin/token and /cgi-bin/message/template/send (WeChat Official
// Account), /cgi-bin/webhook/send (a WeCom group bot, --wecom-per-minute
// messages a minute per key, then errcode 130101).
//
// --rule MATCH=ACTION[*N]: for requests whose body contains MATCH (the
// first N of them; all without *N) answer with ACTION: an HTTP status
// (429, 500, 400, ...; `429/retry-after=N` adds the header `Retry-After: N`),
// `garbage` (bytes that are not HTTP, then close),
// `hang` (never answer), `errcode:NNN` (WeChat/WeCom), `code:TEXT` (SMS).
//
// --aliyun-secret K: /sms takes Aliyun's signed RPC form (POST, form-encoded)
// and checks its Signature (HMAC-SHA1 keyed "K&"); signature ok or bad, a
// bad one answers Code SignatureDoesNotMatch.
//
//   test_receiver --port-file F --log L [--secret S] [--appid A --appsecret B] [--aliyun-secret K]
//                 [--token-uses N] [--wecom-per-minute N] [--rule ...]...
// The port is written to --port-file once listening. Runs until killed.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <utility>  // before Boost.Asio: 1.74 uses std::exchange without it

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

struct Rule {
  std::string match, action;
  long remaining = -1;  // -1: always
};

struct Config {
  std::string port_file, log, secret, appid = "wxapp", appsecret, aliyun_secret;
  long token_uses = -1;  // sends per token before it expires (42001); -1: never
  int wecom_per_minute = 20;
  std::vector<Rule> rules;
};

Config g_config;
std::mutex g_mu;  // guards everything below
FILE* g_log = nullptr;
long g_token_serial = 0;
std::string g_token;
long g_token_used = 0;
long g_serial = 0;
std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> g_wecom;

std::string Hmac(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &len);
  std::string hex;
  char b[3];
  for (unsigned i = 0; i < len; ++i) std::snprintf(b, sizeof b, "%02x", mac[i]), hex += b;
  return hex;
}

// The action of the first rule matching the body (consuming one use).
std::string MatchRule(const std::string& body) {
  std::lock_guard lock(g_mu);
  for (Rule& r : g_config.rules) {
    if (r.remaining == 0 || body.find(r.match) == std::string::npos) continue;
    if (r.remaining > 0) --r.remaining;
    return r.action;
  }
  return "";
}

void Log(const std::string& route, const std::string& key, int status, const std::string& sig,
         const std::string& body) {
  std::lock_guard lock(g_mu);
  std::fprintf(g_log, "%s\t%s\t%d\t%s\t%s\n", route.c_str(), key.empty() ? "-" : key.c_str(), status, sig.c_str(),
               body.c_str());
  std::fflush(g_log);
}

std::string Query(const std::string& target, const std::string& name) {
  size_t q = target.find('?');
  if (q == std::string::npos) return "";
  std::string qs = "&" + target.substr(q + 1);
  size_t at = qs.find("&" + name + "=");
  if (at == std::string::npos) return "";
  size_t start = at + name.size() + 2, end = qs.find('&', start);
  return qs.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string Field(const nlohmann::json& j, const char* name) {
  if (j.is_object() && j.contains(name) && j[name].is_string()) return j[name].get<std::string>();
  return "";
}

struct Answer {
  int status = 200;
  std::string body;
  std::string retry_after;  // the Retry-After header's value when set
  bool garbage = false, hang = false;
};

// Aliyun's RPC percent-encoding (RFC 3986 unreserved kept, %XX upper case).
std::string AliyunEncode(const std::string& v) {
  std::string out;
  char b[4];
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out.push_back(static_cast<char>(c));
    else std::snprintf(b, sizeof b, "%%%02X", c), out += b;
  }
  return out;
}

std::string FormDecode(const std::string& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 2 < v.size()) {
      out.push_back(static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(v[i] == '+' ? ' ' : v[i]);
    }
  }
  return out;
}

// Checks an Aliyun RPC form body's Signature; fills `params` (decoded, without Signature).
bool AliyunSignatureOk(const std::string& body, std::map<std::string, std::string>& params) {
  for (size_t pos = 0; pos <= body.size();) {
    size_t amp = body.find('&', pos), eq = body.find('=', pos);
    if (amp == std::string::npos) amp = body.size();
    if (eq != std::string::npos && eq < amp) {
      params[FormDecode(body.substr(pos, eq - pos))] = FormDecode(body.substr(eq + 1, amp - eq - 1));
    }
    pos = amp + 1;
  }
  auto it = params.find("Signature");
  if (it == params.end()) return false;
  const std::string got = it->second;
  params.erase(it);
  std::string canonical;
  for (const auto& [k, v] : params) {
    canonical += (canonical.empty() ? "" : "&") + AliyunEncode(k) + "=" + AliyunEncode(v);
  }
  const std::string to_sign = "POST&%2F&" + AliyunEncode(canonical), key = g_config.aliyun_secret + "&";
  unsigned char mac[EVP_MAX_MD_SIZE], b64[64];
  unsigned len = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(to_sign.data()),
       to_sign.size(), mac, &len);
  const int n = EVP_EncodeBlock(b64, mac, static_cast<int>(len));
  return got == std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

Answer Handle(const http::request<http::string_body>& req) {
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  const std::string& body = req.body();
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  std::string sig = "none";
  if (!g_config.secret.empty() && req.find("X-Tagloop-Signature") != req.end()) {
    sig = std::string(req["X-Tagloop-Signature"]) == "sha256=" + Hmac(g_config.secret, body) ? "ok" : "bad";
  }
  std::string route = "other", key;
  if (path == "/hook" || path == "/coupon") {
    route = path.substr(1);
    key = std::string(req["Idempotency-Key"]);
  } else if (path == "/sms") {
    route = "sms";
    key = Field(j, "OutId");
    if (!g_config.aliyun_secret.empty()) {
      std::map<std::string, std::string> params;
      sig = AliyunSignatureOk(body, params) ? "ok" : "bad";
      key = params["OutId"];
    }
  } else if (path == "/cgi-bin/token") {
    route = "wechat_token";
  } else if (path == "/cgi-bin/message/template/send") {
    route = "wechat_send";
    key = Field(j, "client_msg_id");
  } else if (path == "/cgi-bin/webhook/send") {
    route = "wecom";
    key = Query(target, "key");
  }

  Answer a;
  const std::string action = route == "wechat_token" ? "" : MatchRule(body);
  if (action == "garbage") {
    a.garbage = true;
  } else if (action == "hang") {
    a.hang = true;
  } else if (!action.empty() && std::isdigit(static_cast<unsigned char>(action[0]))) {
    a.status = std::stoi(action);
    a.body = "{}";
    if (size_t ra = action.find("/retry-after="); ra != std::string::npos) a.retry_after = action.substr(ra + 13);
  } else if (route == "hook") {
    a.status = sig == "bad" ? 401 : 200;
    a.body = "{}";
  } else if (route == "coupon") {
    a.status = sig == "bad" ? 401 : 200;
    a.body = nlohmann::json{{"coupon_id", "c-" + key}}.dump();
  } else if (route == "sms") {
    std::string code = action.rfind("code:", 0) == 0 ? action.substr(5) : "OK";
    if (!g_config.aliyun_secret.empty() && sig == "bad") code = "SignatureDoesNotMatch";
    std::lock_guard lock(g_mu);
    a.body = nlohmann::json{{"Code", code}, {"BizId", "biz" + std::to_string(++g_serial)}, {"RequestId", "r"}}.dump();
  } else if (route == "wechat_token") {
    std::lock_guard lock(g_mu);
    if (Query(target, "appid") != g_config.appid || Query(target, "secret") != g_config.appsecret) {
      a.body = R"({"errcode":40125,"errmsg":"invalid appsecret"})";
    } else {
      g_token = "tok" + std::to_string(++g_token_serial);
      g_token_used = 0;
      a.body = nlohmann::json{{"access_token", g_token}, {"expires_in", 7200}}.dump();
    }
  } else if (route == "wechat_send") {
    std::lock_guard lock(g_mu);
    int errcode = 0;
    if (Query(target, "access_token") != g_token || g_token.empty()) {
      errcode = 40001;
    } else if (g_config.token_uses >= 0 && g_token_used >= g_config.token_uses) {
      errcode = 42001;
    } else if (action.rfind("errcode:", 0) == 0) {
      errcode = std::stoi(action.substr(8));
    }
    if (errcode == 0) ++g_token_used;
    a.body = nlohmann::json{{"errcode", errcode}, {"errmsg", errcode ? "error" : "ok"}, {"msgid", ++g_serial}}.dump();
  } else if (route == "wecom") {
    std::lock_guard lock(g_mu);
    auto& times = g_wecom[key];
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(times, [&](auto t) { return now - t > std::chrono::minutes(1); });
    int errcode = action.rfind("errcode:", 0) == 0 ? std::stoi(action.substr(8)) : 0;
    if (errcode == 0 && static_cast<int>(times.size()) >= g_config.wecom_per_minute) errcode = 130101;
    if (errcode == 0) times.push_back(now);
    a.body = nlohmann::json{{"errcode", errcode}, {"errmsg", errcode ? "error" : "ok"}}.dump();
  } else {
    a.status = 404;
  }
  Log(route, key, a.garbage ? -1 : a.hang ? -2 : a.status, sig, body);
  return a;
}

void Serve(tcp::socket sock) {
  beast::error_code ec;
  beast::flat_buffer buf;
  while (true) {
    http::request<http::string_body> req;
    http::read(sock, buf, req, ec);
    if (ec) break;
    Answer a = Handle(req);
    if (a.garbage) {
      boost::asio::write(sock, boost::asio::buffer(std::string("NOT HTTP AT ALL\r\n\r\n")), ec);
      break;
    }
    if (a.hang) {  // until the client gives up and closes
      char c;
      sock.read_some(boost::asio::buffer(&c, 1), ec);
      break;
    }
    http::response<http::string_body> res{static_cast<http::status>(a.status), req.version()};
    res.set(http::field::content_type, "application/json");
    if (!a.retry_after.empty()) res.set(http::field::retry_after, a.retry_after);
    res.keep_alive(req.keep_alive());
    res.body() = a.body;
    res.prepare_payload();
    http::write(sock, res, ec);
    if (ec || !req.keep_alive()) break;
  }
  sock.shutdown(tcp::socket::shutdown_both, ec);
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port-file") g_config.port_file = v;
    else if (k == "--log") g_config.log = v;
    else if (k == "--secret") g_config.secret = v;
    else if (k == "--appid") g_config.appid = v;
    else if (k == "--appsecret") g_config.appsecret = v;
    else if (k == "--aliyun-secret") g_config.aliyun_secret = v;
    else if (k == "--token-uses") g_config.token_uses = std::stol(v);
    else if (k == "--wecom-per-minute") g_config.wecom_per_minute = std::stoi(v);
    else if (k == "--rule") {
      // The last '=' splits MATCH from ACTION, but not the one of "/retry-after=N".
      const size_t ra = v.rfind("/retry-after=");
      size_t eq = v.rfind('=', ra == std::string::npos ? std::string::npos : ra);
      Rule r{v.substr(0, eq), v.substr(eq + 1)};
      size_t star = r.action.find('*');
      if (star != std::string::npos) r.remaining = std::stol(r.action.substr(star + 1)), r.action.resize(star);
      g_config.rules.push_back(r);
    } else {
      std::fprintf(stderr, "test_receiver: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  g_log = std::fopen(g_config.log.c_str(), "a");
  if (g_log == nullptr) return 1;
  boost::asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  {
    const std::string tmp = g_config.port_file + ".tmp";
    std::ofstream(tmp) << acceptor.local_endpoint().port() << "\n";
    std::rename(tmp.c_str(), g_config.port_file.c_str());
  }
  while (true) {
    tcp::socket sock(io);
    beast::error_code ec;
    acceptor.accept(sock, ec);
    if (ec) continue;
    sock.set_option(tcp::no_delay(true), ec);
    std::thread(Serve, std::move(sock)).detach();
  }
}
