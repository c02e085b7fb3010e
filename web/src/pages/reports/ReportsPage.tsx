// Reports (#/reports, #/reports/{name}): the saved reports on the left; on
// the right the report builder — a base segment, one or two dimensions (a
// tag's values with a limit, or a numeric tag's buckets), measures (users,
// sum/avg/min/max of a numeric tag) — run it to see a chart and a table
// whose every cell is a segment; save it (each save is a version).
import { useEffect, useState } from "react";
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";
import { useSession } from "../../app/session";
import { href, navigate } from "../../app/router";
import { useAsync } from "../../components/useAsync";
import { DateInput, Empty, ErrorBox, Field, Loading, Panel, Tabs, businessToday } from "../../components/ui";
import ExpressionBuilder from "../../components/expression/ExpressionBuilder";
import { TagPicker, useTagInfos } from "../../components/TagPicker";
import { baseType } from "../../components/expression/lang";
import ReportResult, { type Dimension, type Measure, type ReportAnswer, type ReportDefinition } from "./ReportResult";
import { createReport, deleteReport, getReport, listReports, putReport, reportVersions, runDefinition } from "../../api/reports";

interface ReportItem {
  name: string;
  version: number;
  title?: string;
  updated_by?: string;
  updated_ms?: number;
}

export default function ReportsPage({ route }: PageProps) {
  const { t, time } = useI18n();
  const name = route.parts[1];
  const list = useAsync((signal) => listReports<{ reports: ReportItem[] }>(signal).then((r) => r.reports), []);
  const [q, setQ] = useState("");
  const shown = (list.data ?? []).filter((r) => !q || r.name.toLowerCase().includes(q.toLowerCase()) || (r.title ?? "").toLowerCase().includes(q.toLowerCase()));
  return (
    <div className="seg-page">
      <Panel
        title={t("reports.saved")}
        actions={
          <a href={href(["reports"])} className="button-link" data-testid="report-new">
            + {t("reports.new")}
          </a>
        }
        testId="report-list"
      >
        <input className="full" placeholder={t("reports.filter")} value={q} onChange={(e) => setQ(e.target.value)} data-testid="report-filter" />
        {list.error && <ErrorBox error={list.error} />}
        {list.loading && !list.data && <Loading />}
        {list.data && shown.length === 0 && <Empty>{t("reports.none")}</Empty>}
        <ul className="seg-list">
          {shown.map((r) => (
            <li key={r.name} className={r.name === name ? "active" : ""}>
              <a href={href(["reports", r.name])} data-testid={"report-item-" + r.name}>
                <span className="seg-name">{r.title || r.name}</span>
                <span className="badge">v{r.version}</span>
              </a>
              <div className="small muted">
                {r.name}
                {r.updated_ms ? " · " + (r.updated_by ?? "") + " " + time(r.updated_ms) : ""}
              </div>
            </li>
          ))}
        </ul>
      </Panel>
      <ReportEditor key={name ?? "new"} name={name} onSaved={list.reload} />
    </div>
  );
}

const emptyDef = (): ReportDefinition => ({ title: "", base: "", dimensions: [{ tag: "", limit: 20 }], measures: [{ kind: "users" }] });

// The definition as the server takes it: empty parts left out.
function cleanDef(d: ReportDefinition): ReportDefinition {
  const out: ReportDefinition = {
    dimensions: d.dimensions.filter((x) => x.tag).map((x) => {
      const dim: Dimension = { tag: x.tag };
      if (x.edges && x.edges.length) dim.edges = x.edges;
      else if (x.limit) dim.limit = x.limit;
      if (x.include_null) dim.include_null = true;
      return dim;
    }),
    measures: d.measures.filter((m) => m.kind === "users" || m.kind === "metric" || m.tag).map((m) => {
      const x: Measure = { kind: m.kind };
      if (m.tag && m.kind !== "users") x.tag = m.tag;
      if (m.label && !/^(users|(sum|avg|min|max)\(.*\))$/.test(m.label)) x.label = m.label;
      if (m.kind === "metric") {
        x.source = m.source;
        x.query = m.query;
        x.label = m.label;
      }
      return x;
    }),
  };
  if (d.title?.trim()) out.title = d.title.trim();
  if (d.base?.trim()) out.base = d.base.trim();
  if (d.series) out.series = d.series;
  return out;
}

