// The segment over time: its size as of each day (history) and who entered
// or left between two dates (diff; the first ids for analysts).
import { useMemo, useState } from "react";
import { useI18n } from "../../i18n";
import { useSession } from "../../app/session";
import { href } from "../../app/router";
import { useAction, useAsync } from "../../components/useAsync";
import { ErrorBox, Figure, Loading, Panel } from "../../components/ui";
import { Chart, type ChartOption } from "../../components/Chart";
import { DateRange, targetBody, type Target } from "./common";
import { membershipDiff, sizeHistory } from "../../api/insight";
import { uploadSegmentList } from "../../api/segments";

export function addDays(date: string, n: number): string {
  const d = new Date(date + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

interface HistoryAnswer {
  points: { date: string; users: number }[];
  elapsed_ms?: number;
}

export function History({ target, asOf }: { target: Target; asOf: string }) {
  const { t, num } = useI18n();
  const [from, setFrom] = useState(addDays(asOf, -30));
  const [to, setTo] = useState(asOf);
  const [step, setStep] = useState(1);
  const ans = useAsync(
    (signal) => sizeHistory<HistoryAnswer>({ ...targetBody(target), from, to, step_days: step }, signal),
    [target.expr, target.segment, from, to, step],
  );
  const option = useMemo<ChartOption | null>(() => {
    if (!ans.data) return null;
    return {
      tooltip: { trigger: "axis", valueFormatter: (v: number) => num(v) },
      grid: { left: 70, right: 20, top: 20, bottom: 40 },
      xAxis: { type: "category", data: ans.data.points.map((p) => p.date) },
      yAxis: { type: "value", axisLabel: { formatter: (v: number) => num(v) } },
      series: [{ type: "line", name: t("insight.users"), data: ans.data.points.map((p) => p.users), areaStyle: { opacity: 0.12 }, symbolSize: 5 }],
    };
  }, [ans.data, num, t]);
  return (
    <div>
      <Panel>
        <div className="row">
          <DateRange from={from} to={to} setFrom={setFrom} setTo={setTo} testId="history" />
          <label className="row inline-field">
            <span className="field-label">{t("insight.step")}</span>
            <select value={step} onChange={(e) => setStep(Number(e.target.value))} data-testid="history-step">
              <option value={1}>{t("insight.step.day")}</option>
              <option value={7}>{t("insight.step.week")}</option>
              <option value={30}>{t("insight.step.month")}</option>
            </select>
          </label>
        </div>
        <div className="muted small">{t("insight.historyExplain")}</div>
      </Panel>
      {ans.error && <ErrorBox error={ans.error} onRetry={ans.reload} />}
      {ans.loading && !ans.data && <Loading />}
      {ans.data && option && (
        <Panel title={t("insight.historyTitle")}>
          <Chart option={option} height={300} testId="history-chart" />
          <details>
            <summary className="muted small">{t("insight.showTable")}</summary>
            <table className="data compact" data-testid="history-table">
              <thead>
                <tr>
                  <th>{t("insight.date")}</th>
                  <th className="num">{t("insight.users")}</th>
                  <th className="num">{t("insight.delta")}</th>
                </tr>
              </thead>
              <tbody>
                {ans.data.points.map((p, i) => {
                  const d = i > 0 ? p.users - ans.data!.points[i - 1].users : 0;
                  return (
                    <tr key={p.date}>
                      <td>{p.date}</td>
                      <td className="num">{num(p.users)}</td>
                      <td className={"num " + (d > 0 ? "up" : d < 0 ? "down" : "muted")}>{i === 0 ? "" : (d > 0 ? "+" : "") + num(d)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </details>
        </Panel>
      )}
    </div>
  );
}

interface DiffAnswer {
  from_users: number;
  to_users: number;
  stayed: number;
  entered: number;
  left: number;
  entered_ids?: string[];
  left_ids?: string[];
  elapsed_ms?: number;
}

export function Diff({ target, asOf }: { target: Target; asOf: string }) {
  const { t, num } = useI18n();
  const session = useSession();
  const [from, setFrom] = useState(addDays(asOf, -7));
  const [to, setTo] = useState(asOf);
  const [withIds, setWithIds] = useState(false);
  const ans = useAsync(
    (signal) => membershipDiff<DiffAnswer>({ ...targetBody(target), from, to, ids_limit: withIds ? 50 : undefined }, signal),
    [target.expr, target.segment, from, to, withIds],
  );
  const option = useMemo<ChartOption | null>(() => {
    const a = ans.data;
    if (!a) return null;
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v: number) => num(v) },
      legend: { top: 0 },
      grid: { left: 90, right: 30, top: 30, bottom: 20 },
      xAxis: { type: "value", axisLabel: { formatter: (v: number) => num(v) } },
      yAxis: { type: "category", data: [from, to] },
      series: [
        { name: t("insight.stayed"), type: "bar", stack: "s", data: [a.stayed, a.stayed], itemStyle: { color: "#8fa8d8" } },
        { name: t("insight.left"), type: "bar", stack: "s", data: [a.left, 0], itemStyle: { color: "#d83931" } },
        { name: t("insight.entered"), type: "bar", stack: "s", data: [0, a.entered], itemStyle: { color: "#34a853" } },
      ],
    };
  }, [ans.data, from, to, num, t]);
  return (
    <div>
      <Panel>
        <div className="row">
          <DateRange from={from} to={to} setFrom={setFrom} setTo={setTo} testId="diff" />
          {session.can("analyst") && (
            <label className="row inline-field">
              <input type="checkbox" checked={withIds} onChange={(e) => setWithIds(e.target.checked)} data-testid="diff-with-ids" />
              <span>{t("insight.showIds")}</span>
            </label>
          )}
        </div>
      </Panel>
      {ans.error && <ErrorBox error={ans.error} onRetry={ans.reload} />}
      {ans.loading && !ans.data && <Loading />}
      {ans.data && option && (
        <Panel title={t("insight.diffTitle", { from, to })}>
          <div className="row diff-numbers" data-testid="diff-numbers">
            <Figure label={t("insight.fromUsers", { date: from })} value={num(ans.data.from_users)} testId="diff-from-users" />
            <Figure label={t("insight.toUsers", { date: to })} value={num(ans.data.to_users)} testId="diff-to-users" />
            <Figure label={t("insight.entered")} value={"+" + num(ans.data.entered)} cls="up" testId="diff-entered" />
            <Figure label={t("insight.left")} value={"−" + num(ans.data.left)} cls="down" testId="diff-left" />
            <Figure label={t("insight.stayed")} value={num(ans.data.stayed)} testId="diff-stayed" />
          </div>
          <Chart option={option} height={160} testId="diff-chart" />
          {withIds && (
            <div className="grid2">
              <IdList title={t("insight.enteredIds")} ids={ans.data.entered_ids ?? []} total={ans.data.entered} testId="diff-entered-ids" save={{ body: { ...targetBody(target), from, to }, group: "entered" }} />
              <IdList title={t("insight.leftIds")} ids={ans.data.left_ids ?? []} total={ans.data.left} testId="diff-left-ids" save={{ body: { ...targetBody(target), from, to }, group: "left" }} />
            </div>
          )}
        </Panel>
      )}
    </div>
  );
}


// The diff answers at most this many ids per group (src/server/api_insight.cc).
const MAX_DIFF_IDS = 100_000;

function IdList({ title, ids, total, testId, save }: { title: string; ids: string[]; total: number; testId: string; save: { body: Parameters<typeof membershipDiff>[0]; group: "entered" | "left" } }) {
  const { t, num } = useI18n();
  const [name, setName] = useState("");
  const [saved, setSaved] = useState<string>();
  // Every id of the group (one more audited diff call), uploaded as a list segment's version.
  const { run, busy, error } = useAction(async () => {
    const all = await membershipDiff<DiffAnswer>({ ...save.body, ids_limit: MAX_DIFF_IDS });
    const list = (save.group === "entered" ? all.entered_ids : all.left_ids) ?? [];
    await uploadSegmentList(name, list.join("\n") + "\n");
    setSaved(name);
  });
  return (
    <div data-testid={testId}>
      <div className="field-label">
        {title} {ids.length < total && <span className="muted small">{t("insight.firstIds", { n: num(ids.length), total: num(total) })}</span>}
      </div>
      <div className="id-list mono small">{ids.join("\n")}</div>
      {total > 0 && total <= MAX_DIFF_IDS && (
        <div className="row">
          <input value={name} onChange={(e) => setName(e.target.value.trim())} placeholder={t("insight.saveGroupName")} data-testid={testId + "-name"} />
          <button type="button" disabled={busy || !name} onClick={() => run()} data-testid={testId + "-save"}>
            {t("insight.saveGroup")}
          </button>
          {saved && (
            <a href={href(["segments", saved])} data-testid={testId + "-saved"}>
              {t("insight.savedGroup", { name: saved })}
            </a>
          )}
        </div>
      )}
      {error !== undefined && <ErrorBox error={error} />}
    </div>
  );
}
