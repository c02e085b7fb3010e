// The web UI at scale (issue 7: "pages stay responsive with 10M users and
// 1,000 tags"): a node script, not a test; scripts/bench-ui.sh runs it.
//
//   node web/e2e/bench-ui.mjs setup   --data DIR [--tags 1000] [--date 2026-10-31]
//   node web/e2e/bench-ui.mjs measure --data DIR --out FILE [--runs 5] [--shots DIR]
//
// `setup` turns a store imported from the member table (bench/gen_users.cc)
// into a catalog of --tags published definitions: the store's tags as
// producer `import` with Chinese titles in a category tree of ~30 categories,
// and enough `external` tags (a few values pushed to each) to reach --tags;
// plus the saved segment `bench_1m` (~1M users) and the saved report
// `bench_ui_report` (2 dimensions) that `measure` opens.
//
// `measure` serves DIR (work on a copy: tokens, audit and usage are written),
// signs in with an admin token in Debian's chromium (flags as in harness.mjs)
// and times each page from the hash change to its main content on screen
// (the first animation frame after the page's data-testid holds its data):
// one warm-up and --runs timed runs each, median and max; the bytes of every
// network response and the API calls between the navigation and the network
// going quiet. The first insight call of the fresh server is timed apart
// (cold). A table on stdout and FILE (JSON).
//
// Environment: TAGLOOP_BINARY (default build/release/tagloop), CHROMIUM
// (default /usr/bin/chromium), TAGLOOP_SOURCE_DIR (web/dist is served).
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const source = process.env.TAGLOOP_SOURCE_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const binary = process.env.TAGLOOP_BINARY ?? join(source, "build/release/tagloop");

function parseArgs(argv) {
  const [cmd, ...rest] = argv;
  const opts = { cmd, runs: 5, tags: 1000, date: "2026-10-31" };
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i].replace(/^--/, "");
    if (rest[i + 1] === undefined) throw new Error(`bench-ui: ${rest[i]} needs a value`);
    opts[key] = rest[i + 1];
  }
  if (!["setup", "measure"].includes(cmd) || !opts.data) {
    throw new Error("usage: bench-ui.mjs setup|measure --data DIR [--out FILE] [--runs N] [--tags N]");
  }
  opts.runs = Number(opts.runs);
  opts.tags = Number(opts.tags);
  return opts;
}

// ---------------------------------------------------------------- server

function adminToken(data) {
  return execFileSync(binary, ["token", "create", "--data", data, "--role", "admin", "--name", "bench-ui"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"], // stderr: the "shown only once" notice
  }).trim();
}

function serve(data) {
  return new Promise((ok, fail) => {
    const t0 = Date.now();
    const child = spawn(
      binary,
      ["serve", "--data", data, "--listen", "127.0.0.1:0", "--web-root", join(source, "web/dist"), "--log-level", "warn", "--no-sync-events"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    const timer = setTimeout(() => fail(new Error("tagloop serve did not start in 120 s")), 120_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (\S+)/);
      if (m) {
        clearTimeout(timer);
        ok({ child, url: `http://${m[1]}`, startMs: Date.now() - t0 });
      }
    });
    child.on("exit", (code) => fail(new Error(`tagloop serve exited with ${code}`)));
  });
}

