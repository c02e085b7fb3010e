// The outreach pages' texts (web/src/i18n/{zh-CN,en}/outreach.ts) without a
// server: both languages have the same keys with the same {placeholders};
// every key the pages name literally exists; the key families the pages
// build at run time (states, suppression reasons, channel kinds, actions,
// channel fields; journeys' step types, re-entry modes and counts) are
// complete for what api/outreach.ts and api/journeys.ts list; the outreach
// error reasons have Chinese texts without "undefined"; and the journey
// graph helpers (edges, rename, remove, a server field to its step) hold.
//
// Runs on Node 18 and 20: `node --test web/e2e/outreach-i18n.test.mjs`
// (or `npm run test:outreach` in web/). Environment: TAGLOOP_SOURCE_DIR (optional).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

const source = process.env.TAGLOOP_SOURCE_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const web = join(source, "web");

// Compiles the given TypeScript files to ES modules in a temporary folder
// (bundler-style relative imports get their .js extension for node).
function compile(files) {
  const dir = mkdtempSync(join(tmpdir(), "tagloop-outreach-i18n-"));
  execFileSync(join(web, "node_modules/.bin/tsc"),
    ["--outDir", dir, "--rootDir", join(web, "src"), "--target", "ES2022", "--module", "ES2022", "--moduleResolution", "bundler",
     "--skipLibCheck", "--lib", "ES2022,DOM", ...files.map((f) => join(web, "src", f))], { stdio: "inherit" });
  writeFileSync(join(dir, "package.json"), '{"type": "module"}');
  const fix = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) fix(p);
      else if (p.endsWith(".js")) writeFileSync(p, readFileSync(p, "utf8").replace(/from "(\.\.?\/[^"]+?)(\.js)?"/g, 'from "$1.js"'));
    }
  };
  fix(dir);
  return dir;
}

const params = (text) => new Set([...text.matchAll(/(?<!\{)\{(\w+)\}(?!\})/g)].map((m) => m[1]));

let dir;
let zh, en, api, journeys, server;

test("compile the catalogs and the API module", async () => {
  dir = compile(["i18n/zh-CN/outreach.ts", "i18n/en/outreach.ts", "api/outreach.ts", "api/journeys.ts", "i18n/serverMessages.ts"]);
  zh = (await import(pathToFileURL(join(dir, "i18n/zh-CN/outreach.js")).href)).default;
  en = (await import(pathToFileURL(join(dir, "i18n/en/outreach.js")).href)).default;
  api = await import(pathToFileURL(join(dir, "api/outreach.js")).href);
  journeys = await import(pathToFileURL(join(dir, "api/journeys.js")).href);
  server = await import(pathToFileURL(join(dir, "i18n/serverMessages.js")).href);
  assert.ok(Object.keys(zh).length > 100, `read ${Object.keys(zh).length} Chinese texts`);
});

test("both languages have the same keys, non-empty, with the same placeholders", () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
  for (const [k, v] of Object.entries(zh)) {
    assert.ok(typeof v === "string" && v.trim() !== "", `zh-CN ${k} is empty`);
    assert.ok(typeof en[k] === "string" && en[k].trim() !== "", `en ${k} is empty`);
    assert.deepEqual([...params(en[k])].sort(), [...params(v)].sort(), `placeholders of ${k}`);
  }
  // The Chinese catalog is Chinese: a text without any CJK character is a leftover (ids and names excepted).
  const latinOk = /^outreach\.(kind\.webhook|field\.(appid|appsecret|access_key_id|access_key_secret))$/;
  for (const [k, v] of Object.entries(zh)) if (!latinOk.test(k)) assert.match(v, /[\u3000-\u9fff\uff00-\uffef]/, `zh-CN ${k} is not Chinese: ${v}`);
});

test("every key the outreach pages name exists in both languages", () => {
  const pages = join(web, "src/pages/outreach");
  const used = new Set();
  for (const f of readdirSync(pages).filter((f) => f.endsWith(".tsx") || f.endsWith(".ts"))) {
    const text = readFileSync(join(pages, f), "utf8");
    for (const m of text.matchAll(/"((?:outreach|nav)\.[A-Za-z0-9_.]+)"/g)) if (!m[1].endsWith(".")) used.add(m[1]);
  }
  const registry = readFileSync(join(web, "src/pages/registry.tsx"), "utf8");
  for (const m of registry.matchAll(/nav: "(nav\.(?:campaigns|journeys|approvals|outreachPolicy|channels))"/g)) used.add(m[1]);
  assert.ok(used.size > 100, `found ${used.size} keys in the pages`);
  for (const k of used) {
    if (k.startsWith("nav.") && !(k in zh)) continue; // the shell's own nav keys live in common.ts
    assert.ok(k in zh, `zh-CN lacks ${k}`);
    assert.ok(k in en, `en lacks ${k}`);
  }
  for (const k of ["nav.campaigns", "nav.journeys", "nav.approvals", "nav.outreachPolicy", "nav.channels"]) assert.ok(k in zh && k in en, k);
});

