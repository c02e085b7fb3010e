// The operator UI end to end: one server and one browser for every flow
// (flows/*.mjs), run in order because some flows change the data (publish).
import { after, before, describe } from "node:test";
import { start } from "./harness.mjs";
import shell from "./flows/shell.mjs";
import catalog from "./flows/catalog.mjs";
import segments from "./flows/segments.mjs";
import reports from "./flows/reports.mjs";
import admin from "./flows/admin.mjs";
import operations from "./flows/operations.mjs";
import outreach from "./flows/outreach.mjs";

const flows = [shell, catalog, segments, reports, admin, operations, outreach];

describe("tagloop web UI", () => {
  const env = {};
  before(async () => Object.assign(env, await start()), { timeout: 240_000 });
  after(async () => env.close && (await env.close()));
  for (const flow of flows) flow(env);
});
