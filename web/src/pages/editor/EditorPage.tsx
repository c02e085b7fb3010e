// The tag editor (#/editor: a new tag; #/editor/{name}: change one). One
// form for every producer kind: the common fields, then the producer's own.
// Saving checks first (PUT ?dry_run=true: the diff and every validation
// error), then stores the definition on confirmation. The server's errors
// name the field ("tag definition: producer.query: ..."); each is shown
// under its field and in a summary at the top.
import { useCallback, useEffect, useMemo, useState } from "react";
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";
import { useSession } from "../../app/session";
import { ApiError } from "../../api/client";
import { href, navigate } from "../../app/router";
import { useAsync } from "../../components/useAsync";
import { ErrorBox, Field, Loading, Modal, Panel } from "../../components/ui";
import { getCatalogTag, listCategories, putCatalogTag, type Category, type TagDetail } from "../../api/catalog";
import { getTag } from "../../api/tags";
import { diffDefinitions, flattenCategories } from "../catalog/helpers";
import { BASE_TYPES, KINDS, QUALITY_RULES, emptyForm, errorPath, fieldOf, fromDefinition, toDefinition, typeOf, type Form, type Kind } from "./form";
import { SqlSection } from "./SqlSection";
import { CompositeSection } from "./CompositeSection";
import { ListSection } from "./ListSection";
import { ExternalSection } from "./ExternalSection";
import { RealtimeSection } from "./RealtimeSection";

interface Loaded {
  form: Form;
  exists: boolean; // the catalog has a definition
}

interface PutAnswer {
  name: string;
  change: "created" | "updated" | "unchanged";
  version: number;
  status: string;
  diff: string[];
  dry_run: boolean;
}

