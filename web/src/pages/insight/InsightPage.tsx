// Insight (#/insight?expr= or ?segment=): who a segment's users are. The
// size, then tabs: distributions with TGI for chosen tags, "what else
// characterises them", overlap with other segments, size history and who
// entered/left between two dates. The state lives in the URL (as_of, tab,
// tags, compare), so every view can be bookmarked and shared.
import { useEffect, useState } from "react";
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";
import { href, navigate } from "../../app/router";
import { useAsync } from "../../components/useAsync";
import { DateInput, ErrorBox, Panel, Tabs, businessToday } from "../../components/ui";
import ExpressionBuilder from "../../components/expression/ExpressionBuilder";
import { targetExpr, type Target } from "./common";
import Distribution from "./Distribution";
import Characterize from "./Characterize";
import Overlap from "./Overlap";
import { History, Diff } from "./History";
import { countSegment, listSegments } from "../../api/segments";

type Tab = "distribution" | "characterize" | "overlap" | "history" | "diff";
const tabs: Tab[] = ["distribution", "characterize", "overlap", "history", "diff"];

export default function InsightPage({ route }: PageProps) {
  const { t, num, pct } = useI18n();
  const q = route.query;
  const segment = q.get("segment") ?? undefined;
  const expr = q.get("expr") ?? undefined;
  const asOf = q.get("as_of") || businessToday();
  const tab = (tabs.includes(q.get("tab") as Tab) ? q.get("tab") : "distribution") as Tab;
  const target: Target = segment ? { segment } : { expr };
  const has = !!segment || !!expr?.trim();

  // Changes some query parameters, keeping the others.
  const setQuery = (changes: Record<string, string | undefined>) => {
    const cur: Record<string, string | undefined> = {};
    q.forEach((v, k) => (cur[k] = v));
    navigate(["insight"], { ...cur, ...changes });
  };

  const size = useAsync(
    async (signal) => {
      if (!has) return null;
      const [seg, all] = await Promise.all([
        countSegment<{ count: number; elapsed_ms: number }>({ expr: targetExpr(target), as_of: asOf }, signal),
        countSegment<{ count: number }>({ expr: "ALL", as_of: asOf }, signal),
      ]);
      return { users: seg.count, universe: all.count, elapsed: seg.elapsed_ms };
    },
    [segment, expr, asOf],
  );

  const [editing, setEditing] = useState(!has);
  const [draft, setDraft] = useState(expr ?? (segment ? targetExpr(target) : ""));
  useEffect(() => {
    setDraft(expr ?? (segment ? targetExpr({ segment }) : ""));
    setEditing(!segment && !expr?.trim());
  }, [expr, segment]);

  return (
    <div className="insight-page">
      <div className="row seg-head">
        <h2>{t("insight.title")}</h2>
        <span className="spacer" />
        <label className="row inline-field">
          <span className="field-label">{t("common.asOf")}</span>
          <DateInput value={asOf} onChange={(v) => setQuery({ as_of: v || undefined })} testId="insight-asof" />
        </label>
      </div>

      <Panel testId="insight-target">
        <div className="row insight-target">
          <div className="insight-who">
            <div className="field-label">{segment ? t("insight.savedSegment") : t("insight.segment")}</div>
            {segment ? (
              <a href={href(["segments", segment])} className="insight-name" data-testid="insight-segment-name">
                {segment}
              </a>
            ) : has ? (
              <code className="insight-expr" data-testid="insight-expr">
                {expr}
              </code>
            ) : (
              <span className="muted">{t("insight.pickSegment")}</span>
            )}
          </div>
          {has && (
            <div>
              <div className="field-label">{t("insight.size")}</div>
              <div className="big-number" data-testid="insight-size">
                {size.data ? num(size.data.users) : "…"}
              </div>
              {size.data && size.data.universe > 0 && (
                <div className="muted small" data-testid="insight-size-share">
                  {t("insight.ofUniverse", { share: pct(size.data.users / size.data.universe), universe: num(size.data.universe) })}
                </div>
              )}
            </div>
          )}
          <span className="spacer" />
          <div className="row">
            {has && (
              <a className="button-link" href={href(["segments"], { expr: targetExpr(target), as_of: asOf })} data-testid="insight-to-segment">
                {t("insight.editAsSegment")}
              </a>
            )}
            <button type="button" onClick={() => setEditing(!editing)} data-testid="insight-change">
              {t(editing ? "insight.hideEditor" : "insight.change")}
            </button>
          </div>
        </div>
        {size.error && <ErrorBox error={size.error} />}
        {editing && (
          <div className="insight-editor">
            <ExpressionBuilder value={draft} onChange={setDraft} asOf={asOf} testId="insight-expr-builder" />
            <div className="row">
              <button
                type="button"
                className="primary"
                disabled={!draft.trim()}
                onClick={() => setQuery({ expr: draft.trim(), segment: undefined })}
                data-testid="insight-apply"
              >
                {t("insight.apply")}
              </button>
            </div>
          </div>
        )}
      </Panel>

      {has && (
        <>
          <Tabs tabs={tabs.map((k) => ({ key: k, label: t(("insight.tab." + k) as "insight.tab.distribution") }))} active={tab} onChange={(k) => setQuery({ tab: k })} />
          <div data-testid={"insight-tab-" + tab}>
            {tab === "distribution" && (
              <Distribution
                target={target}
                asOf={asOf}
                tags={(q.get("tags") ?? "").split(",").filter(Boolean)}
                onTags={(tags) => setQuery({ tags: tags.join(",") || undefined })}
              />
            )}
            {tab === "characterize" && <Characterize target={target} asOf={asOf} />}
            {tab === "overlap" && (
              <Overlap
                target={target}
                asOf={asOf}
                compare={(q.get("compare") ?? "").split(",").filter(Boolean)}
                onCompare={(c) => setQuery({ compare: c.join(",") || undefined })}
              />
            )}
            {tab === "history" && <History target={target} asOf={asOf} />}
            {tab === "diff" && <Diff target={target} asOf={asOf} />}
          </div>
        </>
      )}
      {!has && <SavedSegmentShortcuts asOf={asOf} />}
    </div>
  );
}

// With no segment chosen: the saved segments as one-click starting points.
function SavedSegmentShortcuts({ asOf }: { asOf: string }) {
  const { t } = useI18n();
  const list = useAsync((signal) => listSegments<{ segments: { name: string; kind: string; expr: string }[] }>({}, signal).then((r) => r.segments), []);
  if (!list.data || list.data.length === 0) return null;
  return (
    <Panel title={t("insight.orSaved")}>
      <div className="shortcut-list">
        {list.data.slice(0, 50).map((s) => (
          <a key={s.name} className="button-link" href={href(["insight"], { segment: s.name, as_of: asOf })} data-testid={"insight-open-" + s.name}>
            {s.name}
          </a>
        ))}
      </div>
    </Panel>
  );
}
