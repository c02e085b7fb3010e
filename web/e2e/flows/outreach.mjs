// Outreach end to end (issue 15): an operator builds a webhook campaign in
// the step editor and submits it, an admin approves it on the approval
// screen, the campaign page follows the send until it is done, and the
// frozen treatment segment opens in insight with the size that was sent.
//
// NOT in the default run (ui.test.mjs) until the server's outreach routes
// land: register it there (import outreach from "./flows/outreach.mjs" and
// add it to `flows`) once GET/POST /campaigns and /channels answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHmac } from "node:crypto";
import { digits, waitForNumber } from "./helpers.mjs";

const audience = "home_city = '上海'";
const secret = "e2e-webhook-secret";

// A gateway on the loopback: answers 200 to every signed POST and counts
// distinct message ids (a retry carries the same id).
function gateway() {
  const ids = new Set();
  let bad = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const want = "sha256=" + createHmac("sha256", secret).update(body).digest("hex");
      if (req.headers["x-tagloop-signature"] !== want) ++bad;
      try {
        ids.add(JSON.parse(body.toString("utf8")).message_id);
      } catch {
        ++bad;
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end("{}");
    });
  });
  return new Promise((ok) =>
    server.listen(0, "127.0.0.1", () =>
      ok({ url: `http://127.0.0.1:${server.address().port}/hook`, ids, bad: () => bad, close: () => new Promise((r) => server.close(r)) }),
    ),
  );
}

// Picks `label` in the Ant Design select whose data-testid is `id`.
async function antSelect(page, id, label) {
  await page.getByTestId(id).click();
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: label }).first().click();
}

export default function outreach(env) {
  test("operator creates a webhook campaign, admin approves, it is sent and its treatment opens in insight", { timeout: 180_000 }, async () => {
    const gw = await gateway();
    const channel = "e2e_webhook";
    const name = "e2e_renew_" + Date.now().toString(36);
    try {
      await env.api("admin", "PUT", `/channels/${channel}`, { kind: "webhook", url: gw.url, secret, rate_per_second: 500, concurrency: 4 });
      // The demo's policy defers sends in its quiet hours (21:00-09:00
      // Beijing) and caps messages a week; this flow sends at any time of
      // day and expects every planned user to be sent to.
      await env.api("admin", "PUT", "/outreach/policy", { blacklist: "blacklisted" });
      const { count } = await env.api("analyst", "POST", "/segments/count", { expr: audience });
      assert.ok(count > 0, "the demo has users in Shanghai");

      // Viewers see no outreach; operators see campaigns, policy and channels but no approvals.
      const viewer = await env.signedIn("viewer");
      assert.equal(await viewer.getByTestId("nav-campaigns").count(), 0);
      await viewer.context().close();

      const op = await env.signedIn("operator");
      assert.equal(await op.getByTestId("nav-approvals").count(), 0);
      await op.getByTestId("nav-campaigns").click();
      await op.getByTestId("campaigns-page").waitFor();
      await op.getByTestId("campaign-new").click();
      await op.getByTestId("campaign-editor").waitFor();

      // 1 basics
      await op.getByTestId("campaign-name").fill(name);
      await op.getByTestId("campaign-title").fill("e2e 续租提醒");
      await op.getByTestId("campaign-theme").locator("input").fill("续租");
      await op.getByTestId("campaign-next").click();
      // 2 audience: the builder's text, the live count equals the API's
      await op.getByTestId("campaign-expr-text").fill(audience);
      assert.equal(await waitForNumber(op, "campaign-audience-count", count), count);
      await op.getByTestId("campaign-next").click();
      // 3 channel and content
      await antSelect(op, "campaign-channel", channel);
      await op.getByTestId("campaign-content").fill(JSON.stringify({ text: "您好 {{user_id}}，您的租约即将到期", campaign: "{{campaign}}" }, null, 2));
      await op.getByTestId("campaign-preview").click();
      await op.getByTestId("campaign-previews-user").first().waitFor();
      await op.getByTestId("campaign-next").click();
      // 4 control share 10 %, no goal
      await op.getByTestId("campaign-control").fill("10");
      await op.getByTestId("campaign-next").click();
      // 5 schedule: on approval; submit
      await env.shot(op, "outreach-editor");
      await op.getByTestId("campaign-submit").click();
      await op.getByTestId("campaign-page").waitFor();
      const id = decodeURIComponent(new URL(op.url()).hash.split("/")[2].split("?")[0]);
      assert.equal(await op.getByTestId("campaign-page").getAttribute("data-state"), "pending_approval");

      // The admin's inbox lists it; the approval screen shows the funnel and the preview.
      const admin = await env.signedIn("admin");
      await admin.getByTestId("nav-approvals").click();
      await admin.getByTestId("approval-open-" + name).click();
      await admin.getByTestId("approval-funnel-view").waitFor();
      assert.equal(digits(await admin.getByTestId("approval-funnel-view-audience").innerText()), count);
      await admin.getByTestId("approval-previews").waitFor();
      await env.shot(admin, "outreach-approval");
      await admin.getByTestId("approval-comment").fill("e2e 通过");
      await admin.getByTestId("approval-approve").click();
      await admin.getByTestId("campaign-page").waitFor();

      // The campaign page polls until done; everything planned was sent, once each.
      await admin.locator('[data-testid="campaign-page"][data-state="done"]').waitFor({ timeout: 120_000 });
      const c = await env.api("analyst", "GET", `/campaigns/${encodeURIComponent(id)}`);
      assert.equal(c.state, "done");
      assert.equal(c.funnel.audience, count);
      assert.ok(c.funnel.planned > 0 && c.funnel.planned < count, "a control group was held out");
      assert.equal(c.funnel.sent, c.funnel.planned);
      assert.equal(gw.ids.size, c.funnel.planned, "one message id per planned user");
      assert.equal(gw.bad(), 0, "every webhook carries a valid signature");
      assert.equal(Number(await admin.getByTestId("campaign-progress-sent").getAttribute("data-value")), c.funnel.sent);
      const history = await admin.locator('[data-testid^="campaign-transition-"]').count();
      assert.ok(history >= 3, `the timeline shows submit, approve and the run (${history})`);
      await env.shot(admin, "outreach-campaign");

      // The frozen treatment opens in insight with the number sent.
      await admin.getByTestId("campaign-segment-treatment").click();
      assert.equal(await waitForNumber(admin, "insight-size", c.funnel.planned), c.funnel.planned);
      await env.shot(admin, "outreach-treatment-insight");
      await admin.context().close();
      await op.context().close();
    } finally {
      await gw.close();
    }
  });

  test("the submitter cannot approve their own campaign, and the refusal is shown in Chinese", { timeout: 60_000 }, async () => {
    // An admin submits (admins may do what operators do) and then tries to approve.
    const name = "e2e_self_" + Date.now().toString(36);
    const created = await env.api("admin", "POST", "/campaigns", {
      name,
      audience: { expr: audience },
      channel: "e2e_webhook",
      content: { text: "hi {{user_id}}" },
    });
    await env.api("admin", "POST", `/campaigns/${encodeURIComponent(created.id)}/submit`, {});
    const page = await env.signedIn("admin");
    await page.goto(`${env.url}/#/approvals/${encodeURIComponent(created.id)}`);
    await page.getByTestId("approval-own").waitFor();
    await page.getByTestId("approval-approve").click();
    await page.getByTestId("approval-error").waitFor();
    assert.match(await page.getByTestId("approval-error").innerText(), /不能审批自己提交的活动|approve/);
    await page.context().close();
  });
}
