// The expression builder's parser and printer (web/src/components/expression/lang.ts)
// against the segment language's golden cases (tests/segment/golden/*.slt):
// every query the builder can read is printed back, the printed text is
// printed the same again, and the C++ golden runner checks that the printed
// text selects exactly the expected users (segment_tests, GoldenTest.DirectoryFromEnvironment).
//
// Environment (ctest): TAGLOOP_SOURCE_DIR, TAGLOOP_SEGMENT_TESTS (the segment_tests binary).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";

const source = process.env.TAGLOOP_SOURCE_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const segmentTests = process.env.TAGLOOP_SEGMENT_TESTS ?? join(source, "build/release/tests/segment_tests");
const golden = join(source, "tests/segment/golden");

// Records of an .slt file: { header, expr, expected } (comments dropped).
function records(text) {
  const out = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
    if (lines.length === 0) continue;
    const sep = lines.indexOf("----");
    assert.ok(sep >= 1, `record without ---- in: ${block}`);
    out.push({ header: lines[0], expr: lines.slice(1, sep).join("\n"), expected: lines.slice(sep + 1).join("\n") });
  }
  return out;
}

// lang.ts has no imports: tsc turns it into one ES module in `dir` (marked
// as one for Node 18, which does not guess it from the syntax).
async function compileLang(dir) {
  execFileSync(join(source, "web/node_modules/.bin/tsc"),
    ["--outDir", dir, "--module", "esnext", "--target", "es2022", "--strict",
     "--skipLibCheck", join(source, "web/src/components/expression/lang.ts")], { stdio: "inherit" });
  writeFileSync(join(dir, "package.json"), '{"type": "module"}');
  return import(pathToFileURL(join(dir, "lang.js")).href);
}

test("the builder re-prints every golden query it can read, selecting the same users", async () => {
  const out = mkdtempSync(join(tmpdir(), "tagloop-lang-"));
  try {
    const lang = await compileLang(join(out, "js"));
    const slt = join(out, "slt");
    execFileSync("mkdir", ["-p", slt]);

    let queries = 0, printed = 0;
    const textOnly = [];
    for (const file of readdirSync(golden).filter((f) => f.endsWith(".slt")).sort()) {
      const kept = [];
      for (const r of records(readFileSync(join(golden, file), "utf8"))) {
        if (!r.header.startsWith("query")) continue;
        ++queries;
        let text;
        try {
          text = lang.printRoot(lang.parseRoot(r.expr));
        } catch (e) {
          if (!(e instanceof lang.ParseError)) throw e;
          textOnly.push(r.expr);  // the builder keeps such text as typed
          continue;
        }
        assert.equal(lang.printRoot(lang.parseRoot(text)), text, `printing is stable for ${r.expr}`);
        ++printed;
        kept.push(`${r.header}\n${text}\n----\n${r.expected}\n`);
      }
      if (kept.length) writeFileSync(join(slt, file), kept.join("\n"));
    }
    console.log(`builder: ${printed} of ${queries} golden queries read and re-printed; text only: ${textOnly.length}`);
    for (const e of textOnly) console.log(`  text only: ${e.replace(/\n/g, " ")}`);
    assert.ok(printed >= queries * 0.9, `the builder reads at least 90% of the golden queries (${printed}/${queries})`);

    execFileSync(segmentTests, ["--gtest_filter=GoldenTest.DirectoryFromEnvironment"], {
      env: { ...process.env, TAGLOOP_GOLDEN_DIR: slt },
      stdio: ["ignore", "inherit", "inherit"],
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// Numeric literals are compared exactly (SPEC "Numeric literals are compared
// exactly"): the builder keeps a number as written, never as a JavaScript
// float, whatever precision the tag holds (the golden queries of
// exact_numbers.slt check what such text selects).
test("the builder keeps numeric literals digit for digit", async () => {
  const out = mkdtempSync(join(tmpdir(), "tagloop-lang-"));
  try {
    const lang = await compileLang(out);
    for (const text of [
      "age > 30.5",
      "age = 30.0",
      "age BETWEEN 1.5 AND 4",
      "spend = 1.005",
      "spend != -0.001",
      "age IN (30.5, 31, 25.00)",
      "age NOT IN (-1.5)",
      "points > 9223372036854775807.5",
      "points < -9223372036854775808.5",
      "spend = 12.5000000000000000001",
    ]) {
      const root = lang.parseRoot(text);
      assert.equal(lang.printRoot(root), text);
      for (const v of root.items[0].values) assert.equal(v.kind, "num", `${text}: a number`);
      assert.ok(lang.complete(root.items[0]), `${text}: a complete condition`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// Random token soup (seeded): the parser either reads it or throws a
// ParseError with a position inside the text, never anything else, and what
// it reads prints stably.
test("the builder's parser survives random input", async () => {
  const out = mkdtempSync(join(tmpdir(), "tagloop-lang-"));
  try {
    const lang = await compileLang(out);
    const words = ["vip", "city", "age", "tag@2026-01-01", "AND", "OR", "NOT", "(", ")", "=", "!=", "<>", "<", ">=",
      "IN", "BETWEEN", "IS", "NULL", "CONTAINS", "ANY", "ALL", "SEGMENT", "('x')", "'上海'", "''", "'it''s'", "3",
      "-2.5", "TRUE", "false", "DAYS_AGO(7)", ",", "'", "@", "1e9", "\u0000", "\t"];
    let seed = 42;
    const rand = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    let read = 0;
    for (let i = 0; i < 20000; ++i) {
      const text = Array.from({ length: 1 + rand(12) }, () => words[rand(words.length)]).join(rand(3) ? " " : "");
      let printed;
      try {
        printed = lang.printRoot(lang.parseRoot(text));
      } catch (e) {
        assert.ok(e instanceof lang.ParseError, `${text}: ${e}`);
        assert.ok(e.position >= 0 && e.position <= text.length, `${text}: position ${e.position}`);
        continue;
      }
      ++read;
      assert.equal(lang.printRoot(lang.parseRoot(printed || "ALL")), printed || "ALL", `stable for ${text}`);
    }
    console.log(`random input: ${read} of 20000 read`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
