// Texts of the quality and jobs page (and the names of the quality checks).
import type { Messages } from "../messages";
import type zh from "../zh-CN/quality";

const m: Messages<typeof zh> = {
  "quality.title": "Quality and jobs",
  "quality.scope": "Tags {from}–{to} of {total}",
  "quality.pageScopeNote": "Figures cover the tags on this page; page on to see the others.",
  "quality.activeRuns": "Running and queued runs",
  "quality.failedRuns": "Failed runs",
  "quality.failingChecks": "Failing quality checks",
  "quality.staleTags": "Stale tags",
  "quality.noActive": "No runs are running or queued",
  "quality.noFailed": "No failed runs",
  "quality.noFailures": "Every latest version passed its checks",
  "quality.tagsOnPage": "Production by tag",
  "quality.lastRun": "Latest run",
  "quality.lastChecks": "Latest checks",
  "quality.notProducible": "imported or pushed; not scheduled",
  "quality.staleExplain": "The newest data of these tags is older than their schedule allows: a run failed or upstream data is missing.",
  "quality.staleLine": "latest data {date}, schedule {schedule}",
  "quality.rule.not_empty": "Not empty",
  "quality.rule.min_coverage": "Minimum coverage",
  "quality.rule.max_coverage": "Maximum coverage",
  "quality.rule.user_change": "User change",
  "quality.rule.psi": "Stability (PSI)",
  "quality.setting.min_coverage": "Minimum coverage",
  "quality.setting.max_coverage": "Maximum coverage",
  "quality.setting.max_user_change": "Largest change in users",
  "quality.setting.max_psi": "Largest distribution shift (PSI)",
  "quality.setting.allow_empty": "Empty versions allowed",
  "quality.setting.max_staleness_seconds": "Stale after (seconds)",
};

export default m;
