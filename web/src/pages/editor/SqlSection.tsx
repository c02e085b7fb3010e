// The SQL producer: source (a picker for admins, who may list sources; a
// text field for others), the query with {{biz_date}} parameters, a timeout,
// and a preview of the first rows with the user count (POST
// /catalog/preview; when the server has no preview yet, the page says so
// and the "check" button validates the query instead).
import { useState } from "react";
import { useI18n } from "../../i18n";
import { useSession } from "../../app/session";
import { ApiError } from "../../api/client";
import { useAsync } from "../../components/useAsync";
import { DateInput, Field } from "../../components/ui";
import type { Form } from "./form";
import { listSources, previewQuery } from "../../api/catalog";

// POST /catalog/preview: `columns` is 1 (user id) or 2 (user id, value).
interface Preview {
  columns: number;
  rows: unknown[][];
  users: number;
  known_users: number;
  rows_total: number;
  query: string;
  elapsed_ms: number;
}

export function SqlSection({ form, set, err }: { form: Form; set: (p: Partial<Form>) => void; err: (k: string) => string | undefined }) {
  const { t, num } = useI18n();
  const session = useSession();
  const admin = session.can("admin");
  const sources = useAsync(
    (signal) => (admin ? listSources<{ sources: { name: string; kind: string; description?: string }[] }>(signal) : Promise.resolve({ sources: [] })),
    [admin],
  );
  const [bizDate, setBizDate] = useState("");
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setPreview(null);
    setPreviewError(undefined);
    try {
      setPreview(await previewQuery<Preview>({ source: form.source, query: form.query, ...(bizDate ? { biz_date: bizDate } : {}) }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404 && /endpoint/.test(e.message)) setPreviewError(t("editor.sql.noPreview"));
      else setPreviewError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="editor-sql">
      <Field label={t("editor.sql.source")} error={err("producer.source")} hint={admin ? undefined : t("editor.sql.sourceHint")}>
        {admin && sources.data ? (
          <select value={form.source} onChange={(e) => set({ source: e.target.value })} data-testid="editor-source">
            <option value="">{t("editor.sql.pickSource")}</option>
            {sources.data.sources.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} ({s.kind})
              </option>
            ))}
            {form.source && !sources.data.sources.some((s) => s.name === form.source) && <option value={form.source}>{form.source}</option>}
          </select>
        ) : (
          <input value={form.source} onChange={(e) => set({ source: e.target.value })} data-testid="editor-source" />
        )}
      </Field>
      <Field label={t("editor.sql.query")} error={err("producer.query")} hint={t("editor.sql.queryHint")}>
        <textarea className="code" rows={8} value={form.query} onChange={(e) => set({ query: e.target.value })} spellCheck={false} data-testid="editor-query" />
      </Field>
      <div className="row">
        <Field label={t("editor.sql.timeout")} error={err("producer.timeout_seconds")}>
          <input type="number" min={1} value={form.timeout} onChange={(e) => set({ timeout: e.target.value })} placeholder="600" style={{ width: 120 }} data-testid="editor-timeout" />
        </Field>
        <Field label={t("editor.sql.previewDate")}>
          <DateInput value={bizDate} onChange={setBizDate} testId="editor-preview-date" />
        </Field>
        <button type="button" onClick={run} disabled={busy || !form.source || !form.query.trim()} data-testid="editor-preview">
          {t("editor.sql.preview")}
        </button>
      </div>
      {previewError && (
        <div className="notice warn" data-testid="editor-preview-error">
          {previewError}
        </div>
      )}
      {preview && (
        <div data-testid="editor-preview-result">
          <p>
            <span data-testid="editor-preview-users">{t("editor.sql.previewUsers", { users: num(preview.users), rows: num(preview.rows_total), known: num(preview.known_users) })}</span>{" "}
            <span className="muted">{t("common.elapsed", { ms: num(preview.elapsed_ms, 1) })}</span>
          </p>
          <div className="table-wrap">
            <table className="data compact">
              <thead>
                <tr>
                  <th>{t("editor.sql.previewUserColumn")}</th>
                  {preview.columns > 1 && <th>{t("editor.sql.previewValueColumn")}</th>}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((r, i) => (
                  <tr key={i}>
                    {r.map((v, j) => (
                      <td key={j}>{v === null ? <span className="muted">null</span> : String(v)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}
