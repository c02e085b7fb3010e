// A report's answer as a chart and a table. One dimension: a bar per value,
// a row per value with every measure. Two: grouped bars and a pivot table
// (rows: first dimension, columns: second) of the chosen measure. Every
// cell is a segment: clicking it offers its insight, the segment editor,
// or saving it as a segment.
import { useCallback, useMemo, useState } from "react";
import { useI18n } from "../../i18n";
import { useSession } from "../../app/session";
import { Chart, type ChartOption } from "../../components/Chart";
import { ErrorBox, Field, Modal } from "../../components/ui";
import { insightHref, segmentHref } from "../insight/common";
import { href } from "../../app/router";
import { useTagInfos } from "../../components/TagPicker";
import { createSegment } from "../../api/segments";

export interface Measure {
  kind: "users" | "sum" | "avg" | "min" | "max" | "metric";
  tag?: string;
  label?: string;
  source?: string;
  query?: string;
}

export interface Dimension {
  tag: string;
  limit?: number;
  include_null?: boolean;
  edges?: (number | string)[];
}

export interface ReportDefinition {
  title?: string;
  base?: string;
  dimensions: Dimension[];
  measures: Measure[];
  as_of?: string;
  series?: { from: string; to: string; step_days?: number };
}

export type CellValue = number | string | null | { columns: string[]; rows: unknown[][] };

export interface Cell {
  keys: (string | null)[];
  expr: string;
  users: number;
  values: CellValue[];
}

export interface ReportTable {
  as_of: string;
  base_users: number;
  truncated: boolean;
  dimensions: { tag: string; values: (string | null)[] }[];
  cells: Cell[];
}

export interface ReportAnswer {
  title?: string;
  measures: { kind: string; label: string; tag?: string }[];
  tables: ReportTable[];
  elapsed_ms?: number;
}

// A measure's value as a number for charts (decimals arrive as strings).
export function cellNumber(v: CellValue): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  const first = v.rows?.[0]?.[0];
  return typeof first === "number" ? first : typeof first === "string" && Number.isFinite(Number(first)) ? Number(first) : null;
}

export function useCellText(): (v: CellValue) => string {
  const { num } = useI18n();
  return (v) => {
    if (v === null || v === undefined) return "—";
    if (typeof v === "number") return Number.isInteger(v) ? num(v) : num(v, 2);
    if (typeof v === "string") return v;
    const first = v.rows?.[0]?.[0];
    return first === undefined || first === null ? "—" : typeof first === "number" ? (Number.isInteger(first) ? num(first) : num(first, 2)) : String(first);
  };
}

export function useKeyLabel(): (k: string | null) => string {
  const { t } = useI18n();
  return useCallback((k: string | null) => (k === null || k === "(none)" ? t("insight.noValue") : k === "(other)" ? t("insight.other") : k === "true" ? t("expr.bool.true") : k === "false" ? t("expr.bool.false") : String(k)), [t]);
}

export function useMeasureLabel(tagTitle: (name: string) => string = (n) => n): (m: { kind: string; label: string; tag?: string }) => string {
  const { t } = useI18n();
  return useCallback((m: { kind: string; label: string; tag?: string }) => {
    if (m.kind === "users") return m.label && m.label !== "users" ? m.label : t("reports.m.users");
    if (m.kind === "metric" || !m.tag || (m.label && m.label !== `${m.kind}(${m.tag})`)) return m.label;
    return t(("reports.m." + m.kind) as "reports.m.sum", { tag: tagTitle(m.tag) });
  }, [t, tagTitle]);
}

