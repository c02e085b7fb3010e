// The gateway simulator: one local HTTP/1.1 server (Boost.Beast, a thread
// per connection, keep-alive) that answers like the gateways outreach
// channels talk to. The outreach tests use it as their real gateway; `make
// demo` points the demo company's channels at it.
//
// Routes: /hook (webhook), /coupon (a coupon API: {"coupon_id"}),
// /sms (an Aliyun SendSms-style gateway: {"Code","BizId"}),
// /cgi-bin/token and /cgi-bin/message/template/send (WeChat Official
// Account), /cgi-bin/webhook/send (a WeCom group bot, --wecom-per-minute
// messages a minute per key, then errcode 130101).
//
// --log L records every request, one line each (fields separated by tabs):
//   <route> \t <key> \t <status> \t <signature> \t <body>
// key: the Idempotency-Key (webhook, coupon), client_msg_id (WeChat), OutId
// (SMS), "-" otherwise; signature: ok, bad or none (checked when --secret;
// for /sms when --aliyun-secret); status -1: garbage was answered, -2: no
// answer (hang).
//
// --aliyun-secret K: /sms takes Aliyun's signed RPC form (a form-encoded
// POST, `"signing": "aliyun_rpc"` of the sms channel) and checks its
// Signature (HMAC-SHA1 keyed "K&"); a bad one is answered Code
// SignatureDoesNotMatch.
//
// --rule MATCH=ACTION[*N]: for requests whose body contains MATCH (the
// first N of them; all without *N) answer with ACTION: an HTTP status
// (429, 500, 400, ...), optionally with a Retry-After header
// (`429/retry-after=2`, `503/retry-after=30`: seconds), `garbage` (bytes
// that are not HTTP, then close), `hang` (never answer), `errcode:NNN`
// (WeChat/WeCom), `code:TEXT` (SMS). Rules come before everything below.
//
// Realistic failures, each a hash of --seed and what the gateway keys on
// (so the same recipients fail in every run):
//   --fail-rate P       permanent: SMS `isv.MOBILE_NUMBER_ILLEGAL` for a
//                       share P of phone numbers, WeChat errcode 43004 (not
//                       subscribed) for a share P of openids
//   --transient-rate T  the first attempt of a share T of messages fails
//                       and its retry succeeds: SMS
//                       `isv.BUSINESS_LIMIT_CONTROL`, WeChat errcode -1
//                       (system busy), webhook and coupon HTTP 503 or 500
//
// Receipts (demo/gateway/receipts.h): with --events-url URL --token-file F
// (an operator token) accepted messages are reported to tagloop's POST
// /api/v1/events: message_delivered for --delivered-rate of them (default
// 0.95), message_clicked for --click-rate of the delivered (default 0.12),
// and with --convert EVENT:SHARE the goal event for a share of them. A
// receipt names the user and the campaign: the webhook and coupon bodies
// carry both (and the webhook the channel); SMS and WeChat requests carry
// neither, so they are read from a tracking link in the content (SMS
// TemplateParam values, the WeChat url and data values) with the query
// parameters `c` (campaign id) and `u` (user id), e.g.
// "https://t.example.cn/s?c={{campaign_id}}&u={{user_id}}". A message
// without them gets no receipt. WeCom bot messages go to staff groups, not
// users: no receipts. Times follow the process's clock, which TAGLOOP_NOW
// shifts as it shifts the server's (core/wall_clock.h).
// With --sms-report-url URL (a channel's receipts route, POST
// /api/v1/channels/{name}/receipts) SMS delivery is reported the way
// Aliyun's gateway pushes it instead: SmsReport entries by message id
// (OutId), delivered or bounced ("MK:0001"), for every SMS, tracking link
// or not.
//
//   tagloop_gateway_sim (--port-file F | --listen HOST:PORT) [--log L]
//       [--secret S] [--appid A --appsecret B] [--secret-file F] [--aliyun-secret K]
//       [--token-uses N] [--wecom-per-minute N] [--rule ...]... [--seed N]
//       [--fail-rate P] [--transient-rate T] [--events-url URL --token-file F
//       [--delivered-rate D] [--click-rate C] [--convert EVENT:SHARE]
//       [--sms-report-url URL]]
// --listen 127.0.0.1:0 (the default) picks a free port; the port is written
// to --port-file once listening (without one it is printed on stdout).
// --secret-file: the first line is both --secret and --appsecret, kept off
// the command line (ps shows it to everyone). Runs until SIGTERM or SIGINT,
// then posts the receipts still queued and exits 0.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>

#include <utility>  // before Boost.Asio: 1.74 uses std::exchange without it

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/wall_clock.h"
#include "receipts.h"

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using tagloop::demo::HashUnit;

