// Texts of the lists pages.
export default {
  "lists.title": "lists",
};
