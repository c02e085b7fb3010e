// The usage & lineage tab: uses by kind (chart), by principal (table), the
// last use, and what reads the tag (composite tags, saved segments) plus
// what it reads itself (a composite's inputs).
import { useMemo } from "react";
import { useI18n } from "../../i18n";
import { href } from "../../app/router";
import { useAsync } from "../../components/useAsync";
import { Chart, type ChartOption } from "../../components/Chart";
import { Empty, ErrorBox, Loading, Panel } from "../../components/ui";
import { tagUsage, type Dependents, type TagDetail } from "../../api/catalog";

interface Usage {
  tag: string;
  uses: number;
  last_used_ms: number | null;
  totals: Record<string, number>;
  rows: { kind: string; principal: string; uses: number; last_used_ms: number }[];
  lineage: Dependents;
}

const KINDS = ["count", "query", "export", "segment", "composite", "profile"];

// Tag names an expression mentions (identifiers that are not keywords);
// a rough reading for the "reads" list, the server checks the real thing.
function namesIn(expr: string): string[] {
  const stripped = expr.replace(/'(?:[^'\\]|\\.)*'/g, " ");
  const words = stripped.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  const keywords = new Set(["AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE", "ALL", "BETWEEN", "SEGMENT", "CONTAINS", "ANY", "HAS", "LIKE", "EXISTS"]);
  return Array.from(new Set(words.filter((w) => !keywords.has(w.toUpperCase()))));
}

export function UsageTab({ name, detail }: { name: string; detail: TagDetail | null }) {
  const { t, num, time } = useI18n();
  const usage = useAsync((signal) => tagUsage<Usage>(name, signal), [name]);
  const reads = useMemo(() => {
    const p = detail?.definition.producer;
    if (!p || p.kind !== "composite") return [];
    const exprs: string[] = p.expression ? [p.expression] : (p.rules ?? []).map((r: { when: string }) => r.when);
    return Array.from(new Set(exprs.flatMap(namesIn))).filter((n) => n !== name);
  }, [detail, name]);
  const u = usage.data;
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: "axis" },
      grid: { left: 90, right: 20, top: 10, bottom: 20 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: KINDS.map((k) => t(("tag.use." + k) as "tag.use.count")) },
      series: [{ type: "bar", data: KINDS.map((k) => u?.totals[k] ?? 0), itemStyle: { color: "#3370ff" } }],
    }),
    [u, t],
  );
  if (usage.error) return <ErrorBox error={usage.error} onRetry={usage.reload} />;
  if (!u) return <Loading />;
  return (
    <div>
      <div className="grid2">
        <Panel title={t("tag.usesByKind")} testId="usage-kinds">
          <div className="row">
            <span className="big-number" data-testid="usage-total">
              {num(u.uses)}
            </span>
            <span className="muted">{u.last_used_ms ? t("tag.lastUsed", { when: time(u.last_used_ms) }) : t("tag.neverUsed")}</span>
          </div>
          <Chart option={option} height={200} testId="usage-chart" />
        </Panel>
        <Panel title={t("tag.lineage")} testId="lineage">
          <h4>{t("tag.lineage.readBy")}</h4>
          <LinkList label={t("tag.lineage.composite")} items={u.lineage.composite_tags} to={(n) => href(["tags", n], { tab: "usage" })} testId="lineage-composite" />
          <LinkList label={t("tag.lineage.segments")} items={u.lineage.saved_segments} to={(n) => href(["segments", n])} testId="lineage-segments" />
          {reads.length > 0 && (
            <>
              <h4>{t("tag.lineage.reads")}</h4>
              <LinkList label={t("tag.lineage.inputs")} items={reads} to={(n) => href(["tags", n], { tab: "usage" })} testId="lineage-reads" />
            </>
          )}
        </Panel>
      </div>
      <Panel title={t("tag.usesByPrincipal")}>
        {u.rows.length === 0 ? (
          <Empty>{t("tag.neverUsed")}</Empty>
        ) : (
          <table className="data" data-testid="usage-rows">
            <thead>
              <tr>
                <th>{t("tag.useKind")}</th>
                <th>{t("tag.principal")}</th>
                <th className="num">{t("tag.uses")}</th>
                <th>{t("tag.lastUsedCol")}</th>
              </tr>
            </thead>
            <tbody>
              {[...u.rows]
                .sort((a, b) => b.uses - a.uses)
                .map((r, i) => (
                  <tr key={i}>
                    <td>{t(("tag.use." + r.kind) as "tag.use.count")}</td>
                    <td>{r.kind === "composite" ? <a href={href(["tags", r.principal])}>{r.principal}</a> : r.principal}</td>
                    <td className="num">{num(r.uses)}</td>
                    <td>{time(r.last_used_ms)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}

function LinkList({ label, items, to, testId }: { label: string; items: string[]; to: (n: string) => string; testId: string }) {
  const { t } = useI18n();
  return (
    <div className="kv" data-testid={testId}>
      <div className="kv-k">{label}</div>
      <div className="kv-v">
        {items.length === 0 ? (
          <span className="muted">{t("tag.none")}</span>
        ) : (
          items.map((n) => (
            <a key={n} href={to(n)} className="link-chip mono">
              {n}
            </a>
          ))
        )}
      </div>
    </div>
  );
}
