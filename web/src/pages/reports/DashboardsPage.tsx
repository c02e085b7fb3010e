// Dashboards (#/dashboards, #/dashboards/{name}): named, ordered lists of
// saved reports. The list (only those the role may see) with a form to
// create one; a dashboard runs each of its reports as of the chosen date
// and shows its chart and table (cells open their insight, as on reports).
import { useState } from "react";
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";
import { useSession, type Role } from "../../app/session";
import { href, navigate } from "../../app/router";
import { useAsync } from "../../components/useAsync";
import { DateInput, Empty, ErrorBox, Field, Loading, Panel, businessToday } from "../../components/ui";
import ReportResult, { type ReportAnswer, type ReportDefinition } from "./ReportResult";
import { createDashboard, deleteDashboard, getDashboard, getReport, listDashboards, listReports, putDashboard, runReport } from "../../api/reports";

interface Dashboard {
  name: string;
  version?: number;
  title?: string;
  description?: string;
  reports: string[];
  min_role?: Role;
  updated_by?: string;
  updated_ms?: number;
}

export default function DashboardsPage({ route }: PageProps) {
  const name = route.parts[1];
  return name ? <DashboardView key={name} name={name} asOfParam={route.query.get("as_of") ?? undefined} /> : <DashboardList />;
}

function DashboardList() {
  const { t, time } = useI18n();
  const session = useSession();
  const list = useAsync((signal) => listDashboards<{ dashboards: Dashboard[] }>(signal).then((r) => r.dashboards), []);
  const [creating, setCreating] = useState(false);
  return (
    <div>
      <div className="row seg-head">
        <h2>{t("reports.dashboards")}</h2>
        <span className="spacer" />
        {session.can("analyst") && (
          <button type="button" className="primary" onClick={() => setCreating(!creating)} data-testid="dashboard-new">
            + {t("reports.newDashboard")}
          </button>
        )}
      </div>
      {creating && (
        <DashboardForm
          onDone={(n) => {
            setCreating(false);
            list.reload();
            navigate(["dashboards", n]);
          }}
        />
      )}
      {list.error && <ErrorBox error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.length === 0 && <Empty>{t("reports.noDashboards")}</Empty>}
      <div className="card-grid" data-testid="dashboard-list">
        {(list.data ?? []).map((d) => (
          <a key={d.name} className="card" href={href(["dashboards", d.name])} data-testid={"dashboard-item-" + d.name}>
            <div className="card-title">{d.title || d.name}</div>
            {d.description && <div className="small">{d.description}</div>}
            <div className="muted small">
              {t("reports.reportCount", { n: d.reports.length })} · {t("reports.minRole", { role: t(("role." + (d.min_role ?? "viewer")) as "role.viewer") })}
            </div>
            <div className="muted small">
              {d.name}
              {d.updated_ms ? " · " + (d.updated_by ?? "") + " " + time(d.updated_ms) : ""}
            </div>
          </a>
        ))}
      </div>
    </div>
  );
}

