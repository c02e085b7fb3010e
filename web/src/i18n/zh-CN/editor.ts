// Texts of the editor pages.
export default {
  "editor.title": "editor",
};