export default function ReportResult({ answer, testId = "report-result", chartHeight = 320 }: { answer: ReportAnswer; testId?: string; chartHeight?: number }) {
  const { t, num, title } = useI18n();
  const [tableIdx, setTableIdx] = useState(answer.tables.length - 1);
  const [measure, setMeasure] = useState(0);
  const [cell, setCell] = useState<Cell | null>(null);
  const cellText = useCellText();
  const keyLabel = useKeyLabel();
  const table = answer.tables[Math.min(tableIdx, answer.tables.length - 1)];
  const tagNames = [...(table?.dimensions ?? []).map((d) => d.tag), ...answer.measures.map((m) => m.tag ?? "")].filter(Boolean);
  const infos = useTagInfos(tagNames);
  const tagTitle = useCallback((n: string) => title(infos[n]?.title, n), [infos, title]);
  const measureLabel = useMeasureLabel(tagTitle);
  const m = Math.min(measure, answer.measures.length - 1);

  const option = useMemo<ChartOption | null>(() => {
    if (!table || table.dimensions.length === 0) return null;
    const d0 = table.dimensions[0].values.map(keyLabel);
    const ml = measureLabel(answer.measures[m]);
    if (table.dimensions.length === 1) {
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 70, right: 20, top: 20, bottom: 70 },
        xAxis: { type: "category", data: d0, axisLabel: { interval: 0, rotate: d0.length > 8 ? 35 : 0, width: 90, overflow: "truncate" } },
        yAxis: { type: "value", name: ml },
        series: [{ type: "bar", name: ml, data: table.cells.map((c) => cellNumber(c.values[m])), itemStyle: { color: "#3370ff" } }],
      };
    }
    const d1 = table.dimensions[1].values;
    const n1 = d1.length;
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 70, right: 20, top: 36, bottom: 70 },
      xAxis: { type: "category", data: d0, axisLabel: { interval: 0, rotate: d0.length > 8 ? 35 : 0, width: 90, overflow: "truncate" } },
      yAxis: { type: "value", name: ml },
      series: d1.map((k, j) => ({
        type: "bar",
        name: keyLabel(k),
        data: d0.map((_, i) => cellNumber(table.cells[i * n1 + j]?.values[m] ?? null)),
      })),
    };
  }, [table, m, answer.measures, keyLabel, measureLabel]);

  // A series (one table per date): each cell's measure over the dates, one
  // line per group (the latest date's first 12 groups).
  const trend = useMemo<ChartOption | null>(() => {
    if (answer.tables.length < 2) return null;
    const dates = answer.tables.map((tb) => tb.as_of);
    const label = (c: Cell) => (c.keys.length === 0 ? measureLabel(answer.measures[m]) : c.keys.map(keyLabel).join(" · "));
    const groups = answer.tables[answer.tables.length - 1].cells.slice(0, 12).map((c) => JSON.stringify(c.keys));
    const series = groups.map((g) => {
      const points = answer.tables.map((tb) => {
        const c = tb.cells.find((x) => JSON.stringify(x.keys) === g);
        return c ? cellNumber(c.values[m]) : null;
      });
      const c = answer.tables[answer.tables.length - 1].cells.find((x) => JSON.stringify(x.keys) === g)!;
      return { type: "line", name: label(c), data: points, symbolSize: 5 };
    });
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 70, right: 20, top: 36, bottom: 40 },
      xAxis: { type: "category", data: dates },
      yAxis: { type: "value", name: measureLabel(answer.measures[m]) },
      series,
    };
  }, [answer, m, keyLabel, measureLabel]);

  if (!table) return <div className="muted">{t("common.empty")}</div>;
  const dims = table.dimensions;

  const onChartClick = (p: { dataIndex: number; seriesIndex: number }) => {
    const idx = dims.length === 2 ? p.dataIndex * dims[1].values.length + p.seriesIndex : p.dataIndex;
    const c = table.cells[idx];
    if (c) setCell(c);
  };

  return (
    <div className="report-result" data-testid={testId}>
      <div className="row report-meta">
        {answer.tables.length > 1 && (
          <label className="row inline-field">
            <span className="field-label">{t("reports.tableDate")}</span>
            <select value={tableIdx} onChange={(e) => setTableIdx(Number(e.target.value))} data-testid={testId + "-date"}>
              {answer.tables.map((tb, i) => (
                <option key={tb.as_of} value={i}>
                  {tb.as_of}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="muted small" data-testid={testId + "-base"}>
          {t("reports.baseUsers", { n: num(table.base_users), date: table.as_of })}
          {answer.elapsed_ms !== undefined ? " · " + t("common.elapsed", { ms: num(answer.elapsed_ms, 1) }) : ""}
        </span>
        {table.truncated && <span className="badge">{t("reports.truncated")}</span>}
        <span className="spacer" />
        {answer.measures.length > 1 && dims.length > 0 && (
          <label className="row inline-field">
            <span className="field-label">{t("reports.chartMeasure")}</span>
            <select value={m} onChange={(e) => setMeasure(Number(e.target.value))} data-testid={testId + "-measure"}>
              {answer.measures.map((x, i) => (
                <option key={i} value={i}>
                  {measureLabel(x)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {trend && (
        <>
          <div className="field-label">{t("reports.trend")}</div>
          <Chart option={trend} height={chartHeight} testId={testId + "-trend"} />
          <div className="field-label">{t("reports.tableOfDate", { date: table.as_of })}</div>
        </>
      )}
      {option && <Chart option={option} height={chartHeight} onClick={onChartClick} testId={testId + "-chart"} />}
      <div className="table-scroll">
        {dims.length <= 1 ? (
          <table className="data compact report-table" data-testid={testId + "-table"}>
            <thead>
              <tr>
                {dims.length === 1 && <th title={dims[0].tag}>{tagTitle(dims[0].tag)}</th>}
                {answer.measures.map((x, i) => (
                  <th key={i} className="num">
                    {measureLabel(x)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.cells.map((c, i) => (
                <tr key={i}>
                  {dims.length === 1 && <td>{keyLabel(c.keys[0])}</td>}
                  {c.values.map((v, j) => (
                    <td key={j} className="num cell" onClick={() => setCell(c)} title={c.expr} data-testid={`${testId}-cell-${i}-${j}`}>
                      {cellText(v)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <table className="data compact report-table pivot" data-testid={testId + "-table"}>
            <thead>
              <tr>
                <th>
                  {tagTitle(dims[0].tag)} \ {tagTitle(dims[1].tag)}
                </th>
                {dims[1].values.map((k, j) => (
                  <th key={j} className="num">
                    {keyLabel(k)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {dims[0].values.map((k, i) => (
                <tr key={i}>
                  <td>{keyLabel(k)}</td>
                  {dims[1].values.map((_, j) => {
                    const c = table.cells[i * dims[1].values.length + j];
                    return (
                      <td key={j} className="num cell" onClick={() => c && setCell(c)} title={c?.expr} data-testid={`${testId}-cell-${i}-${j}`}>
                        {c ? cellText(c.values[m]) : "—"}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {dims.length === 2 && <div className="muted small">{t("reports.pivotNote", { measure: measureLabel(answer.measures[m]) })}</div>}
      {cell && <CellModal cell={cell} asOf={table.as_of} measures={answer.measures} measureLabel={measureLabel} onClose={() => setCell(null)} />}
    </div>
  );
}

// One cell: its users and measures, its expression, and what to do with it.
function CellModal({ cell, asOf, measures, measureLabel, onClose }: { cell: Cell; asOf: string; measures: ReportAnswer["measures"]; measureLabel: (m: ReportAnswer["measures"][number]) => string; onClose: () => void }) {
  const { t, num } = useI18n();
  const session = useSession();
  const keyLabel = useKeyLabel();
  const cellText = useCellText();
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await createSegment({ name: name.trim(), expr: cell.expr });
      setSaved(name.trim());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={cell.keys.length ? cell.keys.map(keyLabel).join(" × ") : t("reports.allBase")} onClose={onClose}>
      <div data-testid="cell-modal">
        <div className="big-number" data-testid="cell-users">
          {t("common.users", { n: num(cell.users) })}
        </div>
        <table className="data compact">
          <tbody>
            {measures.map((m, i) => (
              <tr key={i}>
                <td>{measureLabel(m)}</td>
                <td className="num">{cellText(cell.values[i])}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="field-label">{t("reports.cellExpr")}</div>
        <code className="insight-expr" data-testid="cell-expr">
          {cell.expr}
        </code>
        <div className="row cell-actions">
          <a className="button-link" href={insightHref(cell.expr, asOf)} data-testid="cell-open-insight">
            {t("reports.openInsight")}
          </a>
          <a className="button-link" href={segmentHref(cell.expr, asOf)} data-testid="cell-open-segment">
            {t("reports.openSegment")}
          </a>
        </div>
        {session.can("analyst") && (
          <div className="cell-save">
            <Field label={t("reports.saveCellAs")} hint={t("segments.nameHint")} error={error instanceof Error ? error.message : undefined}>
              <div className="row">
                <input value={name} onChange={(e) => setName(e.target.value)} placeholder="segment_name" data-testid="cell-segment-name" />
                <button type="button" className="primary" disabled={busy || !name.trim()} onClick={save} data-testid="cell-save-segment">
                  {t("reports.saveSegment")}
                </button>
              </div>
            </Field>
            {saved && (
              <div className="ok-note" data-testid="cell-saved">
                {t("reports.cellSaved")} <a href={href(["segments", saved])}>{saved}</a>
              </div>
            )}
            {error !== undefined && !(error instanceof Error) && <ErrorBox error={error} />}
          </div>
        )}
      </div>
    </Modal>
  );
}
