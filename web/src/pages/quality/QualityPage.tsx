// Quality and jobs (#/quality?page=&q=): running and queued runs (cancel),
// failed runs, failing quality checks and stale tags, with run / repair /
// backfill per tag for operators.
//
// The server has no cross-tag run or check list yet, so the page reads the
// catalog one page at a time (20 tags) and asks each tag on the page for
// its latest runs and checks. When the server gains
// GET /catalog/runs?state=&limit= and GET /catalog/quality/failures?limit=
// the page uses them for the job lists (all tags) instead.
import { useState } from "react";
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";
import { useSession } from "../../app/session";
import { ApiError } from "../../api/client";
import { href, navigate } from "../../app/router";
import { useAsync } from "../../components/useAsync";
import { Empty, ErrorBox, Loading, Panel, StatusBadge } from "../../components/ui";
import { fetchCatalog, listQuality, listRuns, tagQuality, tagRuns, type CatalogItem, type QualityCheck, type Run } from "../../api/catalog";
import { Passed, RunState, StaleFlag } from "../catalog/labels";
import { CancelRunButton, RunActions, RunLogModal, RunTable } from "../catalog/RunsTab";
import { CheckCells } from "../catalog/QualityTab";

const PAGE_SIZE = 20;
const PRODUCIBLE = ["sql", "list", "composite", "realtime", "behavior"];

interface TagHealth {
  tag: CatalogItem;
  runs: Run[];
  checks: QualityCheck[]; // of the latest checked run
  error?: string;
}

interface Health {
  rows: TagHealth[];
  total: number;
  // from the cross-tag endpoints when the server has them, else null
  activeRuns: Run[] | null;
  failedRuns: Run[] | null;
  failures: (QualityCheck & { tag: string })[] | null;
}

// A call that answers null when the endpoint does not exist (yet).
async function optional<T>(load: () => Promise<T>): Promise<T | null> {
  try {
    return await load();
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405 || (e.status === 400 && /unknown query parameter/.test(e.message)))) return null;
    throw e;
  }
}

// Runs `fn` over items with at most `n` at a time (2 cores shared: be gentle).
async function pool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

async function loadHealth(q: string, page: number, signal: AbortSignal): Promise<Health> {
  const [catalog, active, failed, failures] = await Promise.all([
    fetchCatalog({ q: q || undefined, limit: PAGE_SIZE, offset: page * PAGE_SIZE }, signal),
    optional(() => listRuns<{ runs: Run[] }>({ state: "queued,running", limit: 100 }, signal)),
    optional(() => listRuns<{ runs: Run[] }>({ state: "failed,rejected", limit: 100 }, signal)),
    optional(() => listQuality<{ checks: (QualityCheck & { tag: string })[] }>({ failed: true, limit: 100 }, signal)),
  ]);
  const rows = await pool(catalog.tags, 4, async (tag): Promise<TagHealth> => {
    if (!PRODUCIBLE.includes(tag.producer) && tag.producer !== "external") return { tag, runs: [], checks: [] };
    try {
      const [runs, quality] = await Promise.all([
        tagRuns<{ runs: Run[] }>(tag.name, 5, signal),
        tagQuality<{ checks: QualityCheck[] }>(tag.name, 10, signal),
      ]);
      const latest = quality.checks.reduce((m, c) => Math.max(m, c.run_id), -1);
      return { tag, runs: runs.runs, checks: quality.checks.filter((c) => c.run_id === latest) };
    } catch (e) {
      return { tag, runs: [], checks: [], error: e instanceof Error ? e.message : String(e) };
    }
  });
  return {
    rows,
    total: catalog.total,
    activeRuns: active?.runs ?? null,
    failedRuns: failed?.runs ?? null,
    failures: failures?.checks ?? null,
  };
}

