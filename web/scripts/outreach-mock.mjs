// A static mock of the outreach routes for looking at the outreach pages
// without a server (until the routes land): serves web/dist and answers
// /api/v1 with canned data shaped as docs/outreach.md's API table says.
// `node scripts/outreach-mock.mjs [port]`, then sign in with any token.
// With --shot FILE it takes a screenshot of the campaign page with
// Debian's chromium (playwright-core) and exits. Node 18 compatible.
import { createServer } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const dist = resolve(dirname(fileURLToPath(import.meta.url)), "../dist");
const args = process.argv.slice(2);
const shotAt = args.indexOf("--shot");
const shot = shotAt >= 0 ? args[shotAt + 1] : undefined;
const lang = args.includes("--en") ? "en" : "zh-CN";
const hash = (args.find((a) => a.startsWith("#")) ?? "#/campaigns/c42");
const port = Number(args.find((a) => /^\d+$/.test(a)) ?? 0);

const now = Date.now();
const iso = (minutesAgo) => new Date(now - minutesAgo * 60000).toISOString();
let sent = 6120;
const campaign = () => ({
  id: "c42",
  name: "renew_nov",
  title: "11 月续租提醒",
  theme: "续租",
  class: "marketing",
  audience: { expr: "home_city = '上海' AND days_to_contract_end <= 30" },
  channel: "crm_webhook",
  content: { text: "{{name}} 您好，您的租约将于 {{contract_end}} 到期，续租享 9 折", link: "https://example.invalid/renew?u={{user_id}}" },
  control: { share: 0.1 },
  goal: { event: "order_paid", window_days: 7 },
  state: sent >= 11190 ? "done" : "running",
  funnel: { audience: 14230, control: 1423, suppressed: { global_control: 142, blacklist: 311, opt_out: 260, frequency_cap: 704, touched_recently: 200 }, planned: 11190, sent, failed: 23, pending: Math.max(0, 11190 - sent - 23 - 7), dead: 7 },
  progress: { planned: 11190, sent, failed: 23, dead: 7, rate_per_second: 96.4, started_at: iso(2) },
  segments: { treatment: "campaign_renew_nov_treatment", control: "campaign_renew_nov_control" },
  transitions: [
    { from: "draft", to: "pending_approval", by: "li.operator", at: iso(95), comment: "11 月到期客户" },
    { from: "pending_approval", to: "running", by: "wang.admin", at: iso(3), comment: "已核对过滤结果，同意" },
  ],
  created_by: "li.operator",
  created_at: iso(180),
  updated_at: iso(3),
});
const list = () => [
  { ...campaign(), funnel: undefined, audience: 14230, planned: 11190, sent },
  { id: "c41", name: "coupon_oct", title: "10 月老客回流券", theme: "回流", channel: "coupon_api", state: "done", audience: 52310, planned: 41020, sent: 40988, created_at: iso(60 * 24 * 20), updated_at: iso(60 * 24 * 18), created_by: "zhao.operator" },
  { id: "c43", name: "wechat_pickup", title: "取车提醒（服务通知）", theme: "履约", channel: "wx_service", state: "pending_approval", audience: 830, created_at: iso(50), updated_at: iso(40), created_by: "li.operator", submitted_by: "li.operator" },
  { id: "c44", name: "vip_dec", title: "12 月 VIP 专享", theme: "会员", channel: "sms_aliyun", state: "draft", audience: 3021, created_at: iso(30), updated_at: iso(10), created_by: "li.operator" },
  { id: "c40", name: "renew_oct", title: "10 月续租提醒", theme: "续租", channel: "crm_webhook", state: "rejected", audience: 12011, created_at: iso(60 * 24 * 40), updated_at: iso(60 * 24 * 39), created_by: "zhao.operator" },
];
const dead = Array.from({ length: 7 }, (_, i) => ({ user_id: "M10" + (2031 + i * 17), state: "dead", attempts: 5, message_id: "m" + (0x9a3f00 + i * 977).toString(16).padStart(24, "0"), error: i % 2 ? "HTTP 503 Service Unavailable" : "timeout after 10000 ms", at: iso(1) }));

