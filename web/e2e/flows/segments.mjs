// Build a nested segment with the mouse, see the live count equal the
// server's count of the same condition, open its insight.
import { test } from "node:test";
import assert from "node:assert/strict";
import { digits, pickTag, waitForNumber } from "./helpers.mjs";

const expected = "home_city IN ('上海', '北京') AND (orders_total >= 3 OR is_new_member)";

export default function segments(env) {
  test("a nested AND/OR segment built with the mouse counts what the API counts", async () => {
    const { count } = await env.api("analyst", "POST", "/segments/count", { expr: expected });
    assert.ok(count > 0, "the demo has users for the test segment");

    const page = await env.signedIn("analyst");
    await page.getByTestId("nav-segments").click();
    const root = "segment-expr-root";
    await page.getByTestId(root).waitFor();
    if ((await page.getByTestId(root + "-item-0").count()) === 0) await page.getByTestId(root + "-add-cond").click();

    // home_city IN ('上海', '北京')
    const city = root + "-item-0";
    await pickTag(page, city + "-tag", "home_city");
    await page.getByTestId(city + "-op").selectOption("IN");
    await page.getByTestId(city + "-values-open").click();
    for (const v of ["上海", "北京"]) await page.getByTestId(city + "-value-option").filter({ hasText: new RegExp(`^${v}`) }).first().click();
    await page.getByTestId(city + "-values-open").click();

    // AND (orders_total >= 3 OR is_new_member)
    await page.getByTestId(root + "-add-group").click();
    const group = page.locator(`[data-testid^="segment-expr-group-"][data-testid$="-or"]`).first();
    const gid = (await group.getAttribute("data-testid")).replace(/-or$/, "");
    if ((await page.getByTestId(gid + "-item-0").count()) === 0) await page.getByTestId(gid + "-add-cond").click();
    await pickTag(page, gid + "-item-0-tag", "orders_total");
    await page.getByTestId(gid + "-item-0-op").selectOption(">=");
    await page.getByTestId(gid + "-item-0-value-0").fill("3");
    await page.getByTestId(gid + "-add-cond").click();
    await pickTag(page, gid + "-item-1-tag", "is_new_member");

    const shown = await waitForNumber(page, "segment-count", count);
    assert.equal(shown, count, `live count ${shown} != API count ${count}`);
    const text = await page.getByTestId("segment-expr-text").inputValue();
    const again = await env.api("analyst", "POST", "/segments/count", { expr: text });
    assert.equal(again.count, count, `the builder's text '${text}' counts the same`);
    await env.shot(page, "segment-builder");

    // Editing the text updates the builder's count too.
    await page.getByTestId("segment-expr-text").fill("home_city = '上海'");
    const shanghai = await env.api("analyst", "POST", "/segments/count", { expr: "home_city = '上海'" });
    assert.equal(await waitForNumber(page, "segment-count", shanghai.count), shanghai.count);

    // Insight of the segment: its size and a distribution with TGI.
    await page.getByTestId("segment-expr-text").fill(text);
    await waitForNumber(page, "segment-count", count);
    await page.getByTestId("segment-open-insight").click();
    assert.equal(await waitForNumber(page, "insight-size", count), count);
    await page.goto(`${env.url}/#/insight?expr=${encodeURIComponent(text)}&tags=member_level,preferred_car_class`);
    await page.getByTestId("insight-dist-member_level").waitFor();
    await page.getByTestId("insight-dist-chart-member_level").waitFor();
    const rows = await page.locator('[data-testid^="insight-dist-row-member_level-"]').count();
    const dist = await env.api("analyst", "POST", "/insight/distribution", { expr: text, tags: ["member_level"] });
    assert.equal(rows, dist.tags[0].values.length + (dist.tags[0].none ? 1 : 0) || rows, "one row per value");
    await env.shot(page, "insight-distribution");
    await page.goto(`${env.url}/#/insight?expr=${encodeURIComponent(text)}&tab=characterize`);
    await page.getByTestId("char-over-table").waitFor();
    await env.shot(page, "insight-characterize");
    await page.context().close();
  });

  test("a segment saved with a description keeps it, and the list shows its count", async () => {
    const name = "e2e_described";
    const description = "上海会员，用于 e2e 说明测试";
    const page = await env.signedIn("analyst");
    await page.goto(`${env.url}/#/segments`);
    await page.getByTestId("segment-expr-text").fill("home_city = '上海'");
    await page.getByTestId("segment-name").fill(name);
    await page.getByTestId("segment-description").fill(description);
    await page.getByTestId("segment-save").click();
    await page.getByTestId("segment-title").filter({ hasText: name }).waitFor();

    const saved = await env.api("analyst", "GET", `/segments/${name}`);
    assert.equal(saved.description, description);
    // The editor pre-fills it, the header and the list show it.
    assert.equal(await page.getByTestId("segment-description").inputValue(), description);
    assert.equal(await page.getByTestId("segment-title-desc").innerText(), description);
    assert.equal(await page.getByTestId("segment-desc-" + name).innerText(), description);

    // The list's count is GET /segments?with_counts=true as of the page's date.
    const asOf = await page.getByTestId("segment-asof").inputValue();
    const listed = await env.api("analyst", "GET", `/segments?with_counts=true&as_of=${asOf}`);
    const mine = listed.segments.find((s) => s.name === name);
    assert.ok(mine && typeof mine.count === "number" && mine.count > 0, `with_counts counts ${name}`);
    assert.equal(await waitForNumber(page, "segment-count-" + name, mine.count), mine.count);
    await page.context().close();
  });

  test("an invalid expression shows the server's message, in Chinese with the original", async () => {
    const page = await env.signedIn("analyst");
    await page.goto(`${env.url}/#/segments`);
    await page.getByTestId("segment-expr-text").fill("home_city = ");
    await page.getByTestId("segment-expr-error").waitFor();
    const text = await page.getByTestId("segment-expr-error").innerText();
    assert.match(text, /此处应为取值/);
    assert.match(text, /expected a value .* at position 12, found end of input/);
    await page.getByTestId("segment-expr-text").fill("home_ctiy = '上海'");
    await page.getByTestId("segment-expr-error").filter({ hasText: "home_ctiy" }).waitFor();
    assert.match(await page.getByTestId("segment-expr-error").innerText(), /未知标签「home_ctiy」，是不是「home_city」？/);
    await page.getByTestId("lang-switch").click();
    await page.getByTestId("segment-expr-error").filter({ hasText: "unknown tag" }).waitFor();
    assert.doesNotMatch(await page.getByTestId("segment-expr-error").innerText(), /未知标签/);
    await page.getByTestId("lang-switch").click();
    await page.context().close();
  });
}