// Create (no `initial`) or change a dashboard.
function DashboardForm({ initial, onDone, onCancel }: { initial?: Dashboard; onDone: (name: string) => void; onCancel?: () => void }) {
  const { t } = useI18n();
  const reports = useAsync((signal) => listReports<{ reports: { name: string; title?: string }[] }>(signal).then((r) => r.reports), []);
  const [name, setName] = useState(initial?.name ?? "");
  const [title, setTitle] = useState(initial?.title ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [minRole, setMinRole] = useState<Role>(initial?.min_role ?? "viewer");
  const [picked, setPicked] = useState<string[]>(initial?.reports ?? []);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const move = (i: number, by: number) => {
    const next = [...picked];
    const [x] = next.splice(i, 1);
    next.splice(Math.max(0, Math.min(next.length, i + by)), 0, x);
    setPicked(next);
  };
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    const body = { title: title.trim() || undefined, description: description.trim() || undefined, reports: picked, min_role: minRole };
    try {
      if (initial) await putDashboard(initial.name, body);
      else await createDashboard({ name: name.trim(), ...body });
      onDone(initial?.name ?? name.trim());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const titles = new Map((reports.data ?? []).map((r) => [r.name, r.title || r.name]));
  return (
    <Panel title={initial ? t("reports.editDashboard") : t("reports.newDashboard")} testId="dashboard-form">
      <div className="row">
        {!initial && (
          <Field label={t("reports.name")} hint={t("segments.nameHint")}>
            <input value={name} onChange={(e) => setName(e.target.value)} data-testid="dashboard-name" />
          </Field>
        )}
        <Field label={t("reports.dashboardTitle")}>
          <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="dashboard-title" />
        </Field>
        <Field label={t("reports.visibleTo")}>
          <select value={minRole} onChange={(e) => setMinRole(e.target.value as Role)} data-testid="dashboard-min-role">
            {(["viewer", "analyst", "operator", "admin"] as const).map((r) => (
              <option key={r} value={r}>
                {t(("role." + r) as "role.viewer")}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label={t("common.description")}>
        <input value={description} onChange={(e) => setDescription(e.target.value)} data-testid="dashboard-description" />
      </Field>
      <div className="grid2">
        <div>
          <div className="field-label">{t("reports.availableReports")}</div>
          {reports.error && <ErrorBox error={reports.error} />}
          <div className="check-list">
            {(reports.data ?? []).map((r) => (
              <label key={r.name} className="check-row">
                <input
                  type="checkbox"
                  checked={picked.includes(r.name)}
                  onChange={(e) => setPicked(e.target.checked ? [...picked, r.name] : picked.filter((n) => n !== r.name))}
                  data-testid={"dashboard-pick-" + r.name}
                />
                <span>{r.title || r.name}</span>
                <span className="muted small">{r.name}</span>
              </label>
            ))}
          </div>
        </div>
        <div>
          <div className="field-label">{t("reports.order")}</div>
          {picked.length === 0 && <div className="muted small">{t("reports.pickReports")}</div>}
          <ol className="order-list">
            {picked.map((n, i) => (
              <li key={n}>
                <span>{titles.get(n) ?? n}</span>
                <span className="spacer" />
                <button type="button" className="link" disabled={i === 0} onClick={() => move(i, -1)} aria-label="up">
                  ↑
                </button>
                <button type="button" className="link" disabled={i === picked.length - 1} onClick={() => move(i, 1)} aria-label="down">
                  ↓
                </button>
              </li>
            ))}
          </ol>
        </div>
      </div>
      {error !== undefined && <ErrorBox error={error} />}
      <div className="row">
        <button type="button" className="primary" disabled={busy || (!initial && !name.trim())} onClick={submit} data-testid="dashboard-save">
          {t("common.save")}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {t("common.cancel")}
          </button>
        )}
      </div>
    </Panel>
  );
}

function DashboardView({ name, asOfParam }: { name: string; asOfParam?: string }) {
  const { t } = useI18n();
  const session = useSession();
  const d = useAsync((signal) => getDashboard<Dashboard>(name, signal), [name]);
  const [asOf, setAsOf] = useState(asOfParam ?? businessToday());
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>();
  if (d.error) return <ErrorBox error={d.error} onRetry={d.reload} />;
  if (!d.data) return <Loading />;
  const remove = async () => {
    if (!window.confirm(t("reports.confirmDeleteDashboard", { name }))) return;
    try {
      await deleteDashboard(name);
      navigate(["dashboards"]);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div>
      <div className="row seg-head">
        <a href={href(["dashboards"])} className="muted">
          ← {t("reports.dashboards")}
        </a>
        <h2 data-testid="dashboard-heading">{d.data.title || d.data.name}</h2>
        <span className="spacer" />
        <label className="row inline-field">
          <span className="field-label">{t("common.asOf")}</span>
          <DateInput value={asOf} onChange={(v) => setAsOf(v || businessToday())} testId="dashboard-asof" />
        </label>
        {session.can("analyst") && (
          <>
            <button type="button" onClick={() => setEditing(!editing)} data-testid="dashboard-edit">
              {t("reports.editDashboard")}
            </button>
            <button type="button" className="danger" onClick={remove} data-testid="dashboard-delete">
              {t("common.delete")}
            </button>
          </>
        )}
      </div>
      {d.data.description && <p className="muted">{d.data.description}</p>}
      {error !== undefined && <ErrorBox error={error} />}
      {editing && (
        <DashboardForm
          initial={d.data}
          onCancel={() => setEditing(false)}
          onDone={() => {
            setEditing(false);
            d.reload();
          }}
        />
      )}
      {d.data.reports.length === 0 && <Empty>{t("reports.emptyDashboard")}</Empty>}
      <div className="dash-grid">
        {d.data.reports.map((r) => (
          <DashboardReport key={r} name={r} asOf={asOf} />
        ))}
      </div>
    </div>
  );
}

function DashboardReport({ name, asOf }: { name: string; asOf: string }) {
  const { t } = useI18n();
  const def = useAsync((signal) => getReport<{ definition: ReportDefinition }>(name, signal).then((r) => r.definition), [name]);
  const run = useAsync((signal) => runReport<ReportAnswer>(name, { as_of: def.data?.series ? undefined : asOf }, signal), [name, asOf, !!def.data?.series]);
  return (
    <Panel
      title={def.data?.title || name}
      actions={
        <a href={href(["reports", name])} className="small" data-testid={"dashboard-open-report-" + name}>
          {t("reports.openReport")}
        </a>
      }
      testId={"dashboard-report-" + name}
    >
      {run.error && <ErrorBox error={run.error} onRetry={run.reload} />}
      {run.loading && !run.data && <Loading />}
      {run.data && (
        <div className={run.loading ? "stale" : ""}>
          <ReportResult key={asOf} answer={run.data} chartHeight={240} testId={"dashboard-result-" + name} />
        </div>
      )}
    </Panel>
  );
}
