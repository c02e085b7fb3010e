// An operator's day: run a tag now from its page and see the run succeed,
// backfill two dates, try to take offline a tag others depend on (the
// dependents are named), export a segment with a personal tag masked for
// an analyst, compare two saved segments.
import { test } from "node:test";
import assert from "node:assert/strict";

// Polls the API until `done(answer)` or the timeout.
async function until(env, role, path, done, timeout = 30_000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await env.api(role, "GET", path);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last;
}

export default function operations(env) {
  test("run a SQL tag now and backfill two dates from its page", async () => {
    const before = (await env.api("operator", "GET", "/catalog/tags/orders_30d/runs?limit=1")).runs[0]?.id ?? 0;
    const page = await env.signedIn("operator");
    await page.goto(`${env.url}/#/tags/orders_30d?tab=runs`);
    await page.getByTestId("run-now").click();
    await page.getByTestId("run-submit").click();
    await page.getByTestId("run-queued").waitFor();
    const runs = await until(env, "operator", "/catalog/tags/orders_30d/runs?limit=5",
      (a) => a.runs[0].id > before && ["succeeded", "failed", "rejected"].includes(a.runs[0].state));
    assert.equal(runs.runs[0].state, "succeeded", JSON.stringify(runs.runs[0]));
    assert.equal(runs.runs[0].trigger, "manual");
    await page.getByTestId(`run-row-${runs.runs[0].id}`).waitFor();

    await page.getByTestId("run-backfill").click();
    const first = runs.runs[0].biz_date;
    const d = new Date(first + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() - 1);
    const prev = d.toISOString().slice(0, 10);
    await page.getByTestId("backfill-from").fill(prev);
    await page.getByTestId("backfill-to").fill(first);
    await page.getByTestId("run-submit").click();
    await page.getByTestId("run-queued").waitFor();
    const after = await until(env, "operator", "/catalog/tags/orders_30d/runs?limit=5",
      (a) => a.runs.filter((r) => r.trigger === "backfill" && r.id > runs.runs[0].id && r.state === "succeeded").length === 2);
    assert.equal(after.runs.filter((r) => r.trigger === "backfill" && r.id > runs.runs[0].id).length, 2, JSON.stringify(after.runs));
    await env.shot(page, "tag-runs");
    await page.context().close();
  });

  test("taking offline a tag that composite tags read names them", async () => {
    const usage = await env.api("operator", "GET", "/catalog/tags/high_value_member/usage");
    const readers = usage.lineage.composite_tags ?? [];
    assert.ok(readers.length > 0, "a composite tag of the demo reads high_value_member");
    const page = await env.signedIn("operator");
    await page.goto(`${env.url}/#/tags/high_value_member`);
    await page.getByTestId("tag-offline").click();
    await page.getByTestId("tag-offline-confirm").click();
    await page.getByTestId("offline-blocked").waitFor();
    const text = await page.getByTestId("offline-blocked").innerText();
    for (const r of readers) assert.ok(text.includes(typeof r === "string" ? r : r.name), `${text} names ${JSON.stringify(r)}`);
    assert.equal(await page.getByTestId("tag-offline-force").count(), 0, "only admins may force");
    assert.equal((await env.api("operator", "GET", "/catalog/tags/high_value_member")).status, "published");
    await page.context().close();
  });

  test("an analyst exports a segment: personal tags masked, the file matches the count", async () => {
    const page = await env.signedIn("analyst");
    const expr = "home_city = '上海'";
    const { count } = await env.api("analyst", "POST", "/segments/count", { expr });
    await page.goto(`${env.url}/#/segments?expr=${encodeURIComponent(expr)}`);
    await page.getByTestId("segment-export").click();
    for (const tag of ["member_level", "phone_tail"]) {
      await page.getByTestId("export-columns-add-input").fill(tag);
      await page.getByTestId("export-columns-add-option-" + tag).click();
    }
    const download = page.waitForEvent("download");
    await page.getByTestId("export-run").click();
    const file = await download;
    const text = await (await file.createReadStream()).toArray().then((c) => Buffer.concat(c).toString("utf8"));
    const lines = text.trim().split(/\r?\n/);
    assert.equal(lines[0], "user_id,member_level,phone_tail");
    assert.equal(lines.length - 1, count, "one row per member of the segment");
    assert.ok(lines.slice(1).every((l) => l.endsWith(",***")), "phone_tail is masked for an analyst");
    await page.getByTestId("export-masked").waitFor();
    await page.context().close();
  });

  test("compare two saved segments: the overlap matches the API", async () => {
    const { segments } = await env.api("analyst", "GET", "/segments");
    const [a, b] = segments.filter((s) => s.kind === "dynamic").map((s) => s.name);
    const overlap = await env.api("analyst", "POST", "/insight/overlap", { segments: [{ segment: a }, { segment: b }] });
    const page = await env.signedIn("analyst");
    await page.goto(`${env.url}/#/insight?segment=${encodeURIComponent(a)}&tab=overlap&compare=${encodeURIComponent(b)}`);
    await page.getByTestId("overlap-union").waitFor();
    const union = Number((await page.getByTestId("overlap-union").innerText()).replace(/[^\d]/g, ""));
    assert.equal(union, overlap.union_users);
    await page.getByTestId("overlap-heatmap").waitFor();
    await env.shot(page, "insight-overlap");
    await page.context().close();
  });

  test("the users who entered a segment between two dates are saved as a list segment from the diff", async () => {
    const versions = (await env.api("analyst", "GET", "/catalog/tags/orders_30d")).data_versions.map((v) => v.biz_date ?? v.date);
    const from = versions[0], to = versions[versions.length - 1];
    const segment = "高价值流失预警";
    const diff = await env.api("analyst", "POST", "/insight/diff", { segment, from, to });
    assert.ok(diff.entered > 0, `users entered ${segment} between ${from} and ${to}`);
    const page = await env.signedIn("analyst");
    await page.goto(`${env.url}/#/insight?segment=${encodeURIComponent(segment)}&tab=diff`);
    await page.getByTestId("diff-from").fill(from);
    await page.getByTestId("diff-to").fill(to);
    await page.getByTestId("diff-with-ids").check();
    await page.getByTestId("diff-entered-ids-name").fill("e2e_entered");
    await page.getByTestId("diff-entered-ids-save").click();
    await page.getByTestId("diff-entered-ids-saved").waitFor();
    const saved = await env.api("analyst", "GET", "/segments/e2e_entered/count");
    assert.equal(saved.count, diff.entered);
    await env.shot(page, "insight-diff");
    await page.context().close();
  });
}
