// Sign-in, the navigation by role, the language switch, a wrong token.
import { test } from "node:test";
import assert from "node:assert/strict";

export default function shell(env) {
  test("a wrong token is refused with the server's message", async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(env.url + "/");
    await page.getByTestId("login-token").fill("tl_wrong");
    await page.getByTestId("login-submit").click();
    await page.getByRole("alert").waitFor();
    assert.match(await page.getByRole("alert").innerText(), /登录失败/);
    await context.close();
  });

  test("the navigation shows what the role allows", async () => {
    const viewer = await env.signedIn("viewer");
    assert.equal(await viewer.getByTestId("nav-admin").count(), 0);
    assert.equal(await viewer.getByTestId("nav-editor").count(), 0);
    assert.equal(await viewer.getByTestId("nav-catalog").count(), 1);
    assert.match(await viewer.getByTestId("who").innerText(), /查看者/);
    await viewer.context().close();
    const admin = await env.signedIn("admin");
    assert.equal(await admin.getByTestId("nav-admin").count(), 1);
    assert.equal(await admin.getByTestId("nav-editor").count(), 1);
    await admin.context().close();
  });

  test("Chinese by default, English switchable", async () => {
    const page = await env.signedIn("analyst");
    assert.equal(await page.getByTestId("nav-catalog").innerText(), "标签目录");
    await page.getByTestId("lang-switch").click();
    assert.equal(await page.getByTestId("nav-catalog").innerText(), "Tag catalog");
    await page.getByTestId("lang-switch").click();
    await page.context().close();
  });
}
