// Texts of the admin pages.
import type { Messages } from "../messages";
import type zh from "../zh-CN/admin";

const m: Messages<typeof zh> = {
  "admin.title": "admin",
};

export default m;