function apiClient(url, token) {
  return async function api(method, path, body) {
    const res = await fetch(url + "/api/v1" + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
}

// ---------------------------------------------------------------- setup

// The category tree: the demo company's (demo/categories.txt) plus external data.
const CATEGORIES = [
  ["基础属性", "Basics"], ["基础属性/人口属性", "Demographics"], ["基础属性/会员信息", "Membership"],
  ["基础属性/触达渠道", "Contact channels"], ["交易", "Transactions"], ["交易/订单", "Orders"],
  ["交易/消费", "Spend"], ["交易/会员价值", "Customer value"], ["行为", "Behaviour"],
  ["行为/租车习惯", "Rental habits"], ["行为/出行", "Travel"], ["行为/事件", "Event based"],
  ["偏好", "Preferences"], ["偏好/车型", "Car classes"], ["偏好/门店", "Stores"], ["偏好/优惠", "Discounts"],
  ["风险", "Risk"], ["风险/信用", "Credit"], ["风险/服务", "Service"], ["风险/名单", "Lists"],
  ["营销", "Marketing"], ["营销/优惠券", "Coupons"], ["营销/生命周期", "Lifecycle"], ["营销/触达", "Reach"],
  ["营销/模型", "Models"], ["外部数据", "External data"], ["外部数据/合作方", "Partners"],
  ["外部数据/第三方画像", "Third-party profiles"], ["外部数据/广告人群", "Ad audiences"], ["外部数据/保险", "Insurance"],
];

// The member table's tags (bench/member_model.cc), described as imports.
const IMPORT_TAGS = {
  is_vip: ["是否VIP会员", "VIP member", "交易/会员价值"],
  has_app: ["是否安装App", "Has the app", "基础属性/触达渠道"],
  wechat_bound: ["是否绑定微信", "WeChat bound", "基础属性/触达渠道"],
  sms_opt_in: ["是否接受短信营销", "SMS opt-in", "营销/触达"],
  is_blacklisted: ["是否黑名单", "Blacklisted", "风险/名单"],
  city: ["常驻城市", "Home city", "基础属性/人口属性"],
  gender: ["性别", "Gender", "基础属性/人口属性"],
  member_level: ["会员等级", "Member level", "基础属性/会员信息"],
  channel: ["注册渠道", "Sign-up channel", "基础属性/会员信息"],
  car_class_pref: ["偏好车型", "Preferred car class", "偏好/车型"],
  payment_method: ["常用支付方式", "Payment method", "交易/消费"],
  interests: ["出行兴趣", "Travel interests", "行为/出行"],
  used_car_classes: ["租过的车型", "Car classes rented", "偏好/车型"],
  coupon_types: ["偏好优惠券类型", "Coupon types used", "营销/优惠券"],
  age: ["年龄", "Age", "基础属性/人口属性"],
  orders_total: ["累计订单数", "Orders (total)", "交易/订单"],
  rent_days_total: ["累计租车天数", "Rental days (total)", "行为/租车习惯"],
  credit_score: ["信用分", "Credit score", "风险/信用"],
  spend_total: ["累计消费金额", "Spend (total)", "交易/消费"],
  avg_order_amount: ["平均订单金额", "Average order amount", "交易/消费"],
  register_date: ["注册日期", "Registration date", "基础属性/会员信息"],
  last_order_date: ["最近下单日期", "Last order date", "交易/订单"],
  birthday: ["生日", "Birthday", "基础属性/人口属性"],
  last_login_date: ["最近登录日期", "Last login date", "行为/事件"],
};

// External tags: topics from partner systems, numbered per source.
const SOURCES = ["携程", "高德", "支付宝", "银联", "航司", "酒店集团", "保险公司", "运营商"];
const TOPICS = [
  { key: "partner_credit_grade", zh: "合作方信用评级", en: "Partner credit grade", type: "enum", cat: "风险/信用", values: ["A", "B", "C", "D"] },
  { key: "travel_intent", zh: "出行意向", en: "Travel intent", type: "bool", cat: "外部数据/合作方" },
  { key: "ad_audience", zh: "广告人群包", en: "Ad audience", type: "bool", cat: "外部数据/广告人群" },
  { key: "income_band", zh: "收入区间", en: "Income band", type: "enum", cat: "外部数据/第三方画像", values: ["<5k", "5k-10k", "10k-20k", "20k+"] },
  { key: "insurance_score", zh: "保险风险分", en: "Insurance risk score", type: "int", cat: "外部数据/保险" },
  { key: "churn_score", zh: "流失概率模型分", en: "Churn model score", type: "decimal:2", cat: "营销/模型" },
  { key: "last_seen", zh: "合作方最近活跃日期", en: "Last seen at partner", type: "date", cat: "外部数据/合作方" },
  { key: "trip_types", zh: "出行场景", en: "Trip types", type: "set", cat: "行为/出行", values: ["business", "family", "airport", "holiday"] },
  { key: "store_affinity", zh: "门店偏好指数", en: "Store affinity", type: "int", cat: "偏好/门店" },
  { key: "discount_sensitivity", zh: "优惠敏感度", en: "Discount sensitivity", type: "enum", cat: "偏好/优惠", values: ["高", "中", "低"] },
  { key: "complaint_risk", zh: "投诉风险", en: "Complaint risk", type: "bool", cat: "风险/服务" },
  { key: "lifecycle_stage", zh: "生命周期阶段（外部）", en: "Lifecycle stage (external)", type: "enum", cat: "营销/生命周期", values: ["新客", "成长", "成熟", "沉睡", "流失"] },
];

function externalTags(n) {
  const out = [];
  for (let i = 0; out.length < n; i++) {
    const topic = TOPICS[i % TOPICS.length];
    const round = Math.floor(i / TOPICS.length);
    const src = SOURCES[round % SOURCES.length];
    const num = String(round + 1).padStart(3, "0");
    out.push({
      name: `ext_${topic.key}_${num}`,
      topic,
      def: {
        type: topic.type,
        title: { zh: `${topic.zh}·${src}${num}`, en: `${topic.en} (${src} ${num})` },
        description: `${src}每周推送的${topic.zh}（第${num}批合作数据）。`,
        owner: "partner-team",
        category: topic.cat,
        producer: { kind: "external" },
      },
    });
  }
  return out;
}

function pushValue(topic, k) {
  switch (topic.type) {
    case "bool": return k % 2 === 0;
    case "enum": return topic.values[k % topic.values.length];
    case "set": return [topic.values[k % topic.values.length], topic.values[(k + 1) % topic.values.length]];
    case "int": return 300 + 97 * k;
    case "decimal:2": return `0.${String(10 + 17 * k).slice(-2)}`;
    case "date": return `2026-10-${String(10 + k).padStart(2, "0")}`;
  }
  throw new Error("type " + topic.type);
}

async function setup(opts) {
  const t0 = Date.now();
  const token = adminToken(opts.data);
  const { child, url } = await serve(opts.data);
  const api = apiClient(url, token);
  try {
    // Categories with English titles (parents first).
    const ids = new Map();
    const existing = await api("GET", "/catalog/categories");
    const walk = (cs) => cs.forEach((c) => (ids.set(c.path, c.id), walk(c.children)));
    walk(existing.categories);
    for (const [path, en] of CATEGORIES) {
      if (ids.has(path)) continue;
      const slash = path.lastIndexOf("/");
      const body = { name: path.slice(slash + 1), title_en: en };
      if (slash > 0) body.parent_id = ids.get(path.slice(0, slash));
      const c = await api("POST", "/catalog/categories", body);
      ids.set(path, c.id);
    }
    // The store's tags, described as imports.
    const store = await api("GET", "/tags");
    const storeTags = store.tags.map((t) => t);
    const defs = [];
    for (const t of storeTags) {
      const [zh, en, cat] = IMPORT_TAGS[t.name] ?? [t.name, t.name, "基础属性"];
      defs.push({
        name: t.name,
        def: { type: t.type, title: { zh, en }, description: `会员表每日导入的${zh}。`, owner: "data-team", category: cat, producer: { kind: "import" } },
      });
    }
    const ext = externalTags(Math.max(0, opts.tags - defs.length));
    for (const e of ext) defs.push(e);
    let n = 0;
    for (const d of defs) {
      await api("PUT", "/catalog/tags/" + encodeURIComponent(d.name), d.def);
      await api("POST", `/catalog/tags/${encodeURIComponent(d.name)}/publish`).catch((e) => {
        if (!/409/.test(e.message)) throw e; // already published
      });
      if (++n % 100 === 0) console.log(`bench-ui setup: ${n}/${defs.length} definitions (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
    // A few pushed values per external tag, for real members.
    const known = await api("POST", "/segments/query", { expr: "ALL", limit: 1000 });
    const users = known.ids ?? known.users ?? known.items;
    if (!Array.isArray(users) || users.length < 10) throw new Error("segments/query answered no ids: " + JSON.stringify(known).slice(0, 200));
    const tPush = Date.now();
    n = 0;
    for (const e of ext) {
      const set = [];
      for (let k = 0; k < 5; k++) set.push({ user: users[(n * 7 + k * 13) % users.length], value: pushValue(e.topic, k) });
      await api("POST", `/catalog/tags/${encodeURIComponent(e.name)}/values`, { set, date: opts.date });
      if (++n % 100 === 0) console.log(`bench-ui setup: ${n}/${ext.length} pushes (${((Date.now() - tPush) / n).toFixed(0)} ms each)`);
    }
    // The saved segment of ~1M users and the saved report the pages open.
    const seg = await pickMillionSegment(api, opts.date);
    await api("PUT", "/segments/bench_1m", { expr: seg.expr });
    await api("PUT", "/reports/bench_ui_report", {
      definition: {
        title: "城市 × 年龄段（全部会员）",
        base: "ALL",
        dimensions: [{ tag: "city", limit: 10 }, { tag: "age", edges: [18, 25, 30, 40, 50, 60] }],
        measures: [{ kind: "users" }, { kind: "avg", tag: "spend_total" }],
        as_of: opts.date,
      },
    });
    console.log(`bench-ui setup: ${defs.length} tags (${storeTags.length} with imported data, ${ext.length} external), ` +
      `${CATEGORIES.length} categories, segment bench_1m = ${seg.expr} (${seg.count} users) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

// One member level, one channel or the biggest cities: whichever is closest
// to 1M users (a tenth of the universe when it is smaller).
async function pickMillionSegment(api, date) {
  const universe = (await api("POST", "/segments/count", { expr: "ALL", as_of: date })).count;
  const target = Math.min(1e6, universe / 10);
  const candidates = [];
  const dist = async (tag) => (await api("GET", `/tags/${tag}/distribution?as_of=${date}`)).values ?? [];
  for (const v of await dist("member_level")) if (v.value !== null) candidates.push({ expr: `member_level = '${v.value}'`, count: v.users });
  for (const v of await dist("channel")) if (v.value !== null) candidates.push({ expr: `channel = '${v.value}'`, count: v.users });
  const cities = (await dist("city")).filter((v) => v.value !== null);
  let acc = 0;
  const picked = [];
  for (const v of cities) {
    picked.push(`'${v.value}'`);
    acc += v.users;
    candidates.push({ expr: `city IN (${picked.join(", ")})`, count: acc });
  }
  candidates.sort((a, b) => Math.abs(a.count - target) - Math.abs(b.count - target));
  const best = candidates[0];
  const c = await api("POST", "/segments/count", { expr: best.expr, as_of: date });
  return { expr: best.expr, count: c.count };
}

// ---------------------------------------------------------------- measure

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// In the page: run `action` (a hash to go to, or a function body), then wait
// until `pred` (a function body returning a truthy value) holds and one more
// animation frame has passed (the content is painted); answers the elapsed ms.
async function timeInPage(page, { hash, action, pred, timeoutMs = 60_000 }) {
  return page.evaluate(
    async ({ hash, action, pred, timeoutMs }) => {
      const check = new Function(pred);
      const t0 = performance.now();
      if (hash !== undefined) window.location.hash = hash;
      else new Function(action)();
      return await new Promise((ok, fail) => {
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          obs.disconnect();
          clearInterval(iv);
          requestAnimationFrame(() => ok(performance.now() - t0));
        };
        const test = () => {
          if (done) return;
          let r = false;
          try {
            r = check();
          } catch {
            r = false;
          }
          if (r) finish();
          else if (performance.now() - t0 > timeoutMs) {
            done = true;
            obs.disconnect();
            clearInterval(iv);
            fail(new Error("timed out waiting for: " + pred));
          }
        };
        const obs = new MutationObserver(test);
        obs.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
        const iv = setInterval(test, 4);
        test();
      });
    },
    { hash, action, pred, timeoutMs },
  );
}

// Network accounting through the DevTools protocol: every request of the
// page with its encoded bytes (headers + body as received).
async function networkLog(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const reqs = new Map();
  cdp.on("Network.requestWillBeSent", (e) => reqs.set(e.requestId, { url: e.request.url, method: e.request.method, done: false, bytes: 0 }));
  cdp.on("Network.loadingFinished", (e) => {
    const r = reqs.get(e.requestId);
    if (r) Object.assign(r, { done: true, bytes: e.encodedDataLength });
  });
  cdp.on("Network.loadingFailed", (e) => {
    const r = reqs.get(e.requestId);
    if (r) Object.assign(r, { done: true, failed: true });
  });
  return {
    mark: () => new Set(reqs.keys()),
    // The requests made since `before`, once none is in flight for quietMs.
    async since(before, quietMs = 400, limitMs = 30_000) {
      const t0 = Date.now();
      let quietSince = Date.now();
      for (;;) {
        const open = [...reqs.entries()].filter(([id, r]) => !before.has(id) && !r.done);
        if (open.length) quietSince = Date.now();
        if (Date.now() - quietSince >= quietMs || Date.now() - t0 > limitMs) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      return [...reqs.entries()].filter(([id]) => !before.has(id)).map(([, r]) => r);
    },
  };
}

const q = (s) => JSON.stringify(s);
const testid = (id) => `document.querySelector('[data-testid=${q(id)}]')`;

// The scenarios: how to get there and what "main content shown" means.
function scenarios(ctx) {
  const { segExpr, typedExpr, typedCount, insightTags, searchText, searchTotal, searchFirst, tagName } = ctx;
  const insightHash = `#/insight?segment=bench_1m&as_of=${ctx.date}&tags=${insightTags.join(",")}`;
  const insightPred = `return ${testid("insight-size")}?.textContent.match(/\\d/) && ${q(insightTags)}.every((t) => document.querySelector('[data-testid="insight-dist-chart-' + t + '"] canvas')) && !document.querySelector('.insight-page .stale');`;
  return [
    {
      key: "catalog",
      label: "catalog (first page + category tree)",
      hash: "#/catalog",
      pred: `return ${testid("catalog-table")} && ${testid("category-tree")} && document.querySelectorAll('[data-testid^="catalog-row-"]').length > 0 && !${testid("catalog-table")}.closest('.dim');`,
    },
    {
      key: "catalog_search",
      label: `catalog search "${searchText}" (incl. 300 ms debounce)`,
      before: { hash: "#/catalog", pred: `return ${testid("catalog-table")} && !${testid("catalog-table")}.closest('.dim');` },
      action: `const el = document.querySelector('[data-testid="catalog-search"]');
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(el, ${q(searchText)});
        el.dispatchEvent(new Event("input", { bubbles: true }));`,
      pred: `return window.location.hash.includes("q=") && document.querySelector('[data-testid="catalog-row-' + ${q(searchFirst)} + '"]') && ${testid("catalog-total")}?.textContent.replace(/[^0-9]/g, "") === ${q(String(searchTotal))} && !${testid("catalog-table")}.closest('.dim');`,
      debounceMs: 300,
    },
    {
      key: "tag_page",
      label: `tag page ${tagName} (overview + distribution chart)`,
      hash: `#/tags/${tagName}`,
      pred: `return document.querySelector('[data-testid="distribution-chart"] canvas') && document.querySelector('[data-testid="tag-users-chart"] canvas') && ${testid("distribution-stats")};`,
    },
    {
      key: "segment_count",
      label: "segment builder: live count of #/segments?expr=",
      hash: `#/segments?expr=${encodeURIComponent(segExpr)}&as_of=${ctx.date}`,
      pred: `const c = ${testid("segment-count")}; return c && /\\d/.test(c.textContent) && !c.classList.contains("pending") && ${testid("segment-count-elapsed")};`,
    },
    {
      key: "segment_typing",
      label: "segment builder: edit the text -> count (incl. 300 ms debounce)",
      before: {
        hash: `#/segments?expr=${encodeURIComponent(segExpr)}&as_of=${ctx.date}`,
        pred: `const c = ${testid("segment-count")}; return c && /\\d/.test(c.textContent) && !c.classList.contains("pending");`,
      },
      action: `const el = document.querySelector('[data-testid="segment-expr-text"]');
        Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(el, ${q(typedExpr)});
        el.dispatchEvent(new Event("input", { bubbles: true }));`,
      pred: `const c = ${testid("segment-count")}; return c && c.textContent.replace(/[^0-9]/g, "") === ${q(String(typedCount))} && !c.classList.contains("pending");`,
      debounceMs: 300,
    },
    { key: "insight", label: `insight: distribution of 5 tags, segment of ${ctx.segCount.toLocaleString("en")} users`, hash: insightHash, pred: insightPred },
    {
      key: "report",
      label: `report run (city x age, 2 measures, all ${ctx.users.toLocaleString("en")} users)`,
      hash: "#/reports/bench_ui_report",
      pred: `return ${testid("report-result-table")} && document.querySelectorAll('[data-testid^="report-result-cell-"]').length > 0;`,
    },
    {
      key: "quality",
      label: "quality page (first page of tags with runs and checks)",
      hash: "#/quality",
      pred: `return ${testid("quality-page")} && document.querySelectorAll('[data-testid^="quality-row-"]').length > 0;`,
    },
    {
      key: "admin",
      label: "admin page (tokens)",
      hash: "#/admin",
      pred: `return ${testid("tokens-table")} && document.querySelectorAll('[data-testid^="token-row-"]').length > 0;`,
    },
  ];
}

const BLANK = { hash: "#/bench-blank", pred: "return document.querySelector('.shell') && !document.querySelector('[data-testid=catalog-table], [data-testid=tag-page], [data-testid=segment-count], [data-testid=insight-target], [data-testid=quality-page], [data-testid=admin-page], .report-result');" };

async function runOnce(page, net, s) {
  await timeInPage(page, BLANK);
  if (s.before) await timeInPage(page, s.before);
  await new Promise((r) => setTimeout(r, 50));
  await page.evaluate(() => {
    performance.setResourceTimingBufferSize(2000);
    performance.clearResourceTimings();
  });
  const before = net.mark();
  const ms = await timeInPage(page, s.hash ? { hash: s.hash, pred: s.pred } : { action: s.action, pred: s.pred });
  const reqs = await net.since(before);
  // How long each API call took, as the browser saw it (Resource Timing).
  const timings = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .filter((e) => new URL(e.name).pathname.startsWith("/api/"))
      .map((e) => ({ url: new URL(e.name).pathname + new URL(e.name).search, start_ms: e.startTime, ms: e.responseEnd - e.startTime })),
  );
  const slowest = timings.reduce((m, t) => (t.ms > (m?.ms ?? -1) ? t : m), null);
  const api = reqs.filter((r) => new URL(r.url).pathname.startsWith("/api/"));
  const biggest = reqs.reduce((m, r) => (r.bytes > (m?.bytes ?? -1) ? r : m), null);
  return {
    ms,
    bytes: reqs.reduce((sum, r) => sum + r.bytes, 0),
    api_bytes: api.reduce((sum, r) => sum + r.bytes, 0),
    requests: reqs.length,
    api_calls: api.length,
    biggest: biggest ? { url: new URL(biggest.url).pathname + new URL(biggest.url).search, bytes: biggest.bytes } : null,
    calls: api.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search} ${r.bytes}`),
    slowest_call: slowest,
    call_ms: timings,
  };
}

async function measure(opts) {
  const token = adminToken(opts.data);
  const { child, url, startMs } = await serve(opts.data);
  const api = apiClient(url, token);
  let browser;
  try {
    const version = await api("GET", "/version");
    const catalogTotal = (await api("GET", "/catalog/tags?limit=1&include_offline=true")).total;
    const segExpr1m = (await api("GET", "/segments/bench_1m")).expr;
    const searchText = "信用评级";
    const search = await api("GET", `/catalog/tags?q=${encodeURIComponent(searchText)}&include_offline=true&limit=50`);
    const segExpr = "city IN ('上海', '北京', '深圳') AND member_level IN ('金卡', '白金', '钻石') AND age BETWEEN 25 AND 45 AND NOT is_blacklisted";
    const typedExpr = "(city IN ('上海', '北京') OR interests CONTAINS ANY ('self_drive_tour')) AND spend_total >= 5000 AND last_order_date >= '2026-05-01' AND NOT is_blacklisted";
    const ctx = {
      date: opts.date,
      users: version.store?.users ?? 0,
      segExpr,
      typedExpr,
      typedCount: undefined, // counted after the cold insight run, which must come first
      segCount: 0,
      insightTags: ["member_level", "age", "spend_total", "interests", "channel"],
      searchText,
      searchTotal: search.total,
      searchFirst: search.tags[0].name,
      tagName: "city",
    };
    console.log(`bench-ui: ${version.store?.users?.toLocaleString("en")} users, ${catalogTotal} catalog tags; serve started in ${startMs} ms; ` +
      `bench_1m = ${segExpr1m}; search "${searchText}" -> ${search.total} tags`);

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "zh-CN" });
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
    const net = await networkLog(page);

    // Sign in (harness.mjs), timing the first load of the app.
    const before = net.mark();
    const tLoad = Date.now();
    await page.goto(url + "/");
    await page.getByTestId("login-token").waitFor();
    const appLoadMs = Date.now() - tLoad;
    const appReqs = await net.since(before);
    await page.getByTestId("login-token").fill(token);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("who").waitFor();
    await timeInPage(page, { hash: "#/catalog", pred: `return ${testid("catalog-table")};` });

    const results = [];
    // Cold: the fresh server's first insight distribution (lazy version opens);
    // no count or distribution has run before it.
    const insight = scenarios(ctx).find((s) => s.key === "insight");
    // Its code chunk is loaded first (the insight page without a segment
    // makes no insight call), so the figure is the server's first answer.
    await timeInPage(page, { hash: "#/insight", pred: `return ${testid("insight-target")};` });
    const cold = await runOnce(page, net, insight);
    console.log(`  cold insight: ${cold.ms.toFixed(0)} ms (slowest call ${cold.slowest_call?.ms.toFixed(0)} ms ${cold.slowest_call?.url})`);
    ctx.segCount = (await api("POST", "/segments/count", { expr: segExpr1m, as_of: opts.date })).count;
    ctx.typedCount = (await api("POST", "/segments/count", { expr: typedExpr, as_of: opts.date })).count;
    for (const s of scenarios(ctx)) {
      const warmup = await runOnce(page, net, s);
      const runs = [];
      for (let i = 0; i < opts.runs; i++) runs.push(await runOnce(page, net, s));
      const ms = runs.map((r) => r.ms);
      const r = {
        key: s.key,
        page: s.label,
        median_ms: median(ms),
        max_ms: Math.max(...ms),
        runs_ms: ms,
        warmup_ms: warmup.ms,
        debounce_ms: s.debounceMs ?? 0,
        // Bytes and calls of the warm-up (first visit: the page's code chunk
        // is downloaded then) and of a timed run (code cached).
        first_visit_kb: warmup.bytes / 1024,
        kb: median(runs.map((x) => x.bytes)) / 1024,
        api_kb: median(runs.map((x) => x.api_bytes)) / 1024,
        api_calls: median(runs.map((x) => x.api_calls)),
        first_visit_api_calls: warmup.api_calls,
        slowest_call_ms: median(runs.map((x) => x.slowest_call?.ms ?? 0)),
        slowest_call: runs[0].slowest_call?.url ?? null,
        biggest: runs[0].biggest,
        calls: runs[0].calls,
      };
      if (s.key === "insight") r.cold_ms = cold.ms;
      results.push(r);
      console.log(`  ${s.key}: median ${r.median_ms.toFixed(0)} ms, max ${r.max_ms.toFixed(0)} ms, ${r.kb.toFixed(1)} KB, ${r.api_calls} API calls`);
      if (opts.shots) {
        mkdirSync(opts.shots, { recursive: true });
        await page.screenshot({ path: join(opts.shots, `${s.key}.png`), fullPage: true });
      }
    }

    // The table.
    const pad = (s, n) => String(s).padEnd(n);
    const lpad = (s, n) => String(s).padStart(n);
    const w = Math.max(...results.map((r) => r.page.length), 10) + 2;
    console.log(`\n=== web UI: ${version.store?.users?.toLocaleString("en")} users, ${catalogTotal} tags (median / max of ${opts.runs} after 1 warm-up) ===`);
    console.log(pad("page", w) + lpad("median ms", 10) + lpad("max ms", 9) + lpad("KB", 9) + lpad("API calls", 10) + lpad("slowest", 9) + "  slowest call / largest response");
    const short = (u) => (u && u.length > 60 ? u.slice(0, 57) + "..." : u);
    for (const r of results) {
      console.log(pad(r.page, w) + lpad(r.median_ms.toFixed(0), 10) + lpad(r.max_ms.toFixed(0), 9) + lpad(r.kb.toFixed(1), 9) +
        lpad(r.api_calls, 10) + lpad(r.slowest_call_ms.toFixed(0) + " ms", 9) + `  ${short(r.slowest_call) ?? "-"} / ${r.biggest ? (r.biggest.bytes / 1024).toFixed(1) + " KB" : "-"}`);
    }
    console.log(pad("insight, cold (first call of the server)", w) + lpad(cold.ms.toFixed(0), 10) + lpad("", 9) + lpad((cold.bytes / 1024).toFixed(1), 9) +
      lpad(cold.api_calls, 10) + lpad((cold.slowest_call?.ms ?? 0).toFixed(0) + " ms", 9) + `  ${short(cold.slowest_call?.url) ?? "-"}`);
    console.log(pad("app first load (login page, no cache)", w) + lpad(appLoadMs, 10) + lpad("", 9) + lpad((appReqs.reduce((s, r) => s + r.bytes, 0) / 1024).toFixed(1), 9));
    const slow = results.filter((r) => r.median_ms - r.debounce_ms >= 1000 || r.max_ms - r.debounce_ms >= 1000);
    console.log(slow.length ? `over 1 s: ${slow.map((r) => r.key).join(", ")}` : "target met: every page's main content in under 1 s (debounce excluded)");

    const out = {
      users: version.store?.users,
      catalog_tags: catalogTotal,
      runs: opts.runs,
      serve_start_ms: startMs,
      app_first_load: { ms: appLoadMs, kb: appReqs.reduce((s, r) => s + r.bytes, 0) / 1024, requests: appReqs.length },
      insight_cold: { ms: cold.ms, kb: cold.bytes / 1024, api_calls: cold.api_calls, slowest_call: cold.slowest_call, calls: cold.calls },
      context: ctx,
      pages: results,
      target_ms: 1000,
      target_met: slow.length === 0,
      measured_at: new Date().toISOString(),
    };
    if (opts.out) writeFileSync(opts.out, JSON.stringify(out, null, 2) + "\n");
    return slow.length === 0 ? 0 : 1;
  } finally {
    await browser?.close().catch(() => {});
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

const opts = parseArgs(process.argv.slice(2));
const code = opts.cmd === "setup" ? (await setup(opts), 0) : await measure(opts);
process.exit(code);
