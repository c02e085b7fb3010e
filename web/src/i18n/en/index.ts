// Every English message, merged from the per-area files (typed against zh-CN).
import type { Messages } from "../messages";
import type zh from "../zh-CN";
import common from "./common";
import catalog from "./catalog";
import editor from "./editor";
import quality from "./quality";
import admin from "./admin";
import segments from "./segments";
import insight from "./insight";
import reports from "./reports";
import lists from "./lists";
import outreach from "./outreach";

const all: Messages<typeof zh> = { ...common, ...catalog, ...editor, ...quality, ...admin, ...segments, ...insight, ...reports, ...lists, ...outreach };

export default all;