async function load(name: string, signal: AbortSignal): Promise<Loaded> {
  if (!name) return { form: emptyForm(), exists: false };
  try {
    const d = await getCatalogTag<TagDetail>(name, signal);
    return { form: fromDefinition(name, d.definition), exists: true };
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
  // Imported data without a definition: describe it (kind import, its type).
  const s = await getTag<{ type: string }>(name, signal);
  const f = emptyForm();
  f.name = name;
  const [bt, scale] = s.type.split(":");
  f.baseType = bt;
  if (scale) f.scale = scale;
  f.kind = "import";
  return { form: f, exists: false };
}

const NAME_RE = /^[a-z][a-z0-9_]*$/;

export default function EditorPage({ route }: PageProps) {
  const name = route.parts[1] ?? "";
  const loaded = useAsync((signal) => load(name, signal), [name]);
  if (loaded.error) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading />;
  // Remount after a reload that changed the stored definition (a list upload
  // stores a new version), so the form never saves over it with stale keys.
  return <Editor key={name + ":" + JSON.stringify(loaded.data.form.base)} initial={loaded.data} onReload={loaded.reload} />;
}

function Editor({ initial, onReload }: { initial: Loaded; onReload: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [form, setForm] = useState<Form>(initial.form);
  const set = useCallback((p: Partial<Form>) => setForm((f) => ({ ...f, ...p })), []);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [check, setCheck] = useState<PutAnswer | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<PutAnswer | null>(null);
  const isNew = !initial.exists;
  const editingName = !!initial.form.name;
  const cats = useAsync((signal) => listCategories<{ categories: Category[] }>(signal), []);
  const paths = useMemo(() => flattenCategories(cats.data?.categories ?? []).map((c) => c.path), [cats.data]);

  // Validation messages by form field (the server's first error).
  const errors = useMemo(() => {
    const out: Record<string, string> = {};
    if (!error) return out;
    const p = errorPath(error.message);
    if (p) out[fieldOf(p.path)] = p.text;
    return out;
  }, [error]);
  const nameError = form.name && !NAME_RE.test(form.name) ? t("editor.nameRule") : undefined;
  const err = (k: string) => errors[k];

  useEffect(() => {
    setCheck(null);
  }, [form]);

  const submit = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const a = await putCatalogTag<PutAnswer>(form.name, toDefinition(form), dryRun);
      if (dryRun) setCheck(a);
      else {
        setCheck(null);
        setSaved(a);
        if (form.kind === "list" || form.kind === "external") onReload();
        else navigate(["tags", form.name]);
      }
    } catch (e) {
      setCheck(null);
      setError(e instanceof Error ? e : new Error(String(e)));
      window.scrollTo({ top: 0, behavior: "smooth" });
    } finally {
      setBusy(false);
    }
  };

  const kindsShown = KINDS.filter((k) => k !== "import" || form.kind === "import" || isNew);
  const canSave = !!form.name && !nameError && !busy;
  return (
    <div data-testid="editor-page">
      <div className="page-head">
        <h2>{isNew && !editingName ? t("editor.titleNew") : t("editor.titleEdit", { name: form.name })}</h2>
        {editingName && <a href={href(["tags", form.name])}>{t("editor.backToTag")}</a>}
      </div>
      {error && (
        <div className="state error" role="alert" data-testid="editor-errors">
          <strong>{t("editor.errorSummary")}</strong>
          <div>{error.message}</div>
        </div>
      )}
      {saved && (
        <div className="notice ok" data-testid="editor-saved">
          {t("editor.saved", { version: saved.version })} <a href={href(["tags", form.name])}>{t("editor.openTag")}</a>
        </div>
      )}
      <Panel title={t("editor.basics")}>
        <div className="grid2">
          <Field label={t("editor.name")} error={nameError ?? err("name")} hint={t("editor.nameHint")}>
            <input value={form.name} onChange={(e) => set({ name: e.target.value.trim() })} disabled={editingName} className="mono" data-testid="editor-name" />
          </Field>
          <Field label={t("common.type")} error={err("type")} hint={initial.exists ? t("editor.typeHint") : undefined}>
            <div className="row">
              <select value={form.baseType} onChange={(e) => set({ baseType: e.target.value })} data-testid="editor-type">
                {BASE_TYPES.map((b) => (
                  <option key={b} value={b}>
                    {t(("type." + b) as "type.bool")}
                  </option>
                ))}
              </select>
              {form.baseType === "decimal" && (
                <label className="row small">
                  {t("editor.scale")}
                  <input type="number" min={0} max={6} value={form.scale} onChange={(e) => set({ scale: e.target.value })} style={{ width: 60 }} data-testid="editor-scale" />
                </label>
              )}
            </div>
          </Field>
          <Field label={t("editor.titleZh")} error={err("title")}>
            <input value={form.titleZh} onChange={(e) => set({ titleZh: e.target.value })} data-testid="editor-title-zh" />
          </Field>
          <Field label={t("editor.titleEn")}>
            <input value={form.titleEn} onChange={(e) => set({ titleEn: e.target.value })} data-testid="editor-title-en" />
          </Field>
          <Field label={t("common.category")} error={err("category")} hint={t("editor.categoryHint")}>
            <input list="editor-categories" value={form.category} onChange={(e) => set({ category: e.target.value })} placeholder={t("editor.categoryPlaceholder")} data-testid="editor-category" />
          </Field>
          <datalist id="editor-categories">
            {paths.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
          <Field label={t("common.owner")} error={err("owner")}>
            <input value={form.owner} onChange={(e) => set({ owner: e.target.value })} data-testid="editor-owner" />
          </Field>
        </div>
        <Field label={t("common.description")} error={err("description")}>
          <textarea rows={2} value={form.description} onChange={(e) => set({ description: e.target.value })} data-testid="editor-description" />
        </Field>
        <label className="check">
          <input type="checkbox" checked={form.personal} onChange={(e) => set({ personal: e.target.checked })} data-testid="editor-personal" /> {t("editor.personal")}
        </label>
      </Panel>

      <Panel title={t("editor.producer")}>
        <div className="kind-picker" role="radiogroup" data-testid="editor-kind">
          {kindsShown.map((k) => (
            <button
              type="button"
              key={k}
              role="radio"
              aria-checked={form.kind === k}
              className={"kind" + (form.kind === k ? " on" : "")}
              onClick={() => set({ kind: k as Kind })}
              data-testid={"editor-kind-" + k}
            >
              <strong>{t(("catalog.producer." + k) as "catalog.producer.sql")}</strong>
              <span className="small muted">{t(("editor.kindHint." + k) as "editor.kindHint.sql")}</span>
            </button>
          ))}
        </div>
        {err("producer") && <div className="field-error">{err("producer")}</div>}
        {err("producer.kind") && <div className="field-error">{err("producer.kind")}</div>}
        {form.kind === "sql" && <SqlSection form={form} set={set} err={err} />}
        {form.kind === "composite" && <CompositeSection form={form} set={set} err={err} />}
        {form.kind === "list" && <ListSection name={form.name} exists={initial.exists} file={form.base.producer?.file} onUploaded={onReload} />}
        {form.kind === "external" && <ExternalSection name={form.name} exists={initial.exists} type={form.baseType} />}
        {(form.kind === "realtime" || form.kind === "behavior") && <RealtimeSection form={form} set={set} err={err} />}
        {form.kind === "import" && <p className="muted">{t("editor.importExplain")}</p>}
      </Panel>

      <Panel title={t("editor.production")}>
        <div className="grid2">
          {form.kind !== "external" && form.kind !== "import" && (
            <Field label={t("tag.schedule")} error={err("schedule")} hint={t("editor.scheduleHint")}>
              <input value={form.schedule} onChange={(e) => set({ schedule: e.target.value })} placeholder="0 2 * * *" className="mono" data-testid="editor-schedule" />
            </Field>
          )}
          <Field label={t("tag.bizDate")} error={err("biz_date")}>
            <select value={form.bizDate} onChange={(e) => set({ bizDate: e.target.value as Form["bizDate"] })} data-testid="editor-biz-date">
              <option value="yesterday">{t("tag.bizDate.yesterday")}</option>
              <option value="today">{t("tag.bizDate.today")}</option>
            </select>
          </Field>
        </div>
        <Field label={t("tag.qualityOverrides")} error={err("quality")} hint={t("editor.qualityHint")}>
          <div className="row">
            {QUALITY_RULES.map((q) => (
              <label key={q} className="quality-input">
                <span className="small">{t(("quality.setting." + q) as "quality.setting.max_psi")}</span>
                <input
                  type="number"
                  step="0.01"
                  min={0}
                  value={form.quality[q] ?? ""}
                  onChange={(e) => set({ quality: { ...form.quality, [q]: e.target.value } })}
                  placeholder={t(("editor.qualityDefault." + q) as "editor.qualityDefault.max_psi")}
                  data-testid={"editor-quality-" + q}
                />
              </label>
            ))}
          </div>
        </Field>
      </Panel>

      <div className="save-bar">
        <span className="muted small">{t("editor.typeIs", { type: typeOf(form) })}</span>
        <button type="button" className="primary" disabled={!canSave} onClick={() => submit(true)} data-testid="editor-save">
          {t("editor.checkAndSave")}
        </button>
        {!session.can("operator") && <span className="field-error">{t("common.noPermission")}</span>}
      </div>

      {check && (
        <Modal
          title={t("editor.checkTitle")}
          onClose={() => setCheck(null)}
          footer={
            <>
              <button onClick={() => setCheck(null)}>{t("common.cancel")}</button>
              <button className="primary" disabled={busy || check.change === "unchanged"} onClick={() => submit(false)} data-testid="editor-confirm">
                {check.change === "created" ? t("editor.confirmCreate") : t("editor.confirmUpdate", { version: check.version })}
              </button>
            </>
          }
        >
          <div data-testid="editor-check-result">
            <p className="ok-text">{t("editor.checkOk")}</p>
            <p>{t(("editor.change." + check.change) as "editor.change.created", { version: check.version })}</p>
            {check.diff.length > 0 && (
              <ul className="diff" data-testid="editor-diff">
                {check.diff.map((d, i) => (
                  <li key={i} className="mono">
                    {d}
                  </li>
                ))}
              </ul>
            )}
            {check.change === "updated" && initial.exists && (
              <ul className="diff small" data-testid="editor-diff-detail">
                {diffDefinitions(initial.form.base, toDefinition(form)).map((d) => (
                  <li key={d.path}>
                    <span className="mono">{d.path}</span>: <del>{d.before ?? "∅"}</del> → <ins>{d.after ?? "∅"}</ins>
                  </li>
                ))}
              </ul>
            )}
            {check.change === "created" && <p className="muted">{t("editor.draftNote")}</p>}
          </div>
        </Modal>
      )}
    </div>
  );
}
