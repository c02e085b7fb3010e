// Texts of the admin pages.
export default {
  "admin.title": "admin",
};
