// Every zh-CN message, merged from the per-area files.
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

export default { ...common, ...catalog, ...editor, ...quality, ...admin, ...segments, ...insight, ...reports, ...lists, ...outreach };
