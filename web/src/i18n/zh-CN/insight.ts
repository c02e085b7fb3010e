// Texts of the insight pages.
export default {
  "insight.title": "insight",
};