namespace {

struct Rule {
  std::string match, action;
  long remaining = -1;  // -1: always
};

struct Config {
  std::string port_file, log, secret, appid = "wxapp", appsecret, aliyun_secret;
  std::string listen = "127.0.0.1:0";
  long token_uses = -1;  // sends per token before it expires (42001); -1: never
  int wecom_per_minute = 20;
  std::vector<Rule> rules;
  uint64_t seed = 1;
  double fail_rate = 0, transient_rate = 0;
};

Config g_config;
std::unique_ptr<tagloop::demo::ReceiptReporter> g_receipts;  // set before serving; null: no receipts
std::mutex g_mu;  // guards everything below
FILE* g_log = nullptr;
long g_token_serial = 0;
std::string g_token;
long g_token_used = 0;
long g_serial = 0;
std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> g_wecom;
std::set<std::string> g_failed_once;  // keys whose first attempt failed (--transient-rate)

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

// --transient-rate: true on the first attempt of a chosen key only.
bool FailsThisAttempt(const std::string& key) {
  if (key.empty() || HashUnit(g_config.seed, "transient", key) >= g_config.transient_rate) return false;
  std::lock_guard lock(g_mu);
  return g_failed_once.insert(key).second;
}

bool FailsForGood(const std::string& what) {
  return !what.empty() && HashUnit(g_config.seed, "permanent", what) < g_config.fail_rate;
}

void Log(const std::string& route, const std::string& key, int status, const std::string& sig,
         const std::string& body) {
  if (g_log == nullptr) return;
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

// The campaign and user of a tracking link ("...?c=CAMPAIGN&u=USER") among
// the strings of `content` (nested objects included).
void ReadTrackingLink(const nlohmann::json& content, tagloop::demo::AcceptedMessage* m) {
  if (content.is_string()) {
    const std::string s = content.get<std::string>();
    if (s.find('?') == std::string::npos) return;
    const std::string c = Query(s, "c"), u = Query(s, "u");
    if (!c.empty() && !u.empty()) m->campaign_id = c, m->user_id = u;
  } else if (content.is_object() || content.is_array()) {
    for (const auto& v : content) {
      if (!m->user_id.empty()) return;
      ReadTrackingLink(v, m);
    }
  }
}

// Aliyun's RPC percent-encoding (RFC 3986 unreserved kept, %XX upper case).
std::string AliyunEncode(const std::string& v) {
  std::string out;
  char b[4];
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      std::snprintf(b, sizeof b, "%%%02X", c);
      out += b;
    }
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

// Checks an Aliyun RPC form body's Signature (HMAC-SHA1 keyed
// "--aliyun-secret&" over POST&%2F&enc(sorted canonical query)); fills
// `params` (decoded, without Signature).
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

struct Answer {
  int status = 200;
  std::string body;
  int retry_after = -1;  // seconds; -1: no header
  bool garbage = false, hang = false;
};

// Receipts for an accepted message (see the header), when reporting.
void Accepted(const std::string& route, const std::string& key, const nlohmann::json& j, const std::string& coupon) {
  if (!g_receipts || route == "wecom") return;
  tagloop::demo::AcceptedMessage m;
  m.message_id = key;
  m.sent_ms = tagloop::WallClock::Default()->NowUnixMillis();
  if (route == "hook" || route == "coupon") {
    m.user_id = Field(j, "user_id"), m.campaign_id = Field(j, "campaign_id"), m.channel = Field(j, "channel");
    m.coupon_id = coupon;
  } else if (route == "sms") {
    m.sms = true;
    m.phone = Field(j, "PhoneNumbers");
    ReadTrackingLink(nlohmann::json::parse(Field(j, "TemplateParam"), nullptr, false), &m);
  } else if (route == "wechat_send") {
    ReadTrackingLink(j.is_object() ? j.value("url", nlohmann::json()) : nlohmann::json(), &m);
    if (m.user_id.empty() && j.is_object()) ReadTrackingLink(j.value("data", nlohmann::json()), &m);
  }
  g_receipts->Report(m);
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
    if (!g_config.aliyun_secret.empty()) {
      // Aliyun's signed RPC form: its parameters stand in for the JSON body.
      std::map<std::string, std::string> params;
      sig = AliyunSignatureOk(body, params) ? "ok" : "bad";
      j = nlohmann::json(params);
    }
    key = Field(j, "OutId");
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
  std::string action = route == "wechat_token" ? "" : MatchRule(body);
  if (action.empty() && route != "wecom" && route != "wechat_token" && FailsThisAttempt(key)) {
    if (route == "sms") action = "code:isv.BUSINESS_LIMIT_CONTROL";
    else if (route == "wechat_send") action = "errcode:-1";
    else action = HashUnit(g_config.seed, "5xx", key) < 0.5 ? "503" : "500";
  }
  if (action == "garbage") {
    a.garbage = true;
  } else if (action == "hang") {
    a.hang = true;
  } else if (!action.empty() && std::isdigit(static_cast<unsigned char>(action[0]))) {
    a.status = std::stoi(action);
    const size_t ra = action.find("/retry-after=");
    if (ra != std::string::npos) a.retry_after = std::stoi(action.substr(ra + 13));
    a.body = "{}";
  } else if (route == "hook") {
    a.status = sig == "bad" ? 401 : 200;
    a.body = "{}";
    if (a.status == 200) Accepted(route, key, j, "");
  } else if (route == "coupon") {
    a.status = sig == "bad" ? 401 : 200;
    a.body = nlohmann::json{{"coupon_id", "c-" + key}}.dump();
    if (a.status == 200) Accepted(route, key, j, "c-" + key);
  } else if (route == "sms") {
    std::string code = action.rfind("code:", 0) == 0 ? action.substr(5) : "OK";
    if (sig == "bad") code = "SignatureDoesNotMatch";
    if (code == "OK" && FailsForGood(Field(j, "PhoneNumbers"))) code = "isv.MOBILE_NUMBER_ILLEGAL";
    {
      std::lock_guard lock(g_mu);
      a.body = nlohmann::json{{"Code", code}, {"BizId", "biz" + std::to_string(++g_serial)}, {"RequestId", "r"}}.dump();
    }
    if (code == "OK") Accepted(route, key, j, "");
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
    int errcode = 0;
    {
      std::lock_guard lock(g_mu);
      if (Query(target, "access_token") != g_token || g_token.empty()) {
        errcode = 40001;
      } else if (g_config.token_uses >= 0 && g_token_used >= g_config.token_uses) {
        errcode = 42001;
      } else if (action.rfind("errcode:", 0) == 0) {
        errcode = std::stoi(action.substr(8));
      } else if (FailsForGood(Field(j, "touser"))) {
        errcode = 43004;
      }
      if (errcode == 0) ++g_token_used;
      a.body = nlohmann::json{{"errcode", errcode}, {"errmsg", errcode ? "error" : "ok"}, {"msgid", ++g_serial}}.dump();
    }
    if (errcode == 0) Accepted(route, key, j, "");
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
    if (a.retry_after >= 0) res.set(http::field::retry_after, std::to_string(a.retry_after));
    res.keep_alive(req.keep_alive());
    res.body() = a.body;
    res.prepare_payload();
    http::write(sock, res, ec);
    if (ec || !req.keep_alive()) break;
  }
  sock.shutdown(tcp::socket::shutdown_both, ec);
}

// MATCH=ACTION[*N], ACTION possibly "STATUS/retry-after=S" (see the header).
Rule ParseRule(std::string v) {
  Rule r;
  const size_t star = v.rfind('*');
  if (star != std::string::npos && star + 1 < v.size() &&
      v.find_first_not_of("0123456789", star + 1) == std::string::npos) {
    r.remaining = std::stol(v.substr(star + 1));
    v.resize(star);
  }
  std::string suffix;
  const size_t ra = v.rfind("/retry-after=");
  if (ra != std::string::npos) suffix = v.substr(ra), v.resize(ra);
  const size_t eq = v.rfind('=');
  if (eq == std::string::npos) throw std::invalid_argument("--rule needs MATCH=ACTION");
  r.match = v.substr(0, eq);
  r.action = v.substr(eq + 1) + suffix;
  if (!suffix.empty() && !std::isdigit(static_cast<unsigned char>(r.action[0]))) {
    throw std::invalid_argument("retry-after goes with an HTTP status (429/retry-after=2)");
  }
  return r;
}

double Share(const std::string& flag, const std::string& v) {
  const double d = std::stod(v);
  if (!(d >= 0 && d <= 1)) throw std::invalid_argument(flag + " must be between 0 and 1");
  return d;
}

// The options; throws std::invalid_argument naming the bad one.
tagloop::demo::ReceiptOptions ParseArgs(int argc, char** argv, std::string* token_file) {
  tagloop::demo::ReceiptOptions receipts;
  // Every option takes a value.
  if (argc % 2 == 0) throw std::invalid_argument(std::string("option ") + argv[argc - 1] + " needs a value");
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    try {
      if (k == "--port-file") g_config.port_file = v;
      else if (k == "--listen") g_config.listen = v;
      else if (k == "--log") g_config.log = v;
      else if (k == "--secret") g_config.secret = v;
      else if (k == "--appid") g_config.appid = v;
      else if (k == "--appsecret") g_config.appsecret = v;
      else if (k == "--aliyun-secret") g_config.aliyun_secret = v;
      else if (k == "--token-uses") g_config.token_uses = std::stol(v);
      else if (k == "--wecom-per-minute") g_config.wecom_per_minute = std::stoi(v);
      else if (k == "--rule") g_config.rules.push_back(ParseRule(v));
      else if (k == "--seed") g_config.seed = receipts.seed = std::stoull(v);
      else if (k == "--fail-rate") g_config.fail_rate = Share(k, v);
      else if (k == "--transient-rate") g_config.transient_rate = Share(k, v);
      else if (k == "--events-url") receipts.events_url = v;
      else if (k == "--sms-report-url") receipts.sms_report_url = v;
      else if (k == "--token-file") *token_file = v;
      else if (k == "--secret-file") {
        std::ifstream in(v);
        if (!std::getline(in, g_config.secret) || g_config.secret.empty()) throw std::invalid_argument("no secret in it");
        g_config.appsecret = g_config.secret;
      }
      else if (k == "--delivered-rate") receipts.delivered_share = Share(k, v);
      else if (k == "--click-rate") receipts.clicked_share = Share(k, v);
      else if (k == "--convert") {
        const size_t colon = v.rfind(':');
        if (colon == std::string::npos || colon == 0) throw std::invalid_argument("--convert needs EVENT:SHARE");
        receipts.goal_event = v.substr(0, colon);
        receipts.goal_share = Share(k, v.substr(colon + 1));
      } else {
        throw std::runtime_error("unknown option " + k);  // not rewrapped below
      }
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(k + " " + v + ": " + e.what());
    } catch (const std::out_of_range&) {
      throw std::invalid_argument(k + " " + v + ": out of range");
    }
  }
  if (receipts.events_url.empty() != token_file->empty()) {
    throw std::invalid_argument("--events-url and --token-file go together");
  }
  if (!receipts.sms_report_url.empty() && receipts.events_url.empty()) {
    throw std::invalid_argument("--sms-report-url needs --events-url and --token-file");
  }
  return receipts;
}

}  // namespace

