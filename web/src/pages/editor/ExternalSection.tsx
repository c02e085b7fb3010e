// The external producer: other systems push values with POST
// /catalog/tags/{name}/values; the page explains the call and offers a
// small form to push a few values by hand (once the tag exists).
import { useState } from "react";
import { useI18n } from "../../i18n";
import { DateInput, Field } from "../../components/ui";
import { Passed } from "../catalog/labels";
import { pushValues } from "../../api/catalog";

interface PushAnswer {
  run_id: number;
  state: string;
  date: string;
  rows: number;
  users: number;
  checks?: { check: string; passed: boolean; message: string }[];
}

export function ExternalSection({ name, exists, type }: { name: string; exists: boolean; type: string }) {
  const { t, num } = useI18n();
  const [rows, setRows] = useState([{ user: "", value: "" }]);
  const [unset, setUnset] = useState("");
  const [date, setDate] = useState("");
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [answer, setAnswer] = useState<PushAnswer>();
  const value = (v: string): unknown => {
    if (type === "bool") return v.trim() === "true" || v.trim() === "是";
    if (type === "int") return Number(v);
    if (type === "set") return v.split(/[,，|]/).map((s) => s.trim()).filter(Boolean);
    return v.trim(); // enum, date, decimal (exact as text)
  };
  const push = async () => {
    setBusy(true);
    setError(undefined);
    setAnswer(undefined);
    try {
      const set = rows.filter((r) => r.user.trim()).map((r) => ({ user: r.user.trim(), value: value(r.value) }));
      const un = unset.split(/[\s,，]+/).filter(Boolean);
      setAnswer(await pushValues<PushAnswer>(name, { set, ...(un.length ? { unset: un } : {}), ...(date ? { date } : {}), ...(replace ? { replace: true } : {}) }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const example = `curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
  -d '{"set": [{"user": "m1", "value": ...}], "unset": ["m2"]}' \\
  ${window.location.origin}/api/v1/catalog/tags/${name || "TAG"}/values`;
  return (
    <div data-testid="editor-external">
      <p className="muted">{t("editor.external.explain")}</p>
      <pre className="code-block">{example}</pre>
      {!exists ? (
        <div className="notice">{t("editor.external.saveFirst")}</div>
      ) : (
        <>
          <h4>{t("editor.external.pushTitle")}</h4>
          {rows.map((r, i) => (
            <div className="row" key={i}>
              <input placeholder={t("editor.external.user")} value={r.user} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, user: e.target.value } : x)))} data-testid={"push-user-" + i} />
              <input placeholder={t("editor.external.value")} value={r.value} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} data-testid={"push-value-" + i} />
              <button type="button" className="link" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                {t("common.delete")}
              </button>
            </div>
          ))}
          <button type="button" className="link" onClick={() => setRows([...rows, { user: "", value: "" }])} data-testid="push-add">
            {t("editor.external.addRow")}
          </button>
          <div className="row">
            <Field label={t("editor.external.unset")}>
              <input value={unset} onChange={(e) => setUnset(e.target.value)} placeholder="m2, m9" data-testid="push-unset" />
            </Field>
            <Field label={t("tag.bizDateCol")} hint={t("tag.dateDefault")}>
              <DateInput value={date} onChange={setDate} testId="push-date" />
            </Field>
            <label className="check">
              <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> {t("editor.external.replace")}
            </label>
          </div>
          <button type="button" className="primary" disabled={busy} onClick={push} data-testid="push-submit">
            {t("editor.external.push")}
          </button>
          {error && (
            <div className="field-error" data-testid="push-error">
              {error}
            </div>
          )}
          {answer && (
            <div className="notice" data-testid="push-result">
              {t("editor.external.pushed", { date: answer.date, users: num(answer.users), run: answer.run_id })}
              <div className="row small">
                {(answer.checks ?? []).map((c) => (
                  <span key={c.check} title={c.message}>
                    {t(("quality.rule." + c.check) as "quality.rule.psi")} <Passed passed={c.passed} />
                  </span>
                ))}
              </div>
            </div>
          )}
        </>
      )}
    </div>
  );
}
