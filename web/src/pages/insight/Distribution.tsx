// Distributions with TGI: for each chosen tag, the segment's share of every
// value (numeric tags: round buckets) against everyone's, as bars and as a
// table; TGI above 120 / below 80 highlighted; every row opens the insight
// of "segment AND value" or starts a segment from it.
import { useEffect, useMemo, useState } from "react";
import { useI18n } from "../../i18n";
import { useAsync } from "../../components/useAsync";
import { Empty, ErrorBox, Loading, Panel } from "../../components/ui";
import { Chart, type ChartOption } from "../../components/Chart";
import { tooltipLines } from "../../components/html";
import { TagMultiPicker, searchTags, useTagInfos, useTypeLabel } from "../../components/TagPicker";
import { andExpr, DrillLinks, LimitSelect, TgiCell, insightHref, targetBody, targetExpr, tgiColor, type Target } from "./common";
import { insightDistribution } from "../../api/insight";

export interface DistRow {
  value: string | boolean | null;
  other?: boolean;
  from?: string | number | null;
  to?: string | number | null;
  expr: string;
  users: number;
  share: number;
  universe_users: number;
  universe_share: number;
  tgi: number | null;
}

export interface Stats {
  users: number;
  min?: string | number;
  max?: string | number;
  sum?: string | number;
  avg?: number;
  percentiles?: Record<string, string | number>;
}

export interface TagDist {
  tag: string;
  type: string;
  version: string | null;
  values: DistRow[];
  stats?: Stats;
  universe_stats?: Stats;
}

export interface DistAnswer {
  expr: string;
  users: number;
  universe_users: number;
  tags: TagDist[];
  elapsed_ms?: number;
}

export function useValueLabel(): (r: { value: DistRow["value"]; other?: boolean }) => string {
  const { t } = useI18n();
  return (r) => (r.value === null ? t("insight.noValue") : r.other ? t("insight.other") : r.value === true ? t("expr.bool.true") : r.value === false ? t("expr.bool.false") : String(r.value));
}

// The tags shown when the operator has chosen none: the first few of the catalog.
function useDefaultTags(enabled: boolean): string[] {
  const [tags, setTags] = useState<string[]>([]);
  useEffect(() => {
    if (!enabled) return;
    const ctl = new AbortController();
    searchTags("", 4, ctl.signal).then((r) => setTags(r.map((x) => x.name)), () => undefined);
    return () => ctl.abort();
  }, [enabled]);
  return tags;
}

export default function Distribution({ target, asOf, tags, onTags }: { target: Target; asOf: string; tags: string[]; onTags: (t: string[]) => void }) {
  const { t, num } = useI18n();
  const defaults = useDefaultTags(tags.length === 0);
  const shown = tags.length ? tags : defaults;
  const [maxValues, setMaxValues] = useState(20);
  const key = shown.join(",");
  const dist = useAsync<DistAnswer | null>(
    (signal) => (shown.length ? insightDistribution<DistAnswer>({ ...targetBody(target), as_of: asOf, tags: shown, max_values: maxValues }, signal) : Promise.resolve(null)),
    [target.expr, target.segment, asOf, key, maxValues],
  );
  return (
    <div>
      <Panel>
        <div className="row">
          <span className="field-label">{t("insight.tags")}</span>
          <TagMultiPicker value={shown} onChange={onTags} max={20} testId="insight-tags" />
          <span className="spacer" />
          <label className="row inline-field">
            <span className="field-label">{t("insight.maxValues")}</span>
            <LimitSelect value={maxValues} onChange={setMaxValues} testId="insight-max-values" />
          </label>
        </div>
        {tags.length === 0 && <div className="muted small">{t("insight.defaultTags")}</div>}
      </Panel>
      {dist.error && <ErrorBox error={dist.error} onRetry={dist.reload} />}
      {dist.loading && !dist.data && <Loading />}
      {dist.data && (
        <div className={dist.loading ? "stale" : ""}>
          <div className="muted small">{t("insight.distMeta", { users: num(dist.data.users), universe: num(dist.data.universe_users), ms: num(dist.data.elapsed_ms ?? 0, 1) })}</div>
          {dist.data.tags.map((d) => (
            <TagDistPanel key={d.tag} d={d} segExpr={targetExpr(target)} asOf={asOf} />
          ))}
        </div>
      )}
      {dist.data === null && <Empty>{t("insight.pickTags")}</Empty>}
    </div>
  );
}

