// Lists (#/lists): match a file of ids (or pasted ids) against the users —
// lines, distinct, duplicates, matched, unknown, match rate and the first
// unknown ids — optionally saved as a list segment; then the profile of the
// matched users (tag distributions with TGI of SEGMENT('name')).
import { useRef, useState } from "react";
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";
import { href } from "../../app/router";
import { ErrorBox, Field, Figure, Panel, businessToday } from "../../components/ui";
import Distribution from "../insight/Distribution";
import { matchList } from "../../api/segments";

interface MatchReport {
  name?: string;
  lines: number;
  blank_lines: number;
  distinct: number;
  duplicates: number;
  matched: number;
  unknown: number;
  match_rate: number;
  unknown_ids: string[];
  version?: { version: number; date: string; members: number; source: string; created_by: string };
}

export default function ListsPage({ route }: PageProps) {
  const { t, num, pct } = useI18n();
  const [mode, setMode] = useState<"file" | "paste">("file");
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState("");
  const [csv, setCsv] = useState(false);
  const [column, setColumn] = useState("");
  const [save, setSave] = useState(!!route.query.get("name"));
  const [saveAs, setSaveAs] = useState(route.query.get("name") ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [report, setReport] = useState<MatchReport>();
  const [savedName, setSavedName] = useState<string>();
  const [tags, setTags] = useState<string[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);

  const isCsv = csv || !!column.trim() || (mode === "file" && !!file && /\.csv$/i.test(file.name));
  const ready = mode === "file" ? !!file : !!text.trim();

  const run = async () => {
    setBusy(true);
    setError(undefined);
    setReport(undefined);
    setSavedName(undefined);
    try {
      const body: string | Blob = mode === "file" ? file! : text;
      const name = save ? saveAs.trim() : "";
      const r = await matchList<MatchReport>(
        { body, contentType: isCsv ? "text/csv" : "text/plain" },
        { column: column.trim() || undefined, save_as: name || undefined },
      );
      setReport(r);
      if (name) setSavedName(name);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <h2>{t("lists.title")}</h2>
      <Panel title={t("lists.upload")} testId="lists-upload">
        <p className="muted small">{t("lists.explain")}</p>
        <div className="row">
          <label className="row inline-field">
            <input type="radio" checked={mode === "file"} onChange={() => setMode("file")} data-testid="lists-mode-file" />
            <span>{t("lists.fromFile")}</span>
          </label>
          <label className="row inline-field">
            <input type="radio" checked={mode === "paste"} onChange={() => setMode("paste")} data-testid="lists-mode-paste" />
            <span>{t("lists.paste")}</span>
          </label>
        </div>
        {mode === "file" ? (
          <div className="row lists-file">
            <input ref={fileInput} type="file" accept=".txt,.csv,text/plain,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="lists-file" />
            {file && <span className="muted small">{t("lists.fileInfo", { name: file.name, size: num(Math.ceil(file.size / 1024)) })}</span>}
          </div>
        ) : (
          <textarea className="mono lists-paste" rows={8} value={text} onChange={(e) => setText(e.target.value)} placeholder={t("lists.pastePlaceholder")} data-testid="lists-text" />
        )}
        <div className="row">
          <label className="row inline-field">
            <input type="checkbox" checked={isCsv} disabled={!!column.trim() || (mode === "file" && !!file && /\.csv$/i.test(file.name))} onChange={(e) => setCsv(e.target.checked)} data-testid="lists-csv" />
            <span>{t("lists.isCsv")}</span>
          </label>
          {isCsv && (
            <label className="row inline-field">
              <span className="field-label">{t("lists.column")}</span>
              <input value={column} onChange={(e) => setColumn(e.target.value)} placeholder={t("lists.columnPlaceholder")} data-testid="lists-column" />
            </label>
          )}
        </div>
        <div className="row">
          <label className="row inline-field">
            <input type="checkbox" checked={save} onChange={(e) => setSave(e.target.checked)} data-testid="lists-save" />
            <span>{t("lists.saveAs")}</span>
          </label>
          {save && (
            <Field label={t("lists.segmentName")} hint={t("lists.saveHint")}>
              <input value={saveAs} onChange={(e) => setSaveAs(e.target.value)} placeholder="crowd_1125" data-testid="lists-save-name" />
            </Field>
          )}
        </div>
        <button type="button" className="primary" disabled={busy || !ready || (save && !saveAs.trim())} onClick={run} data-testid="lists-match">
          {busy ? t("lists.matching") : save ? t("lists.matchAndSave") : t("lists.match")}
        </button>
        {error !== undefined && <ErrorBox error={error} />}
      </Panel>

      {report && (
        <Panel title={t("lists.report")} testId="lists-report">
          <div className="row diff-numbers">
            <Figure label={t("lists.lines")} value={num(report.lines)} testId="lists-lines" />
            <Figure label={t("lists.distinct")} value={num(report.distinct)} testId="lists-distinct" />
            <Figure label={t("lists.duplicates")} value={num(report.duplicates)} testId="lists-duplicates" />
            <Figure label={t("lists.matched")} value={num(report.matched)} cls="up" testId="lists-matched" />
            <Figure label={t("lists.unknown")} value={num(report.unknown)} cls={report.unknown ? "down" : ""} testId="lists-unknown" />
            <Figure label={t("lists.rate")} value={pct(report.match_rate)} testId="lists-rate" />
            {report.blank_lines > 0 && <Figure label={t("lists.blank")} value={num(report.blank_lines)} testId="lists-blank" />}
          </div>
          <div className="rate-bar" title={pct(report.match_rate)}>
            <span style={{ width: Math.round(report.match_rate * 100) + "%" }} />
          </div>
          {report.unknown_ids.length > 0 && (
            <div>
              <div className="field-label">{t("lists.unknownIds", { n: num(report.unknown_ids.length), total: num(report.unknown) })}</div>
              <div className="id-list mono small" data-testid="lists-unknown-ids">
                {report.unknown_ids.join("\n")}
              </div>
            </div>
          )}
          {report.version && savedName && (
            <div className="ok-note" data-testid="lists-saved">
              {t("lists.saved", { name: savedName, v: report.version.version, members: num(report.version.members), date: report.version.date })}{" "}
              <a href={href(["segments", savedName])}>{t("lists.openSegment")}</a> · <a href={href(["insight"], { segment: savedName, as_of: businessToday() })}>{t("lists.openInsight")}</a>
            </div>
          )}
          {!savedName && <div className="muted small">{t("lists.notSavedHint")}</div>}
        </Panel>
      )}

      {report && savedName && (
        <div data-testid="lists-profile">
          <h3 className="section-title">{t("lists.profile", { name: savedName })}</h3>
          <Distribution target={{ segment: savedName }} asOf={businessToday()} tags={tags} onTags={setTags} />
        </div>
      )}
    </div>
  );
}

