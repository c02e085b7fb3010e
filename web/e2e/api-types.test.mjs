// The UI's API types (web/src/api/schema.d.ts) are current with the one
// description of the REST API (src/server/openapi.json): the generator runs
// into a temporary file and the committed file must equal it.
//
// Environment (ctest): TAGLOOP_SOURCE_DIR (the checkout; default: this file's ../..).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const source = process.env.TAGLOOP_SOURCE_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), "../..");

test("web/src/api/schema.d.ts is generated from src/server/openapi.json", () => {
  const out = mkdtempSync(join(tmpdir(), "tagloop-api-types-"));
  try {
    const fresh = join(out, "schema.d.ts");
    execFileSync(process.execPath, [join(source, "web/scripts/gen-api.mjs"), fresh], { stdio: ["ignore", "ignore", "inherit"] });
    const committed = readFileSync(join(source, "web/src/api/schema.d.ts"), "utf8");
    assert.ok(committed === readFileSync(fresh, "utf8"),
      "web/src/api/schema.d.ts differs from what src/server/openapi.json generates: run npm run gen:api in web/");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