export default function QualityPage({ route }: PageProps) {
  const { t, num } = useI18n();
  const session = useSession();
  const q = route.query.get("q") ?? "";
  const page = Math.max(0, Number(route.query.get("page") ?? "1") - 1);
  const [text, setText] = useState(q);
  const [logId, setLogId] = useState<number | null>(null);
  const health = useAsync((signal) => loadHealth(q, page, signal), [q, page]);
  const h = health.data;
  const pages = h ? Math.max(1, Math.ceil(h.total / PAGE_SIZE)) : 1;

  const pageRuns = h ? h.rows.flatMap((r) => r.runs) : [];
  const activeRuns = h?.activeRuns ?? pageRuns.filter((r) => r.state === "queued" || r.state === "running");
  // A failed run counts while it is the tag's latest run (a later success repaired it).
  const failedRuns = h?.failedRuns ?? (h ? h.rows.map((r) => r.runs[0]).filter((r): r is Run => !!r && (r.state === "failed" || r.state === "rejected")) : []);
  const failures = h?.failures ?? (h ? h.rows.flatMap((r) => r.checks.filter((c) => !c.passed).map((c) => ({ ...c, tag: r.tag.name }))) : []);
  const stale = h ? h.rows.filter((r) => r.tag.stale) : [];
  const crossTag = h && h.activeRuns !== null;

  return (
    <div data-testid="quality-page">
      <div className="page-head">
        <h2>{t("quality.title")}</h2>
        <button onClick={health.reload} data-testid="quality-refresh">
          {t("common.refresh")}
        </button>
      </div>
      <form
        className="row filters"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(["quality"], { q: text.trim() || undefined });
        }}
      >
        <input type="search" className="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={t("catalog.searchPlaceholder")} data-testid="quality-search" />
        <button type="submit">{t("common.search")}</button>
        {h && <span className="muted">{t("quality.scope", { from: page * PAGE_SIZE + 1, to: Math.min(h.total, (page + 1) * PAGE_SIZE), total: h.total })}</span>}
      </form>
      {!crossTag && h && <div className="notice small">{t("quality.pageScopeNote")}</div>}
      {health.error ? (
        <ErrorBox error={health.error} onRetry={health.reload} />
      ) : !h ? (
        <Loading />
      ) : (
        <>
          <div className="stat-cards">
            <Stat label={t("quality.activeRuns")} value={num(activeRuns.length)} testId="quality-count-active" />
            <Stat label={t("quality.failedRuns")} value={num(failedRuns.length)} bad={failedRuns.length > 0} testId="quality-count-failed" />
            <Stat label={t("quality.failingChecks")} value={num(failures.length)} bad={failures.length > 0} testId="quality-count-checks" />
            <Stat label={t("quality.staleTags")} value={num(stale.length)} bad={stale.length > 0} testId="quality-count-stale" />
          </div>

          <Panel title={t("quality.activeRuns")} testId="quality-active">
            {activeRuns.length === 0 ? <Empty>{t("quality.noActive")}</Empty> : <RunTable runs={activeRuns} onOpen={setLogId} onChanged={health.reload} showTag />}
          </Panel>
          <Panel title={t("quality.failedRuns")} testId="quality-failed">
            {failedRuns.length === 0 ? <Empty>{t("quality.noFailed")}</Empty> : <RunTable runs={failedRuns} onOpen={setLogId} onChanged={health.reload} showTag />}
          </Panel>
          <Panel title={t("quality.failingChecks")} testId="quality-failures">
            {failures.length === 0 ? (
              <Empty>{t("quality.noFailures")}</Empty>
            ) : (
              <table className="data">
                <thead>
                  <tr>
                    <th>{t("catalog.col.name")}</th>
                    <th>{t("tag.bizDateCol")}</th>
                    <th>{t("tag.check")}</th>
                    <th className="num">{t("tag.observed")}</th>
                    <th className="num">{t("tag.bound")}</th>
                    <th>{t("tag.message")}</th>
                  </tr>
                </thead>
                <tbody>
                  {failures.map((c, i) => (
                    <tr key={i} className="row-bad">
                      <td>
                        <a className="mono" href={href(["tags", c.tag], { tab: "quality" })}>
                          {c.tag}
                        </a>
                      </td>
                      <td>{c.biz_date}</td>
                      <td>
                        {t(("quality.rule." + c.check) as "quality.rule.psi")} <Passed passed={false} />
                      </td>
                      <CheckCells c={c} />
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Panel>

          {stale.length > 0 && (
            <Panel title={t("quality.staleTags")} testId="quality-stale">
              <p className="muted small">{t("quality.staleExplain")}</p>
              {stale.map((r) => (
                <div className="kv" key={r.tag.name}>
                  <div className="kv-k">
                    <a className="mono" href={href(["tags", r.tag.name], { tab: "runs" })}>
                      {r.tag.name}
                    </a>
                  </div>
                  <div className="kv-v">
                    {t("quality.staleLine", { date: r.tag.latest?.date ?? "—", schedule: r.tag.schedule ?? "—" })}
                    {session.can("operator") && PRODUCIBLE.includes(r.tag.producer) && <RunActions name={r.tag.name} onQueued={health.reload} compact />}
                  </div>
                </div>
              ))}
            </Panel>
          )}
          <Panel title={t("quality.tagsOnPage")} testId="quality-tags">
            <table className="data">
              <thead>
                <tr>
                  <th>{t("catalog.col.name")}</th>
                  <th>{t("common.status")}</th>
                  <th>{t("catalog.col.lastDate")}</th>
                  <th>{t("quality.lastRun")}</th>
                  <th>{t("quality.lastChecks")}</th>
                  {session.can("operator") && <th>{t("common.actions")}</th>}
                </tr>
              </thead>
              <tbody>
                {h.rows.map((r) => {
                  const last = r.runs[0];
                  const failed = r.checks.filter((c) => !c.passed).length;
                  return (
                    <tr key={r.tag.name} data-testid={"quality-row-" + r.tag.name}>
                      <td>
                        <a className="mono" href={href(["tags", r.tag.name], { tab: "runs" })}>
                          {r.tag.name}
                        </a>
                        <div className="small muted">{r.tag.title.zh || r.tag.title.en}</div>
                      </td>
                      <td>
                        <StatusBadge status={r.tag.status} />
                      </td>
                      <td>
                        {r.tag.latest?.date ?? "—"} <StaleFlag stale={r.tag.stale} />
                      </td>
                      <td>
                        {last ? (
                          <>
                            <button className="link" onClick={() => setLogId(last.id)}>
                              #{last.id}
                            </button>{" "}
                            <RunState state={last.state} /> <span className="small muted">{last.biz_date}</span>{" "}
                            {(last.state === "queued" || last.state === "running") && <CancelRunButton id={last.id} onDone={health.reload} />}
                          </>
                        ) : (
                          <span className="muted">{r.error ?? "—"}</span>
                        )}
                      </td>
                      <td>
                        {r.checks.length === 0 ? (
                          <span className="muted">—</span>
                        ) : failed ? (
                          <span className="badge bad">{t("tag.checksFailed", { n: failed })}</span>
                        ) : (
                          <span className="badge ok">{t("tag.checksPassed")}</span>
                        )}
                      </td>
                      {session.can("operator") && <td>{PRODUCIBLE.includes(r.tag.producer) ? <RunActions name={r.tag.name} onQueued={health.reload} compact /> : <span className="muted small">{t("quality.notProducible")}</span>}</td>}
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {pages > 1 && (
              <div className="row pager" data-testid="quality-pager">
                <button disabled={page === 0} onClick={() => navigate(["quality"], { q: q || undefined, page: String(page) })} data-testid="quality-prev">
                  {t("catalog.prev")}
                </button>
                <span>{t("catalog.pageOf", { page: page + 1, pages })}</span>
                <button disabled={page + 1 >= pages} onClick={() => navigate(["quality"], { q: q || undefined, page: String(page + 2) })} data-testid="quality-next">
                  {t("catalog.next")}
                </button>
              </div>
            )}
          </Panel>
        </>
      )}
      {logId !== null && <RunLogModal id={logId} onClose={() => setLogId(null)} />}
    </div>
  );
}

function Stat({ label, value, bad, testId }: { label: string; value: string; bad?: boolean; testId: string }) {
  return (
    <div className={"stat-card" + (bad ? " bad" : "")}>
      <div className="muted small">{label}</div>
      <div className="big-number" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
