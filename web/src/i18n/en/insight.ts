// Texts of the insight pages.
import type { Messages } from "../messages";
import type zh from "../zh-CN/insight";

const m: Messages<typeof zh> = {
  "insight.title": "insight",
};

export default m;
