// "What else characterises them": every value of every published tag ranked
// by TGI — the values much more common in the segment than in everyone
// (over) and much rarer (under); each opens "segment AND value".
import { useState } from "react";
import { useI18n } from "../../i18n";
import { useAsync, useDebounced } from "../../components/useAsync";
import { ErrorBox, Empty, Loading, Panel } from "../../components/ui";
import { TagMultiPicker, useTagInfos } from "../../components/TagPicker";
import { andExpr, DrillLinks, LimitSelect, TgiCell, targetBody, targetExpr, type Target } from "./common";
import { useValueLabel } from "./Distribution";
import { characterize } from "../../api/insight";

interface Ranked {
  tag: string;
  value: string | boolean | null;
  expr: string;
  users: number;
  share: number;
  universe_users: number;
  universe_share: number;
  tgi: number;
}

interface Answer {
  users: number;
  universe_users: number;
  tags: number;
  values_considered: number;
  values_supported: number;
  over: Ranked[];
  under: Ranked[];
  elapsed_ms?: number;
}

export default function Characterize({ target, asOf }: { target: Target; asOf: string }) {
  const { t, num } = useI18n();
  const [minShare, setMinShare] = useState("1");
  const [minUsers, setMinUsers] = useState("30");
  const [limit, setLimit] = useState(20);
  const [exclude, setExclude] = useState<string[]>([]);
  const ms = useDebounced(minShare, 400);
  const mu = useDebounced(minUsers, 400);
  const ans = useAsync(
    (signal) =>
      characterize<Answer>(
        {
          ...targetBody(target),
          as_of: asOf,
          min_share: Math.max(0, Number(ms) || 0) / 100,
          min_users: Math.max(0, Math.floor(Number(mu) || 0)),
          limit,
          exclude_tags: exclude.length ? exclude : undefined,
        },
        signal,
      ),
    [target.expr, target.segment, asOf, ms, mu, limit, exclude.join(",")],
  );
  const segExpr = targetExpr(target);
  return (
    <div>
      <Panel>
        <div className="row">
          <label className="row inline-field">
            <span className="field-label">{t("insight.minShare")}</span>
            <input className="num-input" type="number" min={0} max={100} step={0.5} value={minShare} onChange={(e) => setMinShare(e.target.value)} data-testid="char-min-share" />
            <span className="muted">%</span>
          </label>
          <label className="row inline-field">
            <span className="field-label">{t("insight.minUsers")}</span>
            <input className="num-input" type="number" min={0} value={minUsers} onChange={(e) => setMinUsers(e.target.value)} data-testid="char-min-users" />
          </label>
          <label className="row inline-field">
            <span className="field-label">{t("insight.limit")}</span>
            <LimitSelect value={limit} onChange={setLimit} testId="char-limit" />
          </label>
          <span className="field-label">{t("insight.excludeTags")}</span>
          <TagMultiPicker value={exclude} onChange={setExclude} testId="char-exclude" />
        </div>
        <div className="muted small">{t("insight.charExplain")}</div>
      </Panel>
      {ans.error && <ErrorBox error={ans.error} onRetry={ans.reload} />}
      {ans.loading && !ans.data && <Loading />}
      {ans.data && (
        <div className={ans.loading ? "stale" : ""}>
          <div className="muted small">
            {t("insight.charMeta", { tags: num(ans.data.tags), considered: num(ans.data.values_considered), supported: num(ans.data.values_supported) })}
          </div>
          <div className="grid2">
            <Panel title={t("insight.over")} testId="char-over">
              <RankTable rows={ans.data.over} segExpr={segExpr} asOf={asOf} testId="char-over" />
            </Panel>
            <Panel title={t("insight.under")} testId="char-under">
              <RankTable rows={ans.data.under} segExpr={segExpr} asOf={asOf} testId="char-under" />
            </Panel>
          </div>
        </div>
      )}
    </div>
  );
}

function RankTable({ rows, segExpr, asOf, testId }: { rows: Ranked[]; segExpr: string; asOf: string; testId: string }) {
  const { t, num, pct, title } = useI18n();
  const label = useValueLabel();
  const infos = useTagInfos([...new Set(rows.map((r) => r.tag))]);
  if (rows.length === 0) return <Empty>{t("insight.nothingStandsOut")}</Empty>;
  return (
    <table className="data compact" data-testid={testId + "-table"}>
      <thead>
        <tr>
          <th>{t("insight.tag")}</th>
          <th>{t("insight.value")}</th>
          <th className="num">{t("insight.users")}</th>
          <th className="num">{t("insight.segShare")}</th>
          <th className="num">{t("insight.uniShare")}</th>
          <th className="num">TGI</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i} data-testid={testId + "-row-" + i}>
            <td title={r.tag}>{title(infos[r.tag]?.title, r.tag)}</td>
            <td title={r.expr}>{label(r)}</td>
            <td className="num">{num(r.users)}</td>
            <td className="num">{pct(r.share)}</td>
            <td className="num">{pct(r.universe_share)}</td>
            <TgiCell tgi={r.tgi} />
            <td>
              <DrillLinks expr={andExpr(segExpr, r.expr)} asOf={asOf} testId={testId + "-drill-" + i} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
