// End-to-end harness: a real `tagloop serve` on a small demo company
// (scripts/demo-setup.sh), one token per role, and Debian's chromium driven
// headless by playwright-core. Screenshots of the pages go to
// $E2E_WORK/screenshots (kept as test artifacts).
//
// Environment (set by ctest, tests/CMakeLists.txt):
//   TAGLOOP_BINARY      the tagloop executable
//   TAGLOOP_SOURCE_DIR  the source tree (scripts/, web/dist)
//   E2E_WORK            a folder for the demo data and the artifacts
//   E2E_MEMBERS         demo size (default 2000)
//   E2E_DATA            an existing data folder to copy instead of running demo-setup.sh
import { spawn, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { chromium } from "playwright-core";

const source = process.env.TAGLOOP_SOURCE_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const binary = process.env.TAGLOOP_BINARY ?? join(source, "build/release/tagloop");
const work = process.env.E2E_WORK ?? join(source, "build/e2e");
export const screenshots = join(work, "screenshots");

// The demo company, set up once per build folder (demo-setup.sh skips work
// already done), then copied so every run starts from the same state.
function prepareData() {
  const members = process.env.E2E_MEMBERS ?? "2000";
  let data = process.env.E2E_DATA;
  if (!data) {
    const out = join(work, `demo-${members}`);
    execFileSync(join(source, "scripts/demo-setup.sh"), ["--members", members, "--out", out], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, TAGLOOP_BINARY: binary },
    });
    data = join(out, "data");
  }
  // The demo's SQL source is the company's database next to the data folder.
  const copy = mkdtempSync(join(tmpdir(), "tagloop-e2e-"));
  cpSync(data, join(copy, "data"), { recursive: true });
  const company = join(dirname(data), "company");
  if (existsSync(company)) cpSync(company, join(copy, "company"), { recursive: true });
  return copy;
}

function token(data, role) {
  return execFileSync(binary, ["token", "create", "--data", data, "--role", role, "--name", `e2e-${role}`], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
}

function serve(data) {
  return new Promise((ok, fail) => {
    const child = spawn(
      binary,
      ["serve", "--data", data, "--listen", "127.0.0.1:0", "--web-root", join(source, "web/dist"), "--log-level", "warn", "--no-sync-events"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    const timer = setTimeout(() => fail(new Error("tagloop serve did not start in 60 s")), 60_000);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/listening on (\S+)/);
      if (m) {
        clearTimeout(timer);
        ok({ child, url: `http://${m[1]}` });
      }
    });
    child.on("exit", (code) => fail(new Error(`tagloop serve exited with ${code}`)));
  });
}

// Starts everything; `close()` stops it. `api(role, method, path, body)` calls the server directly.
export async function start() {
  mkdirSync(screenshots, { recursive: true });
  const dir = prepareData();
  const data = join(dir, "data");
  const tokens = Object.fromEntries(["viewer", "analyst", "operator", "admin"].map((r) => [r, token(data, r)]));
  const { child, url } = await serve(data);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--lang=zh-CN",
    ],
  });
  async function api(role, method, path, body) {
    const res = await fetch(url + "/api/v1" + path, {
      method,
      headers: { Authorization: `Bearer ${tokens[role]}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
  // A signed-in page (zh-CN unless lang is given) for `role`.
  async function signedIn(role, lang = "zh-CN") {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: lang });
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
    await page.goto(url + "/");
    if (lang === "en") await page.evaluate(() => localStorage.setItem("tagloop.lang", "en"));
    await page.reload();
    await page.getByTestId("login-token").fill(tokens[role]);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("who").waitFor();
    return page;
  }
  async function shot(page, name) {
    await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  }
  async function close() {
    await browser.close().catch(() => {});
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
  return { url, tokens, api, browser, signedIn, shot, close, dataDir: data };
}