int main(int argc, char** argv) {
  std::string token_file;
  tagloop::demo::ReceiptOptions receipts;
  tcp::endpoint endpoint;
  try {
    receipts = ParseArgs(argc, argv, &token_file);
    const size_t colon = g_config.listen.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("--listen needs HOST:PORT");
    endpoint = tcp::endpoint(boost::asio::ip::make_address(g_config.listen.substr(0, colon)),
                             static_cast<unsigned short>(std::stoi(g_config.listen.substr(colon + 1))));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gateway_sim: %s\n", e.what());
    return 2;
  }
  if (!g_config.log.empty() && (g_log = std::fopen(g_config.log.c_str(), "a")) == nullptr) {
    std::fprintf(stderr, "gateway_sim: cannot open the log %s\n", g_config.log.c_str());
    return 1;
  }
  // TAGLOOP_NOW's clock starts when first read: now, with the process, as
  // the server's does (receipts must not precede the server's sends).
  tagloop::WallClock::Default()->NowUnixMillis();
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    if (!(in >> receipts.token)) {
      std::fprintf(stderr, "gateway_sim: no token in %s\n", token_file.c_str());
      return 1;
    }
    g_receipts = std::make_unique<tagloop::demo::ReceiptReporter>(receipts);
  }
  // SIGTERM and SIGINT are taken by one thread (blocked in all the others,
  // which inherit this mask) so the queued receipts are posted before exit.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::thread([stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (g_receipts) g_receipts->Finish();
    std::_Exit(0);
  }).detach();

  boost::asio::io_context io;
  tcp::acceptor acceptor(io);
  beast::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::fprintf(stderr, "gateway_sim: cannot listen on %s: %s\n", g_config.listen.c_str(), ec.message().c_str());
    return 1;
  }
  if (g_config.port_file.empty()) {  // else the caller reads the port file
    std::printf("gateway_sim listening on %s:%u\n", endpoint.address().to_string().c_str(),
                acceptor.local_endpoint().port());
    std::fflush(stdout);
  } else {
    const std::string tmp = g_config.port_file + ".tmp";
    std::ofstream(tmp) << acceptor.local_endpoint().port() << "\n";
    std::rename(tmp.c_str(), g_config.port_file.c_str());
  }
  while (true) {
    tcp::socket sock(io);
    acceptor.accept(sock, ec);
    if (ec) continue;
    sock.set_option(tcp::no_delay(true), ec);
    std::thread(Serve, std::move(sock)).detach();
  }
}
