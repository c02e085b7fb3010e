// Texts of the editor pages.
import type { Messages } from "../messages";
import type zh from "../zh-CN/editor";

const m: Messages<typeof zh> = {
  "editor.title": "editor",
};

export default m;
