// SQL sources (admin): list, add or edit (the password is write-only:
// answers only say whether one is stored; leaving it empty keeps it), test
// the connection, delete (refused while SQL tags use it).
import { useState } from "react";
import { useI18n } from "../../i18n";
import { useAsync } from "../../components/useAsync";
import { Empty, ErrorBox, Field, Loading, Modal, Panel } from "../../components/ui";
import { deleteSource, listSources, putSource, testSource } from "../../api/catalog";

interface Source {
  name: string;
  kind: "sqlite" | "postgresql" | "odbc";
  connection: string;
  has_password: boolean;
  password_env: string | null;
  fetch_rows: number;
  description?: string;
  updated_at_ms: number;
  updated_by: string;
}

interface TestResult {
  ok: boolean;
  // The server's { code, message }; a string when the call itself failed.
  error: { message: string } | string | null;
  elapsed_ms?: number;
}

const KINDS = ["sqlite", "postgresql", "odbc"] as const;

interface Draft {
  name: string;
  kind: Source["kind"];
  connection: string;
  password: string;
  passwordEnv: string;
  fetchRows: string;
  hasPassword: boolean;
  isNew: boolean;
}

export function SourcesTab() {
  const { t, num, time } = useI18n();
  const sources = useAsync((signal) => listSources<{ sources: Source[] }>(signal), []);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string>();
  const [tests, setTests] = useState<Record<string, TestResult | "busy">>({});
  const [deleting, setDeleting] = useState<Source | null>(null);
  const [listError, setListError] = useState<string>();

  const edit = (s?: Source) => {
    setError(undefined);
    setDraft(
      s
        ? { name: s.name, kind: s.kind, connection: s.connection, password: "", passwordEnv: s.password_env ?? "", fetchRows: String(s.fetch_rows), hasPassword: s.has_password, isNew: false }
        : { name: "", kind: "postgresql", connection: "", password: "", passwordEnv: "", fetchRows: "", hasPassword: false, isNew: true },
    );
  };
  const save = async () => {
    if (!draft) return;
    setError(undefined);
    const body: Parameters<typeof putSource>[1] = { kind: draft.kind, connection: draft.connection.trim() };
    if (draft.password) body.password = draft.password;
    if (draft.passwordEnv.trim()) body.password_env = draft.passwordEnv.trim();
    if (draft.fetchRows.trim()) body.fetch_rows = Number(draft.fetchRows);
    try {
      await putSource(draft.name.trim(), body);
      setDraft(null);
      sources.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const test = async (name: string) => {
    setTests((m) => ({ ...m, [name]: "busy" }));
    try {
      const r = await testSource<{ ok: boolean; error: { message: string } | null; elapsed_ms?: number }>(name);
      setTests((m) => ({ ...m, [name]: r }));
    } catch (e) {
      setTests((m) => ({ ...m, [name]: { ok: false, error: e instanceof Error ? e.message : String(e) } }));
    }
  };
  const remove = async (s: Source) => {
    setListError(undefined);
    try {
      await deleteSource(s.name);
    } catch (e) {
      setListError(e instanceof Error ? e.message : String(e));
    }
    setDeleting(null);
    sources.reload();
  };
  const testText = (r: TestResult) => (r.ok ? t("admin.testOk", { ms: num(r.elapsed_ms ?? 0, 1) }) : typeof r.error === "string" ? r.error : (r.error?.message ?? t("admin.testFailed")));

  return (
    <Panel
      title={t("admin.sources")}
      actions={
        <button className="primary" onClick={() => edit()} data-testid="source-new">
          {t("admin.newSource")}
        </button>
      }
    >
      <p className="muted small">{t("admin.sourcesExplain")}</p>
      {listError && (
        <div className="field-error" data-testid="source-error">
          {listError}
        </div>
      )}
      {sources.error ? (
        <ErrorBox error={sources.error} onRetry={sources.reload} />
      ) : !sources.data ? (
        <Loading />
      ) : sources.data.sources.length === 0 ? (
        <Empty>{t("admin.noSources")}</Empty>
      ) : (
        <table className="data" data-testid="sources-table">
          <thead>
            <tr>
              <th>{t("common.name")}</th>
              <th>{t("admin.kind")}</th>
              <th>{t("admin.connection")}</th>
              <th>{t("admin.password")}</th>
              <th>{t("common.updated")}</th>
              <th>{t("common.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {sources.data.sources.map((s) => {
              const r = tests[s.name];
              return (
                <tr key={s.name} data-testid={"source-row-" + s.name}>
                  <td className="mono">{s.name}</td>
                  <td>{s.kind}</td>
                  <td className="mono small">{s.connection}</td>
                  <td>{s.has_password ? t("admin.passwordStored") : s.password_env ? t("admin.passwordEnv", { env: s.password_env }) : <span className="muted">{t("admin.passwordNone")}</span>}</td>
                  <td>
                    {time(s.updated_at_ms)} <span className="muted small">{s.updated_by}</span>
                  </td>
                  <td>
                    <div className="row">
                      <button onClick={() => test(s.name)} disabled={r === "busy"} data-testid={"source-test-" + s.name}>
                        {t("admin.test")}
                      </button>
                      <button onClick={() => edit(s)} data-testid={"source-edit-" + s.name}>
                        {t("admin.edit")}
                      </button>
                      <button className="danger" onClick={() => setDeleting(s)} data-testid={"source-delete-" + s.name}>
                        {t("common.delete")}
                      </button>
                    </div>
                    {r && r !== "busy" && (
                      <div className={r.ok ? "ok-text small" : "field-error small"} data-testid={"source-test-result-" + s.name}>
                        {testText(r)}
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {draft && (
        <Modal
          title={draft.isNew ? t("admin.newSource") : t("admin.editSource", { name: draft.name })}
          onClose={() => setDraft(null)}
          footer={
            <>
              <button onClick={() => setDraft(null)}>{t("common.cancel")}</button>
              <button className="primary" disabled={!draft.name.trim() || !draft.connection.trim()} onClick={save} data-testid="source-save">
                {t("common.save")}
              </button>
            </>
          }
        >
          {error && (
            <div className="field-error" role="alert" data-testid="source-save-error">
              {error}
            </div>
          )}
          <Field label={t("common.name")}>
            <input value={draft.name} disabled={!draft.isNew} onChange={(e) => setDraft({ ...draft, name: e.target.value })} className="mono" data-testid="source-name" />
          </Field>
          <Field label={t("admin.kind")}>
            <select value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as Source["kind"] })} data-testid="source-kind">
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("admin.connection")} hint={t(("admin.connectionHint." + draft.kind) as "admin.connectionHint.sqlite")}>
            <input value={draft.connection} onChange={(e) => setDraft({ ...draft, connection: e.target.value })} className="mono" data-testid="source-connection" />
          </Field>
          {draft.kind !== "sqlite" && (
            <>
              <Field label={t("admin.password")} hint={draft.hasPassword ? t("admin.passwordKeep") : t("admin.passwordHint")}>
                <input type="password" autoComplete="new-password" value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} data-testid="source-password" />
              </Field>
              <Field label={t("admin.passwordEnvLabel")} hint={t("admin.passwordEnvHint")}>
                <input value={draft.passwordEnv} onChange={(e) => setDraft({ ...draft, passwordEnv: e.target.value })} className="mono" data-testid="source-password-env" />
              </Field>
            </>
          )}
          <Field label={t("admin.fetchRows")} hint={t("admin.fetchRowsHint")}>
            <input type="number" min={1} value={draft.fetchRows} onChange={(e) => setDraft({ ...draft, fetchRows: e.target.value })} placeholder="10000" data-testid="source-fetch-rows" />
          </Field>
        </Modal>
      )}
      {deleting && (
        <Modal
          title={t("admin.deleteSource", { name: deleting.name })}
          onClose={() => setDeleting(null)}
          footer={
            <>
              <button onClick={() => setDeleting(null)}>{t("common.cancel")}</button>
              <button className="danger" onClick={() => remove(deleting)} data-testid="source-delete-confirm">
                {t("common.delete")}
              </button>
            </>
          }
        >
          <p>{t("admin.deleteSourceExplain")}</p>
        </Modal>
      )}
    </Panel>
  );
}
