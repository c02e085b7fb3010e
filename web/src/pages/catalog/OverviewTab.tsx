// The overview tab: the definition shown readably, the value distribution
// of a chosen data version (bar chart) and users/coverage over the data
// versions (line chart).
import { useMemo, useState } from "react";
import { useI18n } from "../../i18n";
import { useAsync } from "../../components/useAsync";
import { Chart, type ChartOption } from "../../components/Chart";
import { Empty, ErrorBox, Loading, Panel } from "../../components/ui";
import type { Definition } from "../../api/catalog";
import type { LoadedTag } from "./TagPage";
import { ProducerLabel, TypeLabel } from "./labels";
import { getVersion } from "../../api/admin";
import { tagDistribution } from "../../api/tags";

export interface StoreTag {
  name: string;
  type: string;
  category: string | null;
  users: number;
  versions: { date: string; users: number; bytes: number }[];
  title?: { zh?: string; en?: string };
  status?: string;
}

interface Distribution {
  users: number;
  values?: { value: unknown; users: number }[];
  buckets?: { from: number | string; to: number | string; users: number }[];
  min?: number | string;
  max?: number | string;
  sum?: number | string;
  avg?: number;
  version: string;
}

export function OverviewTab({ name, data }: { name: string; data: LoadedTag }) {
  const def = data.detail?.definition;
  return (
    <div>
      <div className="grid2">
        {def ? <DefinitionPanel def={def} /> : <StorePanel data={data} />}
        <UsersOverTime data={data} />
      </div>
      {data.store && data.store.versions.length > 0 && <DistributionPanel name={name} versions={data.store.versions.map((v) => v.date)} />}
    </div>
  );
}

function Row({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="kv" data-testid={testId}>
      <div className="kv-k">{label}</div>
      <div className="kv-v">{children}</div>
    </div>
  );
}

function StorePanel({ data }: { data: LoadedTag }) {
  const { t, num } = useI18n();
  const s = data.store!;
  return (
    <Panel title={t("tag.definition")}>
      <Row label={t("common.type")}>
        <TypeLabel type={s.type} />
      </Row>
      <Row label={t("catalog.col.users")}>{num(s.users)}</Row>
      <Row label={t("tag.dataVersions")}>{s.versions.map((v) => v.date).join(", ")}</Row>
    </Panel>
  );
}

