// Overlap of 2–8 segments: this one and the chosen saved segments (from
// the URL's `compare`) or typed expressions: sizes and exclusive parts, the
// pairwise matrix as a heatmap, and every region of the Venn diagram with
// its expression (open its insight, save it as a segment).
import { useMemo, useState } from "react";
import { useI18n } from "../../i18n";
import { useAsync } from "../../components/useAsync";
import { ErrorBox, Empty, Loading, Panel } from "../../components/ui";
import { Chart, type ChartOption } from "../../components/Chart";
import { tooltipLines } from "../../components/html";
import { DrillLinks, targetBody, type Target } from "./common";
import { overlap } from "../../api/insight";
import { listSegments } from "../../api/segments";

interface Answer {
  universe_users: number;
  segments: { label: string; expr: string; users: number; exclusive: number }[];
  intersections: number[][];
  union_users: number;
  common_users: number;
  regions?: { in: number[]; users: number; expr: string }[];
  elapsed_ms?: number;
}

type Item = { segment: string } | { expr: string };
const itemLabel = (i: Item) => ("segment" in i ? i.segment : i.expr);

export default function Overlap({ target, asOf, compare, onCompare }: { target: Target; asOf: string; compare: string[]; onCompare: (c: string[]) => void }) {
  const { t, num, pct } = useI18n();
  const [exprs, setExprs] = useState<string[]>([]);
  const [addName, setAddName] = useState("");
  const [addExpr, setAddExpr] = useState("");
  const saved = useAsync((signal) => listSegments<{ segments: { name: string }[] }>({}, signal).then((r) => r.segments.map((s) => s.name)), []);
  const items: Item[] = [...compare.map((segment) => ({ segment })), ...exprs.map((expr) => ({ expr }))];
  const selfLabel = target.segment ?? t("insight.thisSegment");
  const total = items.length + 1;
  const key = JSON.stringify(items);
  const ans = useAsync<Answer | null>(
    (signal) =>
      items.length === 0
        ? Promise.resolve(null)
        : overlap<Answer>(
            {
              segments: [{ ...targetBody(target), label: selfLabel }, ...items.map((i) => ({ ...i, label: itemLabel(i) }))],
              as_of: asOf,
            },
            signal,
          ),
    [target.expr, target.segment, asOf, key],
  );

  const option = useMemo<ChartOption | null>(() => {
    const a = ans.data;
    if (!a) return null;
    const labels = a.segments.map((s) => s.label);
    const data: [number, number, number][] = [];
    a.intersections.forEach((row, i) => row.forEach((v, j) => data.push([j, i, v])));
    const max = Math.max(1, ...a.segments.map((s) => s.users));
    return {
      tooltip: {
        formatter: (p: any) => {
          const [j, i, v] = p.data as [number, number, number];
          const si = a.segments[i].users;
          const sj = a.segments[j].users;
          // Segment labels are user text: every line is escaped (tooltipLines).
          return tooltipLines(
            `${labels[i]} ∩ ${labels[j]}`,
            num(v),
            t("insight.ofA", { a: labels[i], share: si ? pct(v / si) : "—" }),
            t("insight.ofA", { a: labels[j], share: sj ? pct(v / sj) : "—" }),
          );
        },
      },
      grid: { left: 140, right: 30, top: 10, bottom: 80 },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: 20, width: 120, overflow: "truncate" } },
      yAxis: { type: "category", data: labels, inverse: true, axisLabel: { width: 130, overflow: "truncate" } },
      visualMap: { min: 0, max, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120, inRange: { color: ["#f2f6ff", "#3370ff"] } },
      series: [{ type: "heatmap", data, label: { show: true, formatter: (p: any) => num((p.data as number[])[2]) } }],
    };
  }, [ans.data, num, pct, t]);

  const addSaved = () => {
    const n = addName.trim();
    if (n && !compare.includes(n) && total < 8) onCompare([...compare, n]);
    setAddName("");
  };
  const addTyped = () => {
    const e = addExpr.trim();
    if (e && !exprs.includes(e) && total < 8) setExprs([...exprs, e]);
    setAddExpr("");
  };

  return (
    <div>
      <Panel>
        <div className="row overlap-items" data-testid="overlap-items">
          <span className="chip self">{selfLabel}</span>
          {compare.map((n) => (
            <span key={"s" + n} className="chip">
              {n}
              <button type="button" className="link" onClick={() => onCompare(compare.filter((x) => x !== n))} aria-label={t("expr.remove")}>
                ×
              </button>
            </span>
          ))}
          {exprs.map((e) => (
            <span key={"e" + e} className="chip mono">
              {e}
              <button type="button" className="link" onClick={() => setExprs(exprs.filter((x) => x !== e))} aria-label={t("expr.remove")}>
                ×
              </button>
            </span>
          ))}
        </div>
        {total < 8 && (
          <div className="row">
            <input list="overlap-saved" placeholder={t("insight.addSaved")} value={addName} onChange={(e) => setAddName(e.target.value)} onKeyDown={(e) => e.key === "Enter" && addSaved()} data-testid="overlap-add-segment" />
            <datalist id="overlap-saved">
              {(saved.data ?? []).map((n) => (
                <option key={n} value={n} />
              ))}
            </datalist>
            <button type="button" onClick={addSaved} disabled={!addName.trim()} data-testid="overlap-add-segment-btn">
              {t("insight.add")}
            </button>
            <input className="mono grow" placeholder={t("insight.addExpr")} value={addExpr} onChange={(e) => setAddExpr(e.target.value)} onKeyDown={(e) => e.key === "Enter" && addTyped()} data-testid="overlap-add-expr" />
            <button type="button" onClick={addTyped} disabled={!addExpr.trim()} data-testid="overlap-add-expr-btn">
              {t("insight.add")}
            </button>
          </div>
        )}
        <div className="muted small">{t("insight.overlapExplain")}</div>
      </Panel>
      {ans.error && <ErrorBox error={ans.error} onRetry={ans.reload} />}
      {ans.loading && items.length > 0 && !ans.data && <Loading />}
      {ans.data === null && <Empty>{t("insight.overlapEmpty")}</Empty>}
      {ans.data && option && (
        <div className={ans.loading ? "stale" : ""}>
          <div className="grid2">
            <Panel title={t("insight.overlapMatrix")}>
              <Chart option={option} height={Math.max(260, 70 * ans.data.segments.length + 90)} testId="overlap-heatmap" />
            </Panel>
            <Panel title={t("insight.overlapSizes")}>
              <table className="data compact" data-testid="overlap-segments">
                <thead>
                  <tr>
                    <th>{t("insight.segment")}</th>
                    <th className="num">{t("insight.users")}</th>
                    <th className="num">{t("insight.exclusive")}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {ans.data.segments.map((s, i) => (
                    <tr key={i}>
                      <td title={s.expr}>{s.label}</td>
                      <td className="num">{num(s.users)}</td>
                      <td className="num">{num(s.exclusive)}</td>
                      <td>
                        <DrillLinks expr={s.expr} asOf={asOf} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="row overlap-totals">
                <span data-testid="overlap-union">{t("insight.union", { n: num(ans.data.union_users) })}</span>
                <span data-testid="overlap-common">{t("insight.common", { n: num(ans.data.common_users) })}</span>
              </div>
            </Panel>
          </div>
          {ans.data.regions && (
            <Panel title={t("insight.regions")}>
              <table className="data compact" data-testid="overlap-regions">
                <thead>
                  <tr>
                    <th>{t("insight.regionIn")}</th>
                    <th className="num">{t("insight.users")}</th>
                    <th className="num">{t("insight.ofUnion")}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {[...ans.data.regions]
                    .sort((a, b) => b.users - a.users)
                    .map((r, i) => (
                      <tr key={i} data-testid={"overlap-region-" + i}>
                        <td title={r.expr}>
                          {r.in.map((k) => (
                            <span key={k} className="chip small-chip">
                              {ans.data!.segments[k].label}
                            </span>
                          ))}
                        </td>
                        <td className="num">{num(r.users)}</td>
                        <td className="num">{ans.data!.union_users ? pct(r.users / ans.data!.union_users) : "—"}</td>
                        <td>
                          <DrillLinks expr={r.expr} asOf={asOf} testId={"overlap-region-drill-" + i} />
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </Panel>
          )}
        </div>
      )}
    </div>
  );
}
