// Find a tag: search the catalog in Chinese, open the tag's page, see its
// definition, distribution and users over time; the quality page shows the
// demo's failed check; an operator publishes a draft.
import { test } from "node:test";
import assert from "node:assert/strict";
import { digits, waitForCount } from "./helpers.mjs";

export default function catalog(env) {
  test("find a tag by a Chinese substring and open its page", async () => {
    const page = await env.signedIn("viewer");
    await page.getByTestId("nav-catalog").click();
    await page.getByTestId("catalog-table").waitFor();
    const all = digits(await page.getByTestId("catalog-total").innerText());
    const listed = await env.api("viewer", "GET", "/catalog/tags?limit=1");
    assert.equal(all, listed.total, "the catalog page shows the server's total");
    assert.ok(all >= 50, `the demo has 50+ published tags (${all})`);
    await env.shot(page, "catalog");

    await page.getByTestId("catalog-search").fill("近30天下单");
    const found = await env.api("viewer", "GET", "/catalog/tags?q=" + encodeURIComponent("近30天下单"));
    assert.deepEqual(found.tags.map((t) => t.name), ["orders_30d"]);
    assert.equal(await waitForCount(page, page.locator('[data-testid^="catalog-row-"]'), 1), 1);
    await page.getByTestId("catalog-row-orders_30d").click();
    await page.getByTestId("tag-page").waitFor();
    assert.match(await page.getByTestId("tag-title").innerText(), /近30天下单次数/);
    assert.match(await page.getByTestId("tag-query").innerText(), /SELECT/);
    await page.getByTestId("distribution-chart").waitFor();
    await page.getByTestId("tag-users-chart").waitFor();
    await env.shot(page, "tag-page");
    await page.context().close();
  });

  test("the quality page shows the failing check of the demo", async () => {
    const failed = await env.api("viewer", "GET", "/catalog/quality?failed=true");
    assert.ok(failed.checks.length > 0, "the demo has a failed quality check");
    const tag = failed.checks[0].tag;
    const page = await env.signedIn("operator");
    await page.getByTestId("nav-quality").click();
    await page.getByTestId("quality-failures").waitFor();
    await page.getByTestId("quality-failures").getByText(tag).first().waitFor();
    await env.shot(page, "quality");
    // And on the tag's own page, the failed check with its bound.
    await page.goto(`${env.url}/#/tags/${tag}?tab=quality`);
    await page.getByTestId("quality-checks").waitFor();
    const text = await page.getByTestId("quality-checks").innerText();
    assert.ok(text.includes(failed.checks[0].message), `the failed check's message is shown: ${failed.checks[0].message}`);
    assert.match(text, /未通过/);
    await page.context().close();
  });

  test("an operator publishes a draft tag; a viewer cannot", async () => {
    const drafts = await env.api("operator", "GET", "/catalog/tags?status=draft");
    assert.ok(drafts.tags.length > 0, "the demo keeps a draft");
    const name = drafts.tags[0].name;

    const viewer = await env.signedIn("viewer");
    await viewer.goto(`${env.url}/#/tags/${name}`);
    await viewer.getByRole("alert").or(viewer.getByTestId("tag-page")).first().waitFor();
    assert.equal(await viewer.getByTestId("tag-publish").count(), 0, "no publish button for a viewer");
    await viewer.context().close();

    const page = await env.signedIn("operator");
    await page.goto(`${env.url}/#/tags/${name}`);
    await page.getByTestId("tag-publish").click();
    await page.getByTestId("tag-offline").waitFor();
    const after = await env.api("operator", "GET", `/catalog/tags/${name}`);
    assert.equal(after.status, "published");
    await page.context().close();
  });
}