test("the key families built at run time are complete", () => {
  const families = {
    "outreach.state.": api.campaignStates,
    "outreach.reason.": api.suppressionReasons,
    "outreach.kind.": api.channelKinds,
    "outreach.action.": ["submit", "approve", "reject", "pause", "resume", "cancel"],
    "outreach.class.": ["marketing", "transactional"],
    // Journeys (issue 16): step types, re-entry modes, the counts on the canvas and the entry node.
    "outreach.journey.type.": journeys.stepTypes,
    "outreach.journey.reentry.": journeys.reentryModes,
    "outreach.journey.count.": ["entered", "inside", "sent", "converted", "exited"],
    "outreach.journey.total.": ["entered", "inside", "converted", "control"],
    "outreach.journey.entryKind.": ["schedule", "event"],
    "outreach.field.": [
      ...new Set([
        ...Object.values(api.channelFields).flat(),
        ...Object.values(api.channelSecrets).flat(),
        "address", "rate_per_second", "concurrency", "max_attempts", "timeout_ms",
      ]),
    ],
  };
  for (const [prefix, names] of Object.entries(families)) {
    assert.ok(names.length > 0, prefix);
    for (const n of names) {
      assert.ok(prefix + n in zh, `zh-CN lacks ${prefix + n}`);
      assert.ok(prefix + n in en, `en lacks ${prefix + n}`);
    }
  }
});

test("the outreach error reasons have Chinese texts, English keeps the server's", async () => {
  const clientJs = join(dir, "api/client.js");
  assert.ok(existsSync(clientJs));
  {
    const { ApiError } = await import(pathToFileURL(clientJs).href);
    const cases = {
      campaign_state: { state: "running", action: "approve" },
      self_approval: {},
      unknown_channel: { channel: "smss", suggestion: "sms" },
      channel_in_use: { channel: "sms", campaign: "renew_nov" },
      unknown_content_field: { field: "nmae", suggestion: "name" },
    };
    for (const [reason, args] of Object.entries(cases)) {
      const e = new ApiError(409, "failed_precondition", "English", { reason, args });
      const text = server.localizeServerError("zh-CN", e);
      assert.ok(text, `no Chinese text for ${reason}`);
      assert.doesNotMatch(text, /undefined/, `${reason}: ${text}`);
      assert.equal(server.localizeServerError("en", e), null);
    }
    assert.match(server.localizeServerError("zh-CN", new ApiError(409, "x", "E", { reason: "campaign_state", args: { state: "running", action: "approve" } })), /发送中.*批准/);
  }
});

test("the {{field}} helper finds placeholders in nested content", () => {
  assert.deepEqual(api.placeholders({ a: "hi {{ name }}", b: [{ c: "{{user_id}} {{name}}" }], n: 3 }), ["name", "user_id"]);
  assert.equal(api.toMs("2026-11-23T10:00:00+08:00"), Date.UTC(2026, 10, 23, 2));
  assert.equal(api.toMs(5), 5);
  assert.equal(api.toMs(""), undefined);
});

test("the journey graph helpers follow every slot and rename and remove through them", () => {
  const def = {
    name: "j",
    entry: { event: "order_cancelled" },
    steps: [
      { name: "coupon", type: "send", channel: "c", content: {}, next: "wait_pay" },
      { name: "wait_pay", type: "wait_event", event: "order_paid", timeout: "2d", next: "end", timeout_next: "sms" },
      { name: "sms", type: "send", channel: "s", content: {}, next: "split" },
      { name: "split", type: "split", paths: [{ name: "a", share: 0.5, next: "end" }, { name: "b", share: 0.5, control: true }] },
      { name: "end", type: "exit" },
    ],
  };
  assert.deepEqual(journeys.edgesOf(def).map((e) => `${e.from}.${e.slot}>${e.to}`), [
    "coupon.next>wait_pay", "wait_pay.next>end", "wait_pay.timeout_next>sms", "sms.next>split", "split.paths.0>end",
  ]);
  const renamed = journeys.renameStep(def, "end", "done");
  assert.deepEqual(journeys.edgesOf(renamed).filter((e) => e.to === "done").map((e) => e.from), ["wait_pay", "split"]);
  const removed = journeys.removeStep(def, "sms");
  assert.equal(removed.steps.find((s) => s.name === "wait_pay").timeout_next, undefined);
  assert.equal(journeys.stepOfField(def, "steps[2].next"), "sms");
  assert.equal(journeys.stepOfField(def, "entry.event"), undefined);
  assert.equal(journeys.freshName(def, "sms"), "sms_2");
  assert.equal(journeys.stepSegment("cancel_rescue", "coupon"), "campaign_cancel_rescue_coupon");
  // A record read back is cut to the definition's keys (the server refuses unknown ones).
  assert.deepEqual(Object.keys(journeys.definitionOf({ ...def, id: "7", state: "running", transitions: [] })).sort(), ["entry", "name", "steps"]);
});

test("clean up", () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
