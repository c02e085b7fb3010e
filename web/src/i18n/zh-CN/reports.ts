// Texts of the reports pages.
export default {
  "reports.title": "reports",
};
