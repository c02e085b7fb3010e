// The quality tab: the checks of each new version (grouped by run), each
// passed or failed with the observed value against its bound.
import { useI18n } from "../../i18n";
import { useAsync } from "../../components/useAsync";
import { Empty, ErrorBox, Loading, Panel } from "../../components/ui";
import { tagQuality, type QualityCheck } from "../../api/catalog";
import { Passed } from "./labels";

export function QualityTab({ name }: { name: string }) {
  const { t } = useI18n();
  const q = useAsync((signal) => tagQuality<{ checks: QualityCheck[] }>(name, 200, signal), [name]);
  if (q.error) return <ErrorBox error={q.error} onRetry={q.reload} />;
  if (!q.data) return <Loading />;
  if (q.data.checks.length === 0) return <Empty>{t("tag.noChecks")}</Empty>;
  const groups = new Map<number, QualityCheck[]>();
  for (const c of q.data.checks) {
    if (!groups.has(c.run_id)) groups.set(c.run_id, []);
    groups.get(c.run_id)!.push(c);
  }
  const runs = [...groups.entries()].sort((a, b) => b[0] - a[0]);
  return (
    <div data-testid="quality-checks">
      {runs.map(([runId, checks]) => {
        const failed = checks.filter((c) => !c.passed).length;
        return (
          <Panel
            key={runId}
            title={t("tag.qualityRun", { id: runId, date: checks[0].biz_date })}
            actions={<span className={"badge " + (failed ? "bad" : "ok")}>{failed ? t("tag.checksFailed", { n: failed }) : t("tag.checksPassed")}</span>}
          >
            <CheckTable checks={checks} />
          </Panel>
        );
      })}
    </div>
  );
}

export function CheckValue({ check, v }: { check: string; v: number | null }) {
  const { num, pct } = useI18n();
  if (v === null || v === undefined) return <>—</>;
  if (check === "min_coverage" || check === "max_coverage" || check === "user_change") return <>{pct(v, 2)}</>;
  if (check === "psi") return <>{num(v, 3)}</>;
  return <>{num(v)}</>;
}

// A check's observed value, its bound and its message: three cells of a row.
export function CheckCells({ c }: { c: QualityCheck }) {
  return (
    <>
      <td className="num">
        <CheckValue check={c.check} v={c.observed} />
      </td>
      <td className="num">
        <CheckValue check={c.check} v={c.bound} />
      </td>
      <td className="muted small">{c.message}</td>
    </>
  );
}

export function CheckTable({ checks }: { checks: QualityCheck[] }) {
  const { t } = useI18n();
  const order = ["not_empty", "min_coverage", "max_coverage", "user_change", "psi"];
  const sorted = [...checks].sort((a, b) => order.indexOf(a.check) - order.indexOf(b.check));
  return (
    <table className="data compact">
      <thead>
        <tr>
          <th>{t("tag.check")}</th>
          <th>{t("common.status")}</th>
          <th className="num">{t("tag.observed")}</th>
          <th className="num">{t("tag.bound")}</th>
          <th>{t("tag.message")}</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((c, i) => (
          <tr key={i} className={c.passed ? "" : "row-bad"}>
            <td>{t(("quality.rule." + c.check) as "quality.rule.psi")}</td>
            <td>
              <Passed passed={c.passed} />
            </td>
            <CheckCells c={c} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