function ReportEditor({ name, onSaved }: { name?: string; onSaved: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const canSave = session.can("analyst");
  const saved = useAsync((signal) => (name ? getReport<{ name: string; version: number; definition: ReportDefinition }>(name, signal) : Promise.resolve(null)), [name]);
  const [def, setDef] = useState<ReportDefinition>(emptyDef);
  const [asOf, setAsOf] = useState(businessToday());
  const [useSeries, setUseSeries] = useState(false);
  const [answer, setAnswer] = useState<ReportAnswer>();
  const [runError, setRunError] = useState<unknown>();
  const [running, setRunning] = useState(false);
  const [newName, setNewName] = useState("");
  const [saveError, setSaveError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [tab, setTab] = useState<"edit" | "versions">("edit");

  useEffect(() => {
    if (saved.data) {
      const d = saved.data.definition;
      setDef({ ...d, dimensions: d.dimensions ?? [], measures: d.measures ?? [{ kind: "users" }] });
      setUseSeries(!!d.series);
      if (d.as_of) setAsOf(d.as_of);
      setAnswer(undefined);
    }
  }, [saved.data]);

  const run = async (d = def, series = useSeries, day = asOf) => {
    setRunning(true);
    setRunError(undefined);
    try {
      const clean = cleanDef({ ...d, series: series ? d.series : undefined });
      const t0 = performance.now();
      const r = await runDefinition<ReportAnswer>({ definition: clean, as_of: series ? undefined : day });
      setAnswer({ ...r, elapsed_ms: r.elapsed_ms ?? performance.now() - t0 });
    } catch (e) {
      setRunError(e);
    } finally {
      setRunning(false);
    }
  };

  // A saved report runs once it is loaded.
  useEffect(() => {
    const d = saved.data?.definition;
    if (d) run({ ...d, dimensions: d.dimensions ?? [], measures: d.measures ?? [] }, !!d.series, d.as_of ?? businessToday());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [saved.data]);

  const save = async () => {
    setSaveError(undefined);
    setNotice(undefined);
    const clean = cleanDef({ ...def, series: useSeries ? def.series : undefined });
    try {
      if (name) {
        const r = await putReport<{ version: number }>(name, { definition: clean });
        setNotice(t("reports.savedVersion", { v: r.version }));
        onSaved();
        saved.reload();
      } else {
        await createReport({ name: newName.trim(), definition: clean });
        onSaved();
        navigate(["reports", newName.trim()]);
      }
    } catch (e) {
      setSaveError(e);
    }
  };

  const remove = async () => {
    if (!name || !window.confirm(t("reports.confirmDelete", { name }))) return;
    try {
      await deleteReport(name);
      onSaved();
      navigate(["reports"]);
    } catch (e) {
      setSaveError(e);
    }
  };

  if (name && saved.loading && !saved.data) return <Loading />;
  if (name && saved.error) return <ErrorBox error={saved.error} onRetry={saved.reload} />;

  const setDim = (i: number, d: Dimension | null) => setDef({ ...def, dimensions: d ? def.dimensions.map((x, j) => (j === i ? d : x)) : def.dimensions.filter((_, j) => j !== i) });
  const setMeasure = (i: number, m: Measure | null) => setDef({ ...def, measures: m ? def.measures.map((x, j) => (j === i ? m : x)) : def.measures.filter((_, j) => j !== i) });

  return (
    <div className="seg-editor">
      <div className="row seg-head">
        <h2 data-testid="report-title">{name ? def.title || name : t("reports.newTitle")}</h2>
        {name && saved.data && <span className="badge">v{saved.data.version}</span>}
      </div>
      {name && <Tabs tabs={[{ key: "edit", label: t("reports.tabEdit") }, { key: "versions", label: t("reports.tabVersions") }]} active={tab} onChange={setTab} />}
      {tab === "versions" && name ? (
        <Versions name={name} onLoad={(d) => { setDef({ ...d, dimensions: d.dimensions ?? [], measures: d.measures ?? [] }); setTab("edit"); }} />
      ) : (
        <>
          <Panel title={t("reports.definition")} testId="report-definition">
            <Field label={t("reports.reportTitle")}>
              <input value={def.title ?? ""} onChange={(e) => setDef({ ...def, title: e.target.value })} placeholder={t("reports.titlePlaceholder")} data-testid="report-title-input" />
            </Field>
            <div className="field">
              <span className="field-label">{t("reports.base")}</span>
              <ExpressionBuilder value={def.base ?? ""} onChange={(base) => setDef({ ...def, base })} asOf={asOf} testId="report-base" />
              <span className="field-hint">{t("reports.baseHint")}</span>
            </div>
            <div className="field">
              <span className="field-label">{t("reports.dimensions")}</span>
              {def.dimensions.map((d, i) => (
                <DimensionRow key={i} index={i} d={d} onChange={(x) => setDim(i, x)} />
              ))}
              {def.dimensions.length < 2 && (
                <div>
                  <button type="button" className="small" onClick={() => setDef({ ...def, dimensions: [...def.dimensions, { tag: "", limit: 10 }] })} data-testid="report-add-dimension">
                    + {t("reports.addDimension")}
                  </button>
                </div>
              )}
            </div>
            <div className="field">
              <span className="field-label">{t("reports.measures")}</span>
              {def.measures.map((m, i) => (
                <MeasureRow key={i} index={i} m={m} onChange={(x) => setMeasure(i, x)} />
              ))}
              <div>
                <button type="button" className="small" onClick={() => setDef({ ...def, measures: [...def.measures, { kind: "avg", tag: "" }] })} data-testid="report-add-measure">
                  + {t("reports.addMeasure")}
                </button>
              </div>
            </div>
            <div className="row">
              <label className="row inline-field">
                <input type="radio" checked={!useSeries} onChange={() => setUseSeries(false)} data-testid="report-mode-day" />
                <span>{t("reports.oneDay")}</span>
                <DateInput value={asOf} onChange={(v) => setAsOf(v || businessToday())} testId="report-asof" />
              </label>
              <label className="row inline-field">
                <input
                  type="radio"
                  checked={useSeries}
                  onChange={() => {
                    setUseSeries(true);
                    if (!def.series) setDef({ ...def, series: { from: addDaysIso(asOf, -6), to: asOf, step_days: 1 } });
                  }}
                  data-testid="report-mode-series"
                />
                <span>{t("reports.series")}</span>
              </label>
              {useSeries && def.series && (
                <>
                  <DateInput value={def.series.from} onChange={(v) => v && setDef({ ...def, series: { ...def.series!, from: v } })} testId="report-series-from" />
                  <span>–</span>
                  <DateInput value={def.series.to} onChange={(v) => v && setDef({ ...def, series: { ...def.series!, to: v } })} testId="report-series-to" />
                  <label className="row inline-field">
                    <span className="field-label">{t("reports.stepDays")}</span>
                    <input className="num-input" type="number" min={1} value={def.series.step_days ?? 1} onChange={(e) => setDef({ ...def, series: { ...def.series!, step_days: Math.max(1, Number(e.target.value) || 1) } })} />
                  </label>
                </>
              )}
            </div>
            <div className="row">
              <button type="button" className="primary" disabled={running} onClick={() => run()} data-testid="report-run">
                {running ? t("reports.running") : t("reports.run")}
              </button>
            </div>
            {runError !== undefined && <ErrorBox error={runError} />}
          </Panel>

          {answer && (
            <Panel title={t("reports.result")} testId="report-result-panel">
              <ReportResult answer={answer} />
            </Panel>
          )}

          {canSave && (
            <Panel title={t("reports.saveTitle")}>
              {!name && (
                <Field label={t("reports.name")} hint={t("segments.nameHint")}>
                  <input value={newName} onChange={(e) => setNewName(e.target.value)} placeholder="vip_by_city" data-testid="report-name" />
                </Field>
              )}
              {saveError !== undefined && <ErrorBox error={saveError} />}
              {notice && <div className="ok-note" data-testid="report-saved-note">{notice}</div>}
              <div className="row">
                <button type="button" className="primary" disabled={!name && !newName.trim()} onClick={save} data-testid="report-save">
                  {name ? t("reports.saveNewVersion") : t("reports.save")}
                </button>
                {name && (
                  <button type="button" className="danger" onClick={remove} data-testid="report-delete">
                    {t("common.delete")}
                  </button>
                )}
              </div>
            </Panel>
          )}
        </>
      )}
    </div>
  );
}

function addDaysIso(date: string, n: number): string {
  const d = new Date(date + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function DimensionRow({ index, d, onChange }: { index: number; d: Dimension; onChange: (d: Dimension | null) => void }) {
  const { t } = useI18n();
  const infos = useTagInfos(d.tag ? [d.tag] : []);
  const type = baseType(d.tag ? infos[d.tag]?.type : undefined);
  const numeric = type === "int" || type === "decimal" || type === "date";
  const [edges, setEdges] = useState((d.edges ?? []).join(", "));
  useEffect(() => setEdges((d.edges ?? []).join(", ")), [d.tag]);
  const tid = "report-dim-" + index;
  return (
    <div className="row report-row" data-testid={tid}>
      <span className="muted small">{index === 0 ? t("reports.rows") : t("reports.columns")}</span>
      <TagPicker value={d.tag || undefined} onChange={(tag) => onChange({ tag: tag.name, limit: ["int", "decimal", "date"].includes(baseType(tag.type)) ? undefined : 20 })} testId={tid + "-tag"} />
      {d.tag && !numeric && (
        <label className="row inline-field">
          <span className="field-label">{t("reports.limit")}</span>
          <input className="num-input" type="number" min={1} max={1000} value={d.limit ?? 20} onChange={(e) => onChange({ ...d, limit: Math.max(1, Number(e.target.value) || 1) })} data-testid={tid + "-limit"} />
        </label>
      )}
      {d.tag && numeric && (
        <label className="row inline-field">
          <span className="field-label">{t("reports.edges")}</span>
          <input
            className="expr-list"
            value={edges}
            placeholder={type === "date" ? "2026-01-01, 2026-07-01" : "18, 30, 40, 50"}
            onChange={(e) => {
              setEdges(e.target.value);
              const parts = e.target.value.split(",").map((s) => s.trim()).filter(Boolean);
              onChange({ ...d, limit: undefined, edges: type === "date" ? parts : parts.map(Number).filter((x) => Number.isFinite(x)) });
            }}
            data-testid={tid + "-edges"}
          />
          <span className="field-hint">{t("reports.edgesHint")}</span>
        </label>
      )}
      {d.tag && (
        <label className="row inline-field">
          <input type="checkbox" checked={!!d.include_null} onChange={(e) => onChange({ ...d, include_null: e.target.checked })} data-testid={tid + "-null"} />
          <span>{t("reports.includeNull")}</span>
        </label>
      )}
      <button type="button" className="link danger" onClick={() => onChange(null)} aria-label={t("expr.remove")} data-testid={tid + "-remove"}>
        ×
      </button>
    </div>
  );
}

function MeasureRow({ index, m, onChange }: { index: number; m: Measure; onChange: (m: Measure | null) => void }) {
  const { t } = useI18n();
  const tid = "report-measure-" + index;
  return (
    <div className="row report-row" data-testid={tid}>
      <select
        value={m.kind}
        onChange={(e) => {
          const kind = e.target.value as Measure["kind"];
          onChange(kind === "metric" ? { kind, source: m.source ?? "", query: m.query ?? "" } : { kind, tag: kind === "users" ? undefined : m.tag });
        }}
        data-testid={tid + "-kind"}
      >
        {(["users", "sum", "avg", "min", "max", "metric"] as const).map((k) => (
          <option key={k} value={k}>
            {t(("reports.kind." + k) as "reports.kind.users")}
          </option>
        ))}
      </select>
      {m.kind === "metric" && (
        <div className="report-metric">
          <input value={m.source ?? ""} placeholder={t("reports.metricSource")} onChange={(e) => onChange({ ...m, source: e.target.value })} data-testid={tid + "-source"} />
          <textarea className="code" rows={3} value={m.query ?? ""} placeholder={t("reports.metricQuery")} onChange={(e) => onChange({ ...m, query: e.target.value })} data-testid={tid + "-query"} />
          <span className="muted small">{t("reports.metricHint")}</span>
        </div>
      )}
      {m.kind !== "users" && m.kind !== "metric" && (
        <TagPicker value={m.tag || undefined} types={m.kind === "min" || m.kind === "max" ? ["int", "decimal", "date"] : ["int", "decimal"]} onChange={(tag) => onChange({ ...m, tag: tag.name, label: undefined })} testId={tid + "-tag"} />
      )}
      <input className="measure-label" value={m.label && !/^(users|(sum|avg|min|max)\(.*\))$/.test(m.label) ? m.label : ""} placeholder={t("reports.labelPlaceholder")} onChange={(e) => onChange({ ...m, label: e.target.value || undefined })} data-testid={tid + "-label"} />
      <button type="button" className="link danger" onClick={() => onChange(null)} aria-label={t("expr.remove")} data-testid={tid + "-remove"}>
        ×
      </button>
    </div>
  );
}

function Versions({ name, onLoad }: { name: string; onLoad: (d: ReportDefinition) => void }) {
  const { t, time } = useI18n();
  const v = useAsync(
    (signal) => reportVersions<{ versions: { version: number; changed_by: string; changed_ms: number; deleted: boolean; definition: ReportDefinition }[] }>(name, signal).then((r) => r.versions),
    [name],
  );
  if (v.error) return <ErrorBox error={v.error} />;
  if (!v.data) return <Loading />;
  return (
    <Panel>
      <table className="data compact" data-testid="report-versions">
        <thead>
          <tr>
            <th>{t("segments.version")}</th>
            <th>{t("reports.changedBy")}</th>
            <th>{t("reports.reportTitle")}</th>
            <th>{t("reports.summary")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {[...v.data].reverse().map((x) => (
            <tr key={x.version}>
              <td>v{x.version}</td>
              <td className="small">
                {x.changed_by} · {time(x.changed_ms)}
              </td>
              <td>{x.definition?.title ?? ""}</td>
              <td className="small mono">
                {x.definition ? [x.definition.base || "ALL", ...(x.definition.dimensions ?? []).map((d) => d.tag), ...(x.definition.measures ?? []).map((m) => m.kind + (m.tag ? "(" + m.tag + ")" : ""))].join(" · ") : ""}
              </td>
              <td>
                {x.definition && !x.deleted && (
                  <button type="button" className="small" onClick={() => onLoad(x.definition)} data-testid={"report-load-version-" + x.version}>
                    {t("reports.loadVersion")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
