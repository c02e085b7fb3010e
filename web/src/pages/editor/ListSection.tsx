// The list producer: upload the file (one id per line, or id,value) with
// PUT /catalog/tags/{name}/list?run=true; it becomes a new definition
// version and the tag is produced. Only once the tag exists.
import { useState } from "react";
import { useI18n } from "../../i18n";
import { Field } from "../../components/ui";
import { uploadTagList, type Run } from "../../api/catalog";
import { RunState } from "../catalog/labels";

interface UploadAnswer {
  version: number;
  rows: number;
  file: string;
  run?: Run | null;
}

export function ListSection({ name, exists, file, onUploaded }: { name: string; exists: boolean; file?: string; onUploaded: () => void }) {
  const { t } = useI18n();
  const [picked, setPicked] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<UploadAnswer>();
  const upload = async () => {
    if (!picked) return;
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const csv = /\.csv$/i.test(picked.name);
      const a = await uploadTagList<UploadAnswer>(name, picked, csv ? "text/csv" : "text/plain");
      setResult(a);
      onUploaded();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="editor-list">
      <p className="muted">{t("editor.list.explain")}</p>
      {file && <p>{t("editor.list.current", { file })}</p>}
      {!exists ? (
        <div className="notice">{t("editor.list.saveFirst")}</div>
      ) : (
        <>
          <Field label={t("editor.list.file")} error={error}>
            <input type="file" accept=".txt,.csv,text/plain,text/csv" onChange={(e) => setPicked(e.target.files?.[0] ?? null)} data-testid="editor-list-file" />
          </Field>
          <button type="button" className="primary" disabled={!picked || busy} onClick={upload} data-testid="editor-list-upload">
            {busy ? t("editor.list.uploading") : t("editor.list.upload")}
          </button>
          {result && (
            <div className="notice ok" data-testid="editor-list-result">
              {t("editor.list.done", { rows: result.rows, version: result.version })}
              {result.run && (
                <div className="row small">
                  <span>{t("tag.runTitle", { id: result.run.id })}</span>
                  <RunState state={result.run.state} />
                  {result.run.users !== null && <span>{t("common.users", { n: result.run.users })}</span>}
                  {result.run.error && <span className="field-error">{result.run.error}</span>}
                </div>
              )}
            </div>
          )}
        </>
      )}
    </div>
  );
}
