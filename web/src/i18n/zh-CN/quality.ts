// Texts of the quality pages.
export default {
  "quality.title": "quality",
};
