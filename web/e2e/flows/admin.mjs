// The remaining main pages open without errors (screenshots as artifacts):
// the editor with a SQL preview, lists, admin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { digits } from "./helpers.mjs";


export default function admin(env) {
  test("the SQL editor previews a query's first rows and counts its users", async () => {
    const page = await env.signedIn("admin");
    await page.getByTestId("nav-editor").click();
    await page.getByTestId("editor-page").waitFor();
    await page.getByTestId("editor-kind-sql").click();
    await page.getByTestId("editor-source").selectOption("biz");
    await page.getByTestId("editor-query").fill("SELECT member_id, city FROM members WHERE register_date <= '{{biz_date}}'");
    await page.getByTestId("editor-preview").click();
    await page.getByTestId("editor-preview-result").or(page.getByTestId("editor-preview-error")).first().waitFor();
    if (await page.getByTestId("editor-preview-error").count()) {
      assert.fail(await page.getByTestId("editor-preview-error").innerText());
    }
    const preview = await env.api("admin", "POST", "/catalog/preview", {
      source: "biz",
      query: "SELECT member_id, city FROM members WHERE register_date <= '{{biz_date}}'",
    });
    const shown = await page.getByTestId("editor-preview-users").innerText();
    for (const n of [preview.rows_total, preview.users, preview.known_users]) {
      assert.ok(shown.includes(n.toLocaleString("zh-CN")), `'${shown}' shows ${n}`);
    }
    assert.equal(await page.locator('[data-testid="editor-preview-result"] tbody tr').count(), Math.min(20, preview.rows_total));
    await env.shot(page, "editor-sql");

    // Save it as a new draft with a quality override: checked first (dry run), then stored.
    await page.getByTestId("editor-name").fill("e2e_member_city");
    await page.getByTestId("editor-type").selectOption("enum");
    await page.getByTestId("editor-title-zh").fill("会员城市（测试）");
    await page.getByTestId("editor-quality-max_user_change").fill("0.3");
    await page.getByTestId("editor-save").click();
    await page.getByTestId("editor-confirm").click();
    await page.getByTestId("tag-page").waitFor();  // saved: the new tag's page opens
    assert.match(await page.getByTestId("tag-title").innerText(), /会员城市（测试）/);
    const saved = await env.api("admin", "GET", "/catalog/tags/e2e_member_city");
    assert.equal(saved.status, "draft");
    assert.equal(saved.definition.producer.kind, "sql");
    assert.equal(saved.definition.quality.max_user_change, 0.3);
    await page.context().close();
  });

  test("a real-time tag defined in the editor counts events as they arrive", async () => {
    const page = await env.signedIn("operator");
    await page.goto(`${env.url}/#/editor`);
    await page.getByTestId("editor-kind-realtime").click();
    await page.getByTestId("editor-name").fill("e2e_paid_7d");
    await page.getByTestId("editor-type").selectOption("int");
    await page.getByTestId("editor-title-zh").fill("近7天支付次数（测试）");
    await page.getByTestId("editor-rule").selectOption("count");
    await page.getByTestId("editor-events-order_paid").click();
    await page.getByTestId("editor-window").fill("7");
    await page.getByTestId("editor-save").click();
    await page.getByTestId("editor-confirm").click();
    await page.getByTestId("tag-page").waitFor();
    await page.getByTestId("tag-publish").click();
    await page.getByTestId("tag-offline").waitFor();
    const def = await env.api("operator", "GET", "/catalog/tags/e2e_paid_7d");
    assert.deepEqual(def.definition.producer, { kind: "realtime", rule: "count", events: ["order_paid"], window_days: 7 });

    // Three payments of one member now: the tag counts them at once.
    const { ids } = await env.api("admin", "POST", "/segments/query", { expr: "ALL", limit: 1 });
    const now = new Date().toISOString();
    const events = [1, 2, 3].map((i) => ({ event_id: `e2e-paid-${i}`, type: "order_paid", user_id: ids[0], time: now,
      properties: { order_id: `E2E-${i}`, amount: 100 } }));
    const res = await fetch(env.url + "/api/v1/events?wait=visible", {
      method: "POST",
      headers: { Authorization: `Bearer ${env.tokens.operator}`, "Content-Type": "application/json" },
      body: JSON.stringify(events),
    });
    assert.equal(res.status, 200, await res.text());
    const profile = await env.api("operator", "GET", `/users/${encodeURIComponent(ids[0])}/profile`);
    assert.ok(profile.tags.e2e_paid_7d >= 3, `e2e_paid_7d of ${ids[0]}: ${profile.tags.e2e_paid_7d}`);
    await page.context().close();
  });

  test("a definition error is shown under its field", async () => {
    const page = await env.signedIn("operator");
    await page.goto(`${env.url}/#/editor`);
    await page.getByTestId("editor-kind-composite").click();
    await page.getByTestId("editor-name").fill("e2e_bad_composite");
    await page.getByTestId("editor-type").selectOption("bool");
    await page.getByTestId("editor-title-zh").fill("错误示例");
    await page.getByTestId("editor-expression-text").fill("no_such_tag AND home_city = '上海'");
    await page.getByTestId("editor-save").click();
    // The server's message (naming the unknown tag) under the expression;
    // the builder also marks the condition's tag as unknown on its own.
    const error = page.getByTestId("editor-composite").locator(".field-error").filter({ hasText: "no_such_tag" });
    await error.first().waitFor();
    assert.match(await error.first().innerText(), /unknown tag 'no_such_tag'/);
    assert.equal(await page.getByTestId("tag-page").count(), 0, "nothing was saved");
    await page.context().close();
  });

  test("lists and admin pages", async () => {
    const page = await env.signedIn("admin");
    await page.getByTestId("nav-lists").click();
    await page.getByTestId("lists-mode-paste").click();
    const some = await env.api("admin", "POST", "/segments/query", { expr: "ALL", limit: 5 });
    await page.getByTestId("lists-text").fill([...some.ids, "nobody_1", "nobody_2"].join("\n"));
    await page.getByTestId("lists-match").click();
    await page.getByTestId("lists-matched").waitFor();
    assert.equal(digits(await page.getByTestId("lists-matched").innerText()), some.ids.length);
    assert.equal(digits(await page.getByTestId("lists-unknown").innerText()), 2);
    await env.shot(page, "lists");
    await page.getByTestId("nav-admin").click();
    await page.getByTestId("tokens-table").waitFor();
    assert.match(await page.getByTestId("tokens-table").innerText(), /e2e-viewer/);
    // The caller's own token (GET /me's token_id) is marked, and only it.
    const me = await env.api("admin", "GET", "/me");
    assert.equal(await page.getByTestId("token-current").count(), 1);
    assert.equal(await page.getByTestId("token-row-" + me.token_id).getByTestId("token-current").count(), 1);
    // Editing an existing tag highlights the catalog; a new tag, the editor.
    await page.goto(`${env.url}/#/editor/home_city`);
    await page.locator('[data-testid="nav-catalog"].active').waitFor();
    assert.equal(await page.locator('[data-testid="nav-editor"].active').count(), 0);
    await page.goto(`${env.url}/#/editor`);
    await page.locator('[data-testid="nav-editor"].active').waitFor();
    assert.equal(await page.locator('[data-testid="nav-catalog"].active').count(), 0);
    await env.shot(page, "admin");
    await page.context().close();
  });
}
