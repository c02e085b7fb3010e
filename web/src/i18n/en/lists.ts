// Texts of the lists pages.
import type { Messages } from "../messages";
import type zh from "../zh-CN/lists";

const m: Messages<typeof zh> = {
  "lists.title": "lists",
};

export default m;