// The definition as an operator reads it: producer first, then schedule,
// ownership, quality overrides.
export function DefinitionPanel({ def }: { def: Definition }) {
  const { t } = useI18n();
  const p = def.producer ?? {};
  const kind: string = p.kind ?? "";
  const quality = def.quality && typeof def.quality === "object" ? Object.entries(def.quality) : [];
  return (
    <Panel title={t("tag.definition")} testId="tag-definition">
      <Row label={t("tag.producer")} testId="tag-producer">
        <ProducerLabel kind={kind} />
        {kind === "external" && <span className="muted"> · {t("tag.externalExplain")}</span>}
        {kind === "import" && <span className="muted"> · {t("tag.importExplain")}</span>}
      </Row>
      {kind === "sql" && (
        <>
          <Row label={t("tag.source")}>
            <span className="mono">{p.source}</span>
          </Row>
          <Row label={t("tag.query")}>
            <pre className="code-block" data-testid="tag-query">
              {p.query}
            </pre>
          </Row>
          {p.timeout_seconds !== undefined && <Row label={t("tag.timeout")}>{t("tag.seconds", { n: p.timeout_seconds })}</Row>}
        </>
      )}
      {kind === "composite" && p.expression !== undefined && (
        <Row label={t("tag.expression")}>
          <pre className="code-block">{p.expression}</pre>
        </Row>
      )}
      {kind === "composite" && Array.isArray(p.rules) && (
        <Row label={t("tag.rules")}>
          <table className="data compact">
            <thead>
              <tr>
                <th>{t("tag.ruleValue")}</th>
                <th>{t("tag.ruleWhen")}</th>
              </tr>
            </thead>
            <tbody>
              {p.rules.map((r: { value: string; when: string }, i: number) => (
                <tr key={i}>
                  <td>{String(r.value)}</td>
                  <td className="mono">{r.when}</td>
                </tr>
              ))}
              {p.else !== undefined && p.else !== null && (
                <tr>
                  <td>{String(p.else)}</td>
                  <td className="muted">{t("tag.ruleElse")}</td>
                </tr>
              )}
            </tbody>
          </table>
        </Row>
      )}
      {kind === "list" && <Row label={t("tag.listFile")}>{p.file ? <span className="mono">{p.file}</span> : t("tag.listNoFile")}</Row>}
      {(kind === "realtime" || kind === "behavior") && <RuleRows p={p} />}
      <Row label={t("tag.schedule")}>{def.schedule ? <span className="mono">{def.schedule}</span> : <span className="muted">{t("tag.noSchedule")}</span>}</Row>
      <Row label={t("tag.bizDate")}>{t(def.biz_date === "today" ? "tag.bizDate.today" : "tag.bizDate.yesterday")}</Row>
      <Row label={t("common.owner")}>{def.owner || "—"}</Row>
      <Row label={t("common.category")}>{def.category || t("catalog.uncategorized")}</Row>
      {def.description && <Row label={t("common.description")}>{def.description}</Row>}
      <Row label={t("tag.qualityOverrides")}>
        {quality.length === 0 ? (
          <span className="muted">{t("tag.qualityDefaults")}</span>
        ) : (
          quality.map(([k, v]) => (
            <div key={k}>
              {t(("quality.setting." + k) as "quality.setting.min_coverage")}: <span className="mono">{JSON.stringify(v)}</span>
            </div>
          ))
        )}
      </Row>
      {def.retention && (def.retention.keep_days > 0 || def.retention.keep_versions > 0) && (
        <Row label={t("tag.retention")}>{t("tag.retentionValue", { days: def.retention.keep_days, versions: def.retention.keep_versions })}</Row>
      )}
      <Row label={t("tag.personal")}>{def.personal ? t("tag.personalYes") : t("tag.personalNo")}</Row>
    </Panel>
  );
}

function RuleRows({ p }: { p: Record<string, any> }) {
  const { t } = useI18n();
  const list = (v: unknown) => (Array.isArray(v) ? v.join(", ") : "");
  return (
    <>
      <Row label={t("tag.rule")}>{t(("editor.rt.rule." + p.rule) as "editor.rt.rule.count")}</Row>
      {p.events && <Row label={t("tag.events")}>{list(p.events)}</Row>}
      {p.start && <Row label={t("editor.rt.start")}>{list(p.start)}</Row>}
      {p.end && <Row label={t("editor.rt.end")}>{list(p.end)}</Row>}
      {p.property && <Row label={t("editor.rt.property")}>{p.property}</Row>}
      {p.window_days !== undefined && <Row label={t("editor.rt.window")}>{t("tag.days", { n: p.window_days })}</Row>}
      {p.at_least !== undefined && <Row label={t("editor.rt.atLeast")}>{p.at_least}</Row>}
      {(p.from || p.to) && (
        <Row label={t("editor.rt.between")}>
          {p.from} – {p.to}
        </Row>
      )}
      {p.where && (
        <Row label={t("editor.rt.where")}>
          <span className="mono">{JSON.stringify(p.where)}</span>
        </Row>
      )}
      {p.map && (
        <Row label={t("editor.rt.map")}>
          <span className="mono">{JSON.stringify(p.map)}</span>
        </Row>
      )}
    </>
  );
}

