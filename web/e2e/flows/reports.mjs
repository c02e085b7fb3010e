// Build a report with the mouse, run it, drill into a cell: its users are
// the count of the cell's segment; open its insight; save it as a segment.
import { test } from "node:test";
import assert from "node:assert/strict";
import { digits, pickTag, waitForNumber } from "./helpers.mjs";

const metricQuery = "SELECT count(*) FROM orders o JOIN {{segment}} s ON s.user_id = o.member_id";

export default function reports(env) {
  test("build a report, run it, drill into a cell and save it as a segment", async () => {
    const page = await env.signedIn("analyst");
    await page.getByTestId("nav-reports").click();
    await page.getByTestId("report-new").click();
    if ((await page.getByTestId("report-dim-0").count()) === 0) await page.getByTestId("report-add-dimension").click();
    await pickTag(page, "report-dim-0-tag", "member_level");
    await page.getByTestId("report-add-dimension").click();
    await pickTag(page, "report-dim-1-tag", "home_city");
    // A second measure computed in the business database for every cell.
    await page.getByTestId("report-add-measure").click();
    await page.getByTestId("report-measure-1-kind").selectOption("metric");
    await page.getByTestId("report-measure-1-source").fill("biz");
    await page.getByTestId("report-measure-1-query").fill(metricQuery);
    await page.getByTestId("report-run").click();
    await page.getByTestId("report-result-table").waitFor();
    await env.shot(page, "report");

    // The metric of the first cell equals the same query on the cell's users.
    await page.getByTestId("report-result-measure").selectOption("1");
    const first = page.locator('[data-testid^="report-result-cell-"]').first();
    const cellExpr = await first.getAttribute("title");
    const metric = await env.api("analyst", "POST", "/insight/metrics", { expr: cellExpr, source: "biz", query: metricQuery });
    assert.equal(digits(await first.innerText()), Number(metric.rows[0][0]), `orders of '${cellExpr}'`);
    await page.getByTestId("report-result-measure").selectOption("0");

    const cell = page.locator('[data-testid^="report-result-cell-"]').first();
    await cell.click();
    await page.getByTestId("cell-modal").waitFor();
    const users = digits(await page.getByTestId("cell-users").innerText());
    const expr = (await page.getByTestId("cell-expr").innerText()).trim();
    const { count } = await env.api("analyst", "POST", "/segments/count", { expr });
    assert.equal(users, count, `cell users ${users} != count of '${expr}' ${count}`);

    await page.getByTestId("cell-segment-name").fill("e2e_report_cell");
    await page.getByTestId("cell-save-segment").click();
    await page.getByTestId("cell-saved").waitFor();
    const saved = await env.api("analyst", "GET", "/segments/e2e_report_cell");
    assert.equal(saved.expr, expr);

    await page.getByTestId("cell-open-insight").click();
    assert.equal(await waitForNumber(page, "insight-size", count), count);
    await page.context().close();
  });

  test("a saved report of the demo runs on its dashboard", async () => {
    const { dashboards } = await env.api("viewer", "GET", "/dashboards");
    assert.ok(dashboards.length > 0, "the demo has a dashboard");
    const page = await env.signedIn("viewer");
    await page.goto(`${env.url}/#/dashboards/${dashboards[0].name}`);
    await page.locator('[data-testid$="-table"][data-testid^="dashboard-result-"]').first().waitFor();
    await env.shot(page, "dashboard");
    await page.context().close();
  });
}
