// Small building blocks every page uses: states (loading, error, empty),
// buttons, form fields with their error next to them, tabs, a modal, a
// date input, a panel. Styling lives in styles.css.
import { useEffect, type ReactNode } from "react";
import { ApiError } from "../api/client";
import { useI18n } from "../i18n";
import { localizeServerError } from "../i18n/serverMessages";

export function Loading() {
  const { t } = useI18n();
  return <div className="state loading">{t("common.loading")}</div>;
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, lang } = useI18n();
  const original = error instanceof Error ? error.message : String(error);
  const local = localizeServerError(lang, error);
  return (
    <div className="state error" role="alert">
      {t("common.error", { message: local ?? original })}
      {local && <div className="muted small server-message">{original}</div>}
      {onRetry && (
        <button className="link" onClick={onRetry}>
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  return <div className="state empty">{children ?? t("common.empty")}</div>;
}

export function Panel({ title, actions, children, testId }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="panel" data-testid={testId}>
      {(title || actions) && (
        <header className="panel-head">
          <h3>{title}</h3>
          <div className="panel-actions">{actions}</div>
        </header>
      )}
      <div className="panel-body">{children}</div>
    </section>
  );
}

export function Field({ label, error, hint, children }: { label: ReactNode; error?: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <label className={"field" + (error ? " has-error" : "")}>
      <span className="field-label">{label}</span>
      {children}
      {hint && !error && <span className="field-hint">{hint}</span>}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </label>
  );
}

export function Tabs<K extends string>({ tabs, active, onChange }: { tabs: { key: K; label: ReactNode }[]; active: K; onChange: (k: K) => void }) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((tab) => (
        <button key={tab.key} role="tab" aria-selected={tab.key === active} className={tab.key === active ? "tab active" : "tab"} onClick={() => onChange(tab.key)}>
          {tab.label}
        </button>
      ))}
    </div>
  );
}

export function Modal({ title, onClose, children, footer }: { title: ReactNode; onClose: () => void; children: ReactNode; footer?: ReactNode }) {
  const { t } = useI18n();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal" role="dialog" aria-modal="true" onClick={(e) => e.stopPropagation()}>
        <header className="modal-head">
          <h3>{title}</h3>
          <button className="link" onClick={onClose} aria-label={t("common.close")}>
            ×
          </button>
        </header>
        <div className="modal-body">{children}</div>
        {footer && <footer className="modal-foot">{footer}</footer>}
      </div>
    </div>
  );
}

// Today in the business calendar (+08:00), as the server's default as-of.
export function businessToday(): string {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  return now.toISOString().slice(0, 10);
}

export function DateInput({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId?: string }) {
  return <input type="date" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} />;
}

// The message of an API error for a field ("definition: producer.query: ...")
// when its path starts with `prefix`; used to show errors where they belong.
export function fieldError(error: unknown, prefix: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.message.includes(prefix) ? error.message : undefined;
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const key = ("status." + status) as "status.draft";
  return <span className={"badge status-" + status}>{t(key)}</span>;
}

// A labelled figure in a row of figures (matched, unknown, entered, left, ...).
export function Figure({ label, value, cls = "", testId }: { label: string; value: string; cls?: string; testId: string }) {
  return (
    <div className="figure">
      <div className="field-label">{label}</div>
      <div className={"mid-number " + cls} data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
