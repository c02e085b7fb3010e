// The list producer: upload the file (one id per line, or id,value) with
// PUT /catalog/tags/{name}/list?run=true; it becomes a new definition
// version and the tag is produced. Only once the tag exists.
import { useState } from "react";
import { useI18n } from "../../i18n";
import { put, seg } from "../../api/client";
import { Field } from "../../components/ui";

export function ListSection({ name, exists, file, onUploaded }: { name: string; exists: boolean; file?: string; onUploaded: () => void }) {
  const { t } = useI18n();
  const [picked, setPicked] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<unknown>();
  const upload = async () => {
    if (!picked) return;
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const csv = /\.csv$/i.test(picked.name);
      const a = await put(`/catalog/tags/${seg(name)}/list?run=true`, undefined, { raw: { body: picked, contentType: csv ? "text/csv" : "text/plain" } });
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
          {result !== undefined && (
            <pre className="code-block" data-testid="editor-list-result">
              {JSON.stringify(result, null, 2)}
            </pre>
          )}
        </>
      )}
    </div>
  );
}