function api(method, path, res) {
  const json = (status, body) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const p = path.split("?")[0];
  if (p === "/api/v1/me") return json(200, { name: "wang.admin", role: "admin", token_id: 1 });
  if (p === "/api/v1/campaigns" && method === "GET") return json(200, { campaigns: list() });
  if (p === "/api/v1/campaigns/c42") {
    if (sent < 11190) sent = Math.min(11160, sent + 190);
    return json(200, campaign());
  }
  if (p.startsWith("/api/v1/campaigns/c42/recipients")) return json(200, { recipients: path.includes("state=dead") ? dead : [] });
  if (p.endsWith("/effect")) return json(404, { error: { code: "not_found", message: "no such endpoint", reason: "no_such_endpoint" } });
  if (p.endsWith("/estimate")) return json(200, campaign().funnel);
  if (p.endsWith("/preview")) return json(200, { previews: [{ user_id: "M102031", content: { text: "张先生 您好，您的租约将于 2026-12-01 到期，续租享 9 折" } }] });
  if (p === "/api/v1/channels") return json(200, { channels: [
    { name: "crm_webhook", kind: "webhook", url: "https://crm.example.invalid/hook", rate_per_second: 100, concurrency: 4, secrets_set: ["secret"] },
    { name: "sms_aliyun", kind: "sms", url: "https://dysmsapi.aliyuncs.com", rate_per_second: 50, concurrency: 8, secrets_set: [] },
    { name: "wx_service", kind: "wechat_template", appid: "wx123", template_id: "T1", rate_per_second: 20, concurrency: 2, secrets_set: ["appsecret"] },
  ] });
  if (p === "/api/v1/outreach/policy") return json(200, { version: 3, updated_by: "wang.admin", updated_at: iso(60 * 24), blacklist: "SEGMENT('blacklist')", caps: [{ channels: ["*"], max: 2, days: 7 }], quiet_hours: { from: "21:00", to: "09:00", mode: "defer" }, opt_out: { sms_aliyun: "sms_opt_out" }, global_control: { share: 0.01 } });
  if (p === "/api/v1/segments/count") return json(200, { count: 14230, as_of: "2026-11-23" });
  if (p === "/api/v1/segments") return json(200, { segments: [{ name: "vip_30" }, { name: "blacklist" }] });
  if (p === "/api/v1/events/types") return json(200, { types: [{ name: "order_paid", title: { zh: "订单支付", en: "Order paid" } }] });
  return json(404, { error: { code: "not_found", message: `mock: no ${method} ${p}` } });
}

const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css" };
const server = createServer((req, res) => {
  if (req.url.startsWith("/api/")) return api(req.method, req.url, res);
  const file = join(dist, req.url === "/" ? "index.html" : req.url.split("?")[0]);
  if (!file.startsWith(dist) || !existsSync(file)) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, {
    "Content-Type": types[extname(file)] ?? "application/octet-stream",
    // The server's policy (src/server/web_assets.cc), so the mock shows what CSP allows.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
  });
  res.end(readFileSync(file));
});

server.listen(port, "127.0.0.1", async () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  console.log(`outreach mock on ${url}`);
  if (!shot) return;
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: lang })).newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(url + "/");
    await page.evaluate((l) => {
      sessionStorage.setItem("tagloop.token", "tl_mock");
      localStorage.setItem("tagloop.lang", l);
    }, lang);
    await page.goto(url + "/" + hash);
    await page.reload();
    await page.waitForTimeout(3500);
    await page.screenshot({ path: shot, fullPage: true });
    if (errors.length) console.log("page errors:\n" + errors.join("\n"));
  } finally {
    await browser.close();
    server.close();
  }
});
