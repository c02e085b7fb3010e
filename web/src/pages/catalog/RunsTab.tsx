// The runs tab: run history (refreshing while a run is queued or running),
// a run's log, and for operators "run now", "repair a date", "backfill a
// range" and cancelling a queued or running run. RunActions, RunLogModal
// and CancelRunButton are reused by the quality page.
import { useEffect, useState } from "react";
import { useI18n } from "../../i18n";
import { useSession } from "../../app/session";
import { useAsync } from "../../components/useAsync";
import { DateInput, Empty, ErrorBox, Field, Loading, Modal, Panel, fieldError } from "../../components/ui";
import { backfill, cancelRun, getRun, startRun, tagRuns, type Run, type TagDetail } from "../../api/catalog";
import { RunState } from "./labels";

const PRODUCIBLE = ["sql", "list", "composite", "realtime", "behavior"];

export function RunsTab({ name, detail, onChanged }: { name: string; detail: TagDetail | null; onChanged: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [logId, setLogId] = useState<number | null>(null);
  const runs = useAsync((signal) => tagRuns<{ runs: Run[] }>(name, 100, signal), [name]);
  const active = runs.data?.runs.some((r) => r.state === "queued" || r.state === "running");
  useEffect(() => {
    if (!active) return;
    const id = setInterval(runs.reload, 2000);
    return () => clearInterval(id);
  }, [active, runs.reload]);
  const kind = detail?.definition.producer?.kind ?? "";
  const changed = () => {
    runs.reload();
    onChanged();
  };
  return (
    <div>
      {session.can("operator") && detail && PRODUCIBLE.includes(kind) && <RunActions name={name} onQueued={changed} />}
      {detail && !PRODUCIBLE.includes(kind) && <div className="notice">{t("tag.runsNotProducible")}</div>}
      <Panel
        title={t("tag.runHistory")}
        actions={
          <button onClick={runs.reload} data-testid="runs-refresh">
            {t("common.refresh")}
          </button>
        }
      >
        {runs.error ? (
          <ErrorBox error={runs.error} onRetry={runs.reload} />
        ) : !runs.data ? (
          <Loading />
        ) : runs.data.runs.length === 0 ? (
          <Empty>{t("tag.noRuns")}</Empty>
        ) : (
          <RunTable runs={runs.data.runs} onOpen={setLogId} onChanged={changed} />
        )}
      </Panel>
      {logId !== null && <RunLogModal id={logId} onClose={() => setLogId(null)} />}
    </div>
  );
}

export function RunTable({ runs, onOpen, onChanged, showTag }: { runs: Run[]; onOpen: (id: number) => void; onChanged: () => void; showTag?: boolean }) {
  const { t, num, time } = useI18n();
  return (
    <table className="data" data-testid="runs-table">
      <thead>
        <tr>
          <th>#</th>
          {showTag && <th>{t("catalog.col.name")}</th>}
          <th>{t("tag.bizDateCol")}</th>
          <th>{t("tag.trigger")}</th>
          <th>{t("common.status")}</th>
          <th>{t("tag.defVersionCol")}</th>
          <th className="num">{t("catalog.col.users")}</th>
          <th>{t("tag.queuedAt")}</th>
          <th>{t("tag.duration")}</th>
          <th>{t("tag.requestedBy")}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} data-testid={"run-row-" + r.id}>
            <td>
              <button className="link" onClick={() => onOpen(r.id)} data-testid={"run-open-" + r.id}>
                #{r.id}
              </button>
            </td>
            {showTag && (
              <td>
                <a className="mono" href={"#/tags/" + encodeURIComponent(r.tag) + "?tab=runs"}>
                  {r.tag}
                </a>
              </td>
            )}
            <td className="nowrap">{r.biz_date}</td>
            <td className="nowrap">{t(("tag.trigger." + r.trigger) as "tag.trigger.manual")}</td>
            <td>
              <RunState state={r.state} />
              {r.error && (
                <div className="field-error small" title={r.error}>
                  {r.error.length > 120 ? r.error.slice(0, 120) + "…" : r.error}
                </div>
              )}
            </td>
            <td>v{r.definition_version}</td>
            <td className="num">{r.users !== null ? num(r.users) : "—"}</td>
            <td className="nowrap">{time(r.queued_at_ms)}</td>
            <td className="nowrap">{r.started_at_ms && r.finished_at_ms ? t("tag.secondsShort", { n: Math.round((r.finished_at_ms - r.started_at_ms) / 100) / 10 }) : "—"}</td>
            <td>{r.requested_by}</td>
            <td>{(r.state === "queued" || r.state === "running") && <CancelRunButton id={r.id} onDone={onChanged} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CancelRunButton({ id, onDone }: { id: number; onDone: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [error, setError] = useState<string>();
  if (!session.can("operator")) return null;
  return (
    <>
      <button
        className="danger small"
        data-testid={"run-cancel-" + id}
        onClick={async () => {
          try {
            await cancelRun(id);
          } catch (e) {
            setError(e instanceof Error ? e.message : String(e));
          }
          onDone();
        }}
      >
        {t("tag.cancelRun")}
      </button>
      {error && <div className="field-error small">{error}</div>}
    </>
  );
}

// Run now / repair a date / backfill a range for one tag.
export function RunActions({ name, onQueued, compact }: { name: string; onQueued: () => void; compact?: boolean }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<"run" | "repair" | "backfill" | null>(null);
  const [date, setDate] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      if (mode === "backfill") {
        const a = await backfill<{ runs?: unknown[]; run_ids?: number[] }>(name, { from, to });
        const n = a.run_ids?.length ?? a.runs?.length;
        setDone(n !== undefined ? t("tag.backfillQueued", { n }) : t("tag.queued"));
      } else {
        const a = await startRun<{ run_id?: number; id?: number }>(name, {
          ...(date ? { date } : {}),
          ...(mode === "repair" ? { repair: true } : {}),
        });
        setDone(t("tag.runQueued", { id: String(a.run_id ?? a.id ?? "") }));
      }
      setMode(null);
      onQueued();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const message = error instanceof Error ? error.message : undefined;
  return (
    <div className={compact ? "row" : "row run-actions"}>
      <button className="primary" onClick={() => { setMode("run"); setDate(""); }} data-testid="run-now">
        {t("tag.runNow")}
      </button>
      <button onClick={() => { setMode("repair"); setDate(""); }} data-testid="run-repair">
        {t("tag.repair")}
      </button>
      <button onClick={() => setMode("backfill")} data-testid="run-backfill">
        {t("tag.backfill")}
      </button>
      {done && (
        <span className="ok-text" data-testid="run-queued">
          {done}
        </span>
      )}
      {mode && (
        <Modal
          title={t(mode === "run" ? "tag.runNowTitle" : mode === "repair" ? "tag.repairTitle" : "tag.backfillTitle", { name })}
          onClose={() => setMode(null)}
          footer={
            <>
              <button onClick={() => setMode(null)}>{t("common.cancel")}</button>
              <button
                className="primary"
                disabled={busy || (mode === "repair" && !date) || (mode === "backfill" && (!from || !to))}
                onClick={submit}
                data-testid="run-submit"
              >
                {t("common.confirm")}
              </button>
            </>
          }
        >
          {mode === "backfill" ? (
            <>
              <p className="muted">{t("tag.backfillExplain")}</p>
              <div className="row">
                <Field label={t("tag.from")} error={fieldError(error, "from")}>
                  <DateInput value={from} onChange={setFrom} testId="backfill-from" />
                </Field>
                <Field label={t("tag.to")} error={fieldError(error, "to")}>
                  <DateInput value={to} onChange={setTo} testId="backfill-to" />
                </Field>
              </div>
            </>
          ) : (
            <>
              <p className="muted">{t(mode === "repair" ? "tag.repairExplain" : "tag.runNowExplain")}</p>
              <Field label={t("tag.bizDateCol")} hint={mode === "run" ? t("tag.dateDefault") : undefined}>
                <DateInput value={date} onChange={setDate} testId="run-date" />
              </Field>
            </>
          )}
          {message && (
            <div className="field-error" role="alert" data-testid="run-error">
              {message}
            </div>
          )}
        </Modal>
      )}
    </div>
  );
}

export function RunLogModal({ id, onClose }: { id: number; onClose: () => void }) {
  const { t, num, time } = useI18n();
  const run = useAsync((signal) => getRun<Run>(id, signal), [id]);
  const r = run.data;
  const live = r && (r.state === "queued" || r.state === "running");
  useEffect(() => {
    if (!live) return;
    const h = setInterval(run.reload, 1500);
    return () => clearInterval(h);
  }, [live, run.reload]);
  return (
    <Modal title={t("tag.runTitle", { id })} onClose={onClose}>
      {run.error ? (
        <ErrorBox error={run.error} onRetry={run.reload} />
      ) : !r ? (
        <Loading />
      ) : (
        <div data-testid="run-log">
          <div className="row small">
            <span className="mono">{r.tag}</span>
            <span>{r.biz_date}</span>
            <RunState state={r.state} />
            <span>{t(("tag.trigger." + r.trigger) as "tag.trigger.manual")}</span>
            <span>v{r.definition_version}</span>
            {r.users !== null && <span>{t("common.users", { n: r.users })}</span>}
            {r.rows !== null && <span>{t("tag.rows", { n: num(r.rows) })}</span>}
            <span className="muted">{time(r.queued_at_ms)}</span>
          </div>
          {r.error && <div className="field-error">{r.error}</div>}
          <pre className="code-block log">{r.log || t("tag.noLog")}</pre>
        </div>
      )}
    </Modal>
  );
}
