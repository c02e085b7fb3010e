// Every machine-readable error reason the server can send
// (src/core/error_reason.h) has a Chinese translation in
// web/src/i18n/serverMessages.ts, and translations use the arguments the
// registry documents (no "undefined" in the text).
//
// Environment (ctest): TAGLOOP_SOURCE_DIR.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

const source = process.env.TAGLOOP_SOURCE_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), "../..");

// X(kName, "name", "arg, arg?") entries of the registry.
function registry() {
  const text = readFileSync(join(source, "src/core/error_reason.h"), "utf8");
  const out = [];
  for (const m of text.matchAll(/X\(k\w+, "([a-z_]*)", "([^"]*)"\)/g)) {
    if (m[1] === "") continue;
    const args = m[2].split(",").map((a) => a.trim()).filter((a) => a !== "");
    out.push({ reason: m[1], args: args.map((a) => a.replace(/\?$/, "")) });
  }
  return out;
}

test("every registered reason is translated, with its arguments", async () => {
  const reasons = registry();
  assert.ok(reasons.length > 20, `read ${reasons.length} reasons`);
  const dir = mkdtempSync(join(tmpdir(), "tagloop-reasons-"));
  try {
    execFileSync(join(source, "web/node_modules/.bin/tsc"),
      ["--outDir", dir, "--target", "ES2022", "--module", "ES2022", "--moduleResolution", "bundler",
       "--skipLibCheck", "--lib", "ES2022,DOM", join(source, "web/src/i18n/serverMessages.ts")], { stdio: "inherit" });
    writeFileSync(join(dir, "package.json"), '{"type": "module"}');
    // Bundler-style imports ("../api/client") need their extension in node.
    const emitted = join(dir, "i18n/serverMessages.js");
    writeFileSync(emitted, readFileSync(emitted, "utf8").replace(/from "(\.\.?\/[^"]+)"/g, 'from "$1.js"'));
    const m = await import(pathToFileURL(join(dir, "i18n/serverMessages.js")).href);
    const { ApiError } = await import(pathToFileURL(join(dir, "api/client.js")).href);
    for (const { reason, args } of reasons) {
      const values = Object.fromEntries(args.map((a) => [a, `<${a}>`]));
      const error = new ApiError(400, "invalid_argument", "English", { reason, args: values });
      const zh = m.localizeServerError("zh-CN", error);
      assert.ok(zh, `no Chinese text for reason '${reason}'`);
      assert.doesNotMatch(zh, /undefined/, `reason '${reason}': ${zh}`);
      assert.equal(m.localizeServerError("en", error), null, "English shows the server's own message");
    }
    // An error without a reason (or not from the server) is shown as it is.
    assert.equal(m.localizeServerError("zh-CN", new Error("boom")), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
