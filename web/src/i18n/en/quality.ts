// Texts of the quality pages.
import type { Messages } from "../messages";
import type zh from "../zh-CN/quality";

const m: Messages<typeof zh> = {
  "quality.title": "quality",
};

export default m;