function UsersOverTime({ data }: { data: LoadedTag }) {
  const { t, num, pct } = useI18n();
  const version = useAsync((signal) => getVersion<{ store: { users: number } }>(signal), []);
  const points = useMemo(() => {
    const dv = data.detail?.data_versions ?? data.store?.versions ?? [];
    return [...dv].sort((a, b) => a.date.localeCompare(b.date));
  }, [data]);
  const universe = version.data?.store.users;
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: {
        trigger: "axis",
        valueFormatter: (v: unknown) => (typeof v === "number" ? (v <= 1 && universe ? pct(v) : num(v)) : String(v)),
      },
      legend: { data: [t("tag.chart.users"), t("tag.chart.coverage")], bottom: 0 },
      grid: { left: 60, right: 60, top: 40, bottom: 60 },
      xAxis: { type: "category", data: points.map((p) => p.date) },
      yAxis: [
        { type: "value", name: t("tag.chart.users"), minInterval: 1, axisLabel: { formatter: (v: number) => num(v) } },
        { type: "value", name: t("tag.chart.coverage"), min: 0, max: 1, axisLabel: { formatter: (v: number) => pct(v, 0) } },
      ],
      series: [
        { name: t("tag.chart.users"), type: "line", data: points.map((p) => p.users), symbolSize: 7 },
        ...(universe
          ? [{ name: t("tag.chart.coverage"), type: "line", yAxisIndex: 1, data: points.map((p) => p.users / universe), lineStyle: { type: "dashed" }, symbolSize: 5 }]
          : []),
      ],
    }),
    [points, universe, t, num, pct],
  );
  return (
    <Panel title={t("tag.usersOverTime")}>
      {points.length === 0 ? (
        <Empty>{t("tag.noData")}</Empty>
      ) : (
        <>
          <Chart option={option} height={260} testId="tag-users-chart" />
          {universe !== undefined && <p className="muted small">{t("tag.coverageNote", { n: universe })}</p>}
        </>
      )}
    </Panel>
  );
}

function DistributionPanel({ name, versions }: { name: string; versions: string[] }) {
  const { t, num, pct } = useI18n();
  const [version, setVersion] = useState(versions[versions.length - 1]);
  const dist = useAsync((signal) => tagDistribution<Distribution>(name, { version }, signal), [name, version]);
  const rows = useMemo(() => {
    const d = dist.data;
    if (!d) return [];
    const label = (v: unknown) => (v === null ? t("tag.noValue") : v === true ? t("tag.true") : v === false ? t("tag.false") : String(v));
    if (d.values) return d.values.map((v) => ({ label: label(v.value), users: v.users }));
    return (d.buckets ?? []).map((b) => ({ label: b.from === b.to ? String(b.from) : `${b.from} – ${b.to}`, users: b.users }));
  }, [dist.data, t]);
  const total = dist.data?.users ?? 0;
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: "axis", valueFormatter: (v: unknown) => (typeof v === "number" ? `${num(v)} (${pct(total ? v / total : 0)})` : String(v)) },
      grid: { left: 60, right: 20, top: 20, bottom: rows.length > 8 ? 70 : 30 },
      xAxis: { type: "category", data: rows.map((r) => r.label), axisLabel: { rotate: rows.length > 8 ? 35 : 0, interval: 0 } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { formatter: (v: number) => num(v) } },
      dataZoom: rows.length > 30 ? [{ type: "slider", startValue: 0, endValue: 29 }] : [],
      series: [{ type: "bar", data: rows.map((r) => r.users), itemStyle: { color: "#3370ff" } }],
    }),
    [rows, total, num, pct],
  );
  const d = dist.data;
  return (
    <Panel
      title={t("tag.distribution")}
      testId="tag-distribution"
      actions={
        <select value={version} onChange={(e) => setVersion(e.target.value)} data-testid="distribution-version">
          {versions.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      }
    >
      {dist.error ? (
        <ErrorBox error={dist.error} onRetry={dist.reload} />
      ) : !d ? (
        <Loading />
      ) : rows.length === 0 ? (
        <Empty />
      ) : (
        <>
          <div className="row small muted" data-testid="distribution-stats">
            <span>{t("tag.dist.users", { n: d.users })}</span>
            {d.min !== undefined && <span>{t("tag.dist.min", { v: String(d.min) })}</span>}
            {d.max !== undefined && <span>{t("tag.dist.max", { v: String(d.max) })}</span>}
            {d.avg !== undefined && <span>{t("tag.dist.avg", { v: num(d.avg, 2) })}</span>}
          </div>
          <Chart option={option} height={300} testId="distribution-chart" />
        </>
      )}
    </Panel>
  );
}