function TagDistPanel({ d, segExpr, asOf }: { d: TagDist; segExpr: string; asOf: string }) {
  const { t, num, pct, title } = useI18n();
  const typeLabel = useTypeLabel();
  const label = useValueLabel();
  const infos = useTagInfos([d.tag]);
  const option = useMemo<ChartOption>(() => {
    const names = d.values.map(label);
    return {
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: (ps: any[]) => {
          const r = d.values[ps[0].dataIndex];
          // Tag values are user text: every line is escaped (tooltipLines).
          return tooltipLines(
            names[ps[0].dataIndex],
            `${t("insight.segShare")}: ${pct(r.share)} (${num(r.users)})`,
            `${t("insight.uniShare")}: ${pct(r.universe_share)}`,
            `TGI: ${r.tgi == null ? "—" : num(r.tgi, 1)}`,
          );
        },
      },
      legend: { data: [t("insight.segShare"), t("insight.uniShare")], top: 0 },
      grid: { left: 50, right: 20, top: 30, bottom: 70 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: names.length > 8 ? 35 : 0, interval: 0, width: 90, overflow: "truncate" } },
      yAxis: { type: "value", axisLabel: { formatter: (v: number) => pct(v, 0) } },
      series: [
        { name: t("insight.segShare"), type: "bar", data: d.values.map((r) => ({ value: r.share, itemStyle: { color: tgiColor(r.tgi) } })) },
        { name: t("insight.uniShare"), type: "bar", data: d.values.map((r) => r.universe_share), itemStyle: { color: "#d0d7e5" } },
      ],
    };
  }, [d, t, pct, num, label]);
  const pctKeys = ["p25", "p50", "p75", "p90"];
  return (
    <Panel
      title={
        <>
          {title(infos[d.tag]?.title, d.tag)} <span className="muted small">{d.tag} · {typeLabel(d.type)}{d.version ? " · " + t("insight.version", { v: d.version }) : ""}</span>
        </>
      }
      testId={"insight-dist-" + d.tag}
    >
      <Chart
        option={option}
        height={260}
        testId={"insight-dist-chart-" + d.tag}
        onClick={(p) => {
          const r = d.values[p.dataIndex];
          if (r && !r.other) window.location.hash = insightHref(andExpr(segExpr, r.expr), asOf).slice(1);
        }}
      />
      {d.stats && d.universe_stats && (
        <table className="data compact stats" data-testid={"insight-stats-" + d.tag}>
          <thead>
            <tr>
              <th />
              <th className="num">{t("insight.stat.users")}</th>
              <th className="num">{t("insight.stat.avg")}</th>
              <th className="num">{t("insight.stat.min")}</th>
              {pctKeys.map((k) => (
                <th key={k} className="num">
                  {k.toUpperCase()}
                </th>
              ))}
              <th className="num">{t("insight.stat.max")}</th>
            </tr>
          </thead>
          <tbody>
            {[
              [t("insight.thisSegment"), d.stats],
              [t("insight.everyone"), d.universe_stats],
            ].map(([name, s]) => {
              const st = s as Stats;
              return (
                <tr key={name as string}>
                  <td>{name as string}</td>
                  <td className="num">{num(st.users)}</td>
                  <td className="num">{st.avg === undefined || st.avg === null ? "—" : num(st.avg, 2)}</td>
                  <td className="num">{String(st.min ?? "—")}</td>
                  {pctKeys.map((k) => (
                    <td key={k} className="num">
                      {String(st.percentiles?.[k] ?? "—")}
                    </td>
                  ))}
                  <td className="num">{String(st.max ?? "—")}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <table className="data compact" data-testid={"insight-dist-table-" + d.tag}>
        <thead>
          <tr>
            <th>{t("insight.value")}</th>
            <th className="num">{t("insight.users")}</th>
            <th className="num">{t("insight.segShare")}</th>
            <th className="num">{t("insight.uniUsers")}</th>
            <th className="num">{t("insight.uniShare")}</th>
            <th className="num">TGI</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {d.values.map((r, i) => (
            <tr key={i} data-testid={"insight-dist-row-" + d.tag + "-" + i}>
              <td title={r.expr}>{label(r)}</td>
              <td className="num">{num(r.users)}</td>
              <td className="num">{pct(r.share)}</td>
              <td className="num">{num(r.universe_users)}</td>
              <td className="num">{pct(r.universe_share)}</td>
              <TgiCell tgi={r.tgi} />
              <td>
                <DrillLinks expr={andExpr(segExpr, r.expr)} asOf={asOf} testId={"insight-dist-drill-" + d.tag + "-" + i} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
