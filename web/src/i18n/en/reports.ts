// Texts of the reports pages.
import type { Messages } from "../messages";
import type zh from "../zh-CN/reports";

const m: Messages<typeof zh> = {
  "reports.title": "reports",
};

export default m;
