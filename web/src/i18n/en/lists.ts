// Texts of the lists pages.
import type { Messages } from "../messages";
import type zh from "../zh-CN/lists";

const m: Messages<typeof zh> = {
  "lists.title": "List matching",
  "lists.upload": "Upload an id list",
  "lists.explain": "One user id per line (member number, phone hash, open id …) or a CSV with a header. Unknown ids are counted, never added as users. Uploads are audited.",
  "lists.fromFile": "From a file",
  "lists.paste": "Paste",
  "lists.fileInfo": "{name} ({size} KB)",
  "lists.pastePlaceholder": "One id per line, e.g.\nM1000001\nM1000002",
  "lists.isCsv": "CSV with a header row",
  "lists.column": "Id column",
  "lists.columnPlaceholder": "column name; empty: the first",
  "lists.saveAs": "Also save as a list segment",
  "lists.segmentName": "Segment name",
  "lists.saveHint": "An existing list segment gets a new version",
  "lists.match": "Match",
  "lists.matchAndSave": "Match and save",
  "lists.matching": "Matching…",
  "lists.report": "Match report",
  "lists.lines": "Lines",
  "lists.distinct": "Distinct",
  "lists.duplicates": "Duplicates",
  "lists.matched": "Matched",
  "lists.unknown": "Unknown",
  "lists.rate": "Match rate",
  "lists.blank": "Blank lines",
  "lists.unknownIds": "Unknown ids (first {n} of {total})",
  "lists.saved": "Saved as version {v} of list segment {name}: {members} users, business date {date}.",
  "lists.openSegment": "Open segment",
  "lists.openInsight": "Full insight",
  "lists.notSavedHint": "Matched only, nothing saved. Save it as a list segment to see the matched users' profile.",
  "lists.profile": "Profile of the matched users: {name}",
};

export default m;
