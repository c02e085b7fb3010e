// Segments (#/segments, #/segments/{name}): the saved segments on the left;
// on the right the editor — the expression builder and the same segment as
// text, a live count as the operator edits (debounced, stale answers
// dropped), the as-of date, save (dynamic or snapshot), export with tag
// columns, compare with other segments and open the insight. `?expr=`
// starts a new segment from an expression (a report cell, an insight row).
import { useEffect, useMemo, useRef, useState } from "react";
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";
import { useSession } from "../../app/session";
import { href, navigate } from "../../app/router";
import { ApiError } from "../../api/client";
import { useAsync, useDebounced, useAction } from "../../components/useAsync";
import { DateInput, Empty, ErrorBox, Field, Loading, Modal, Panel, businessToday } from "../../components/ui";
import ExpressionBuilder from "../../components/expression/ExpressionBuilder";
import { quote } from "../../components/expression/lang";
import { TagMultiPicker, downloadText } from "../../components/TagPicker";
import { countSegment, createSegment, deleteSegment, exportSegment, freezeSegment, getSegment, listSegments, putSegment, segmentVersions } from "../../api/segments";

export interface SavedSegment {
  name: string;
  kind: "dynamic" | "snapshot" | "list" | "sql";
  expr: string;
  description?: string;
  created_unix: number;
  updated_unix: number;
  versions?: number;
  latest_version?: SegmentVersion;
  source?: string;
  query?: string;
  // GET /segments?with_counts=true: the size as of the list's date, or null
  // with count_error when the segment cannot be counted (an offline tag).
  count?: number | null;
  count_error?: string;
}

export interface SegmentVersion {
  version: number;
  created_unix: number;
  created_by: string;
  date: string;
  members: number;
  source: string;
}

// The expression that selects a saved segment's users.
export const segmentExpr = (name: string) => `SEGMENT(${quote(name)})`;

export default function SegmentsPage({ route }: PageProps) {
  const session = useSession();
  const canList = session.can("analyst");
  const name = route.parts[1];
  const startExpr = route.query.get("expr") ?? "";
  const startAsOf = route.query.get("as_of") ?? undefined;
  // The editor's as-of date: the list's counts are as of the same day.
  const [asOf, setAsOf] = useState(startAsOf ?? businessToday());
  // Every saved segment with its count, in one call on one snapshot.
  const list = useAsync<SavedSegment[]>(
    (signal) =>
      canList
        ? listSegments<{ segments: SavedSegment[] }>({ with_counts: true, as_of: asOf }, signal).then((r) => r.segments)
        : Promise.resolve([]),
    [canList, asOf],
  );
  return (
    <div className="seg-page">
      <SegmentList list={list.data} error={list.error} loading={list.loading} canList={canList} current={name} />
      <SegmentEditor key={name ?? "new:" + startExpr} name={name} startExpr={startExpr} startAsOf={startAsOf} onAsOf={setAsOf} onSaved={list.reload} />
    </div>
  );
}

function SegmentList({ list, error, loading, canList, current }: { list?: SavedSegment[]; error?: Error; loading: boolean; canList: boolean; current?: string }) {
  const { t } = useI18n();
  const [q, setQ] = useState("");
  const shown = (list ?? []).filter((s) => !q || s.name.toLowerCase().includes(q.toLowerCase()) || s.expr.toLowerCase().includes(q.toLowerCase()));
  return (
    <Panel
      title={t("segments.saved")}
      actions={
        <a href={href(["segments"])} className="button-link" data-testid="segment-new">
          + {t("segments.new")}
        </a>
      }
      testId="segment-list"
    >
      {!canList ? (
        <div className="muted small">{t("segments.listNeedsAnalyst")}</div>
      ) : (
        <>
          <input className="full" placeholder={t("segments.filter")} value={q} onChange={(e) => setQ(e.target.value)} data-testid="segment-filter" />
          {error && <ErrorBox error={error} />}
          {loading && !list && <Loading />}
          {list && shown.length === 0 && <Empty>{t("segments.none")}</Empty>}
          <ul className="seg-list">
            {shown.map((s) => (
              <li key={s.name} className={s.name === current ? "active" : ""}>
                <a href={href(["segments", s.name])} data-testid={"segment-item-" + s.name}>
                  <span className="seg-name">{s.name}</span>
                  <span className={"badge kind-" + s.kind}>{t(("segments.kind." + s.kind) as "segments.kind.dynamic")}</span>
                  <SavedCount s={s} />
                </a>
                {s.description && (
                  <div className="seg-desc small muted" title={s.description} data-testid={"segment-desc-" + s.name}>
                    {s.description}
                  </div>
                )}
                {s.expr && <div className="seg-expr mono small muted">{s.expr}</div>}
              </li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}

// A saved segment's size as of the editor's date (from the list's answer);
// one that cannot be counted shows "—" with the server's reason as its title.
function SavedCount({ s }: { s: SavedSegment }) {
  const { num, t } = useI18n();
  const testId = "segment-count-" + s.name;
  if (typeof s.count === "number")
    return (
      <span className="seg-count" data-testid={testId}>
        {num(s.count)}
      </span>
    );
  if (s.count_error)
    return (
      <span className="seg-count muted" title={t("segments.countError", { message: s.count_error })} data-testid={testId}>
        —
      </span>
    );
  return (
    <span className="seg-count muted" data-testid={testId}>
      …
    </span>
  );
}

interface CountState {
  expr: string;
  asOf: string;
  count?: number;
  elapsed?: number;
  roundTrip?: number;
  error?: unknown;
}

// The live count of an expression: debounced, the answer of an older
// request dropped when a newer one is under way.
export function useLiveCount(expr: string, asOf: string, ms = 300): { state?: CountState; pending: boolean } {
  const dexpr = useDebounced(expr, ms);
  const [state, setState] = useState<CountState>();
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    if (!dexpr.trim()) {
      setState(undefined);
      return;
    }
    const t0 = performance.now();
    const ctl = new AbortController();
    countSegment<{ count: number; elapsed_ms: number }>({ expr: dexpr, as_of: asOf || undefined }, ctl.signal).then(
      (r) => mine === seq.current && setState({ expr: dexpr, asOf, count: r.count, elapsed: r.elapsed_ms, roundTrip: performance.now() - t0 }),
      (e) => mine === seq.current && !ctl.signal.aborted && setState({ expr: dexpr, asOf, error: e }),
    );
    return () => ctl.abort();
  }, [dexpr, asOf]);
  const pending = !!expr.trim() && (!state || state.expr !== expr || state.asOf !== asOf);
  return { state, pending };
}

function SegmentEditor({
  name,
  startExpr,
  startAsOf,
  onAsOf,
  onSaved,
}: {
  name?: string;
  startExpr: string;
  startAsOf?: string;
  onAsOf: (asOf: string) => void;
  onSaved: () => void;
}) {
  const { t, num } = useI18n();
  const session = useSession();
  const canSave = session.can("analyst");
  const saved = useAsync<SavedSegment | null>((signal) => (name ? getSegment<SavedSegment>(name, signal) : Promise.resolve(null)), [name]);
  const [expr, setExpr] = useState(startExpr);
  const [asOf, setAsOf] = useState(startAsOf ?? businessToday());
  const [kind, setKind] = useState<"dynamic" | "snapshot">("dynamic");
  const [newName, setNewName] = useState("");
  const [description, setDescription] = useState("");
  const [saveError, setSaveError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [modal, setModal] = useState<"export" | "compare" | "saveAs" | null>(null);
  const s = saved.data;
  const frozen = s && s.kind !== "dynamic";

  useEffect(() => {
    if (s) {
      setExpr(s.expr);
      setDescription(s.description ?? "");
      if (s.kind === "dynamic" || s.kind === "snapshot") setKind(s.kind);
    }
  }, [s]);
  useEffect(() => onAsOf(asOf), [asOf, onAsOf]);

  // A list or sql segment has no expression, and an unchanged snapshot is
  // its frozen members: count the segment itself.
  const dirty = !!s && s.expr !== expr;
  const descDirty = !!s && (s.description ?? "") !== description;
  const countExpr = s && (s.kind === "list" || s.kind === "sql" || (s.kind === "snapshot" && !dirty)) ? segmentExpr(s.name) : expr;
  const { state, pending } = useLiveCount(countExpr, asOf);
  const insightQuery = s && !dirty ? { segment: s.name, as_of: asOf } : { expr: countExpr, as_of: asOf };

  const save = async (asName?: string) => {
    setSaving(true);
    setSaveError(undefined);
    setNotice(undefined);
    try {
      if (s && !asName) {
        // The document's SegmentRequest.kind leaves out "list", which the
        // server reads like the others (a list segment's own kind).
        await putSegment(s.name, { expr, kind: s.kind as Exclude<SavedSegment["kind"], "list">, description });
        setNotice(t(s.kind === "snapshot" ? "segments.savedSnapshot" : "segments.savedOk"));
        saved.reload();
      } else {
        const target = (asName ?? newName).trim();
        await createSegment({ name: target, expr, kind, description, as_of: kind === "snapshot" ? asOf : undefined });
        onSaved();
        setModal(null);
        navigate(["segments", target]);
      }
      onSaved();
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    if (!s || !window.confirm(t("segments.confirmDelete", { name: s.name }))) return;
    try {
      await deleteSegment(s.name);
      onSaved();
      navigate(["segments"]);
    } catch (e) {
      setSaveError(e);
    }
  };

  if (name && saved.loading && !s) return <Loading />;
  if (name && saved.error) return <ErrorBox error={saved.error} onRetry={saved.reload} />;

  return (
    <div className="seg-editor">
      <div className="row seg-head">
        <h2 data-testid="segment-title">{s ? s.name : t("segments.newTitle")}</h2>
        {s && <span className={"badge kind-" + s.kind}>{t(("segments.kind." + s.kind) as "segments.kind.dynamic")}</span>}
        <span className="spacer" />
        <label className="row inline-field">
          <span className="field-label">{t("common.asOf")}</span>
          <DateInput value={asOf} onChange={(v) => setAsOf(v || businessToday())} testId="segment-asof" />
        </label>
      </div>
      {s?.description && (
        <p className="seg-head-desc muted" data-testid="segment-title-desc">
          {s.description}
        </p>
      )}

      <div className="count-bar" data-testid="segment-count-bar">
        <div>
          <div className="field-label">{t("segments.liveCount")}</div>
          <div className={"big-number" + (pending ? " pending" : "")} data-testid="segment-count">
            {state?.count !== undefined ? num(state.count) : "—"}
          </div>
        </div>
        <div className="muted small count-meta">
          {pending && <div>{t("segments.counting")}</div>}
          {!pending && state?.elapsed !== undefined && (
            <div data-testid="segment-count-elapsed">
              {t("segments.elapsed", { server: num(state.elapsed, 2), total: num(state.roundTrip ?? 0, 0) })}
            </div>
          )}
          {!pending && state?.count !== undefined && <div>{t("segments.asOfNote", { date: state.asOf })}</div>}
          {!expr.trim() && !frozen && <div>{t("segments.emptyHint")}</div>}
        </div>
        <span className="spacer" />
        <div className="row">
          <a className="button-link" href={href(["insight"], insightQuery)} data-testid="segment-open-insight">
            {t("segments.openInsight")}
          </a>
          <button type="button" onClick={() => setModal("compare")} disabled={!countExpr.trim() || !session.can("analyst")} data-testid="segment-compare">
            {t("segments.compare")}
          </button>
          {session.can("analyst") && (
            <button type="button" onClick={() => setModal("export")} disabled={!countExpr.trim()} data-testid="segment-export">
              {t("segments.export")}
            </button>
          )}
        </div>
      </div>

      {s && (s.kind === "list" || s.kind === "sql") ? (
        <FrozenInfo s={s} onChanged={saved.reload} />
      ) : (
        <Panel title={t("segments.conditions")}>
          <ExpressionBuilder value={expr} onChange={setExpr} asOf={asOf} selfValidate={false} serverError={state && state.expr === expr ? (state.error ?? null) : null} testId="segment-expr" />
        </Panel>
      )}

      {s && s.kind === "snapshot" && <SnapshotVersions s={s} asOf={asOf} onChanged={saved.reload} />}

      {canSave && (!s || s.kind === "dynamic" || s.kind === "snapshot") && (
        <Panel title={t("segments.saveTitle")} testId="segment-save-panel">
          {!s && (
            <div className="row">
              <Field label={t("segments.name")} error={saveError instanceof ApiError && /name|exists/.test(saveError.message) ? saveError.message : undefined} hint={t("segments.nameHint")}>
                <input value={newName} onChange={(e) => setNewName(e.target.value)} placeholder="vip_beijing" data-testid="segment-name" />
              </Field>
              <Field label={t("segments.kind")} hint={t(kind === "snapshot" ? "segments.kindSnapshotHint" : "segments.kindDynamicHint")}>
                <select value={kind} onChange={(e) => setKind(e.target.value as "dynamic" | "snapshot")} data-testid="segment-kind">
                  <option value="dynamic">{t("segments.kind.dynamic")}</option>
                  <option value="snapshot">{t("segments.kind.snapshot")}</option>
                </select>
              </Field>
            </div>
          )}
          <Field label={t("segments.description")} hint={t("segments.descriptionHint")}>
            <textarea
              className="full"
              rows={2}
              maxLength={2000}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              placeholder={t("segments.descriptionPlaceholder")}
              data-testid="segment-description"
            />
          </Field>
          {saveError !== undefined && !(saveError instanceof ApiError && /name|exists/.test(saveError.message) && !s) && <ErrorBox error={saveError} />}
          {notice && <div className="ok-note" data-testid="segment-saved-note">{notice}</div>}
          <div className="row">
            <button type="button" className="primary" disabled={saving || !expr.trim() || (!s && !newName.trim()) || (!!s && !dirty && !descDirty)} onClick={() => save()} data-testid="segment-save">
              {s ? t(s.kind === "snapshot" ? "segments.saveSnapshot" : "segments.saveChanges") : t("segments.save")}
            </button>
            {s && (
              <button type="button" onClick={() => setModal("saveAs")} disabled={!expr.trim()} data-testid="segment-save-as">
                {t("segments.saveAs")}
              </button>
            )}
            {s && (
              <button type="button" className="danger" onClick={remove} data-testid="segment-delete">
                {t("common.delete")}
              </button>
            )}
          </div>
        </Panel>
      )}
      {s && canSave && (s.kind === "list" || s.kind === "sql") && (
        <div className="row">
          {saveError !== undefined && <ErrorBox error={saveError} />}
          <button type="button" className="danger" onClick={remove} data-testid="segment-delete">
            {t("common.delete")}
          </button>
        </div>
      )}

      {modal === "export" && <ExportModal expr={countExpr} segment={s && !dirty ? s.name : undefined} asOf={asOf} onClose={() => setModal(null)} />}
      {modal === "compare" && <CompareModal expr={countExpr} self={s?.name} asOf={asOf} onClose={() => setModal(null)} />}
      {modal === "saveAs" && <SaveAsModal busy={saving} error={saveError} onSave={(n, k) => { setKind(k); save(n); }} onClose={() => setModal(null)} initialKind={kind} />}
    </div>
  );
}

function SaveAsModal({ onSave, onClose, busy, error, initialKind }: { onSave: (name: string, kind: "dynamic" | "snapshot") => void; onClose: () => void; busy: boolean; error: unknown; initialKind: "dynamic" | "snapshot" }) {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [kind, setKind] = useState(initialKind);
  return (
    <Modal
      title={t("segments.saveAs")}
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>{t("common.cancel")}</button>
          <button type="button" className="primary" disabled={busy || !name.trim()} onClick={() => onSave(name.trim(), kind)} data-testid="segment-save-as-confirm">
            {t("common.save")}
          </button>
        </>
      }
    >
      <Field label={t("segments.name")} hint={t("segments.nameHint")} error={error instanceof Error ? error.message : undefined}>
        <input value={name} onChange={(e) => setName(e.target.value)} autoFocus data-testid="segment-save-as-name" />
      </Field>
      <Field label={t("segments.kind")}>
        <select value={kind} onChange={(e) => setKind(e.target.value as "dynamic" | "snapshot")}>
          <option value="dynamic">{t("segments.kind.dynamic")}</option>
          <option value="snapshot">{t("segments.kind.snapshot")}</option>
        </select>
      </Field>
    </Modal>
  );
}

// A list or sql segment: where its members come from and its versions.
function FrozenInfo({ s, onChanged }: { s: SavedSegment; onChanged: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const { run: rerun, busy, error } = useAction(async () => {
    await freezeSegment(s.name);
    onChanged();
  });
  return (
    <Panel title={t(s.kind === "list" ? "segments.listInfo" : "segments.sqlInfo")}>
      {s.kind === "list" && (
        <p className="muted">
          {t("segments.listExplain")} <a href={href(["lists"], { name: s.name })}>{t("segments.uploadNew")}</a>
        </p>
      )}
      {s.kind === "sql" && (
        <>
          {s.source && <p className="muted">{t("segments.sqlSource", { source: s.source })}</p>}
          {s.query && <pre className="mono code-block">{s.query}</pre>}
          {session.can("operator") && (
            <button type="button" disabled={busy} onClick={rerun} data-testid="segment-rerun">
              {t("segments.runAgain")}
            </button>
          )}
          {error !== undefined && <ErrorBox error={error} />}
        </>
      )}
      <VersionsTable name={s.name} />
    </Panel>
  );
}

function SnapshotVersions({ s, asOf, onChanged }: { s: SavedSegment; asOf: string; onChanged: () => void }) {
  const { t } = useI18n();
  const [tick, setTick] = useState(0);
  const { run: freeze, busy, error } = useAction(async () => {
    await freezeSegment(s.name, { as_of: asOf });
    setTick((x) => x + 1);
    onChanged();
  });
  return (
    <Panel
      title={t("segments.versions")}
      actions={
        <button type="button" disabled={busy} onClick={freeze} data-testid="segment-freeze">
          {t("segments.freezeAgain", { date: asOf })}
        </button>
      }
    >
      <p className="muted small">{t("segments.snapshotExplain")}</p>
      {error !== undefined && <ErrorBox error={error} />}
      <VersionsTable name={s.name} tick={tick} />
    </Panel>
  );
}

function VersionsTable({ name, tick = 0 }: { name: string; tick?: number }) {
  const { t, num, time } = useI18n();
  const v = useAsync((signal) => segmentVersions<{ versions: SegmentVersion[] }>(name, signal).then((r) => r.versions), [name, tick]);
  if (v.error) return <ErrorBox error={v.error} />;
  if (!v.data) return <Loading />;
  if (v.data.length === 0) return <Empty />;
  return (
    <table className="data" data-testid="segment-versions">
      <thead>
        <tr>
          <th>{t("segments.version")}</th>
          <th>{t("segments.versionDate")}</th>
          <th className="num">{t("segments.members")}</th>
          <th>{t("segments.source")}</th>
          <th>{t("segments.createdBy")}</th>
        </tr>
      </thead>
      <tbody>
        {v.data.map((x) => (
          <tr key={x.version}>
            <td>v{x.version}</td>
            <td>{x.date}</td>
            <td className="num">{num(x.members)}</td>
            <td className="small">{x.source}</td>
            <td className="small">
              {x.created_by} · {time(x.created_unix * 1000)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// Export with tag columns: the server streams CSV (or NDJSON); the browser
// saves it through a Blob link. Personal tags are masked below operator
// (X-Tagloop-Masked names them).
function ExportModal({ expr, segment, asOf, onClose }: { expr: string; segment?: string; asOf: string; onClose: () => void }) {
  const { t, num } = useI18n();
  const [columns, setColumns] = useState<string[]>([]);
  const [format, setFormat] = useState<"csv" | "ndjson">("csv");
  const [limit, setLimit] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<{ rows: string; masked: string }>();
  const run = async () => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const body = { ...(segment ? { segment } : { expr }), as_of: asOf, columns, format, limit: limit ? Number(limit) : undefined };
      const r = await exportSegment(body);
      const base = (segment ?? "segment") + "-" + asOf;
      downloadText(r.text, base + (format === "csv" ? ".csv" : ".ndjson"), format === "csv" ? "text/csv;charset=utf-8" : "application/x-ndjson");
      setResult({ rows: r.headers.get("X-Tagloop-Rows") ?? "", masked: r.headers.get("X-Tagloop-Masked") ?? "" });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={t("segments.exportTitle")}
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>{t("common.close")}</button>
          <button type="button" className="primary" disabled={busy} onClick={run} data-testid="export-run">
            {busy ? t("segments.exporting") : t("segments.exportDownload")}
          </button>
        </>
      }
    >
      <p className="muted small">{t("segments.exportExplain")}</p>
      <Field label={t("segments.exportColumns")} hint={t("segments.exportColumnsHint")}>
        <TagMultiPicker value={columns} onChange={setColumns} max={200} testId="export-columns" />
      </Field>
      <div className="row">
        <Field label={t("segments.exportFormat")}>
          <select value={format} onChange={(e) => setFormat(e.target.value as "csv" | "ndjson")} data-testid="export-format">
            <option value="csv">CSV</option>
            <option value="ndjson">NDJSON</option>
          </select>
        </Field>
        <Field label={t("segments.exportLimit")} hint={t("segments.exportLimitHint")}>
          <input type="number" min={1} value={limit} onChange={(e) => setLimit(e.target.value)} data-testid="export-limit" />
        </Field>
      </div>
      {error !== undefined && <ErrorBox error={error} />}
      {result && (
        <div className="ok-note" data-testid="export-result">
          {t("segments.exportDone", { rows: result.rows ? num(Number(result.rows)) : "?" })}
          {result.masked && (
            <div className="warn-note" data-testid="export-masked">
              {t("segments.exportMasked", { tags: result.masked })}
            </div>
          )}
        </div>
      )}
    </Modal>
  );
}

// Compare: pick other saved segments; the overlap opens on the insight page.
function CompareModal({ expr, self, asOf, onClose }: { expr: string; self?: string; asOf: string; onClose: () => void }) {
  const { t } = useI18n();
  const list = useAsync((signal) => listSegments<{ segments: SavedSegment[] }>({}, signal).then((r) => r.segments), []);
  const [picked, setPicked] = useState<string[]>([]);
  const [q, setQ] = useState("");
  const others = useMemo(() => (list.data ?? []).filter((s) => s.name !== self && (!q || s.name.toLowerCase().includes(q.toLowerCase()))), [list.data, self, q]);
  const go = () => {
    navigate(["insight"], { ...(self ? { segment: self } : { expr }), as_of: asOf, tab: "overlap", compare: picked.join(",") });
  };
  return (
    <Modal
      title={t("segments.compareTitle")}
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>{t("common.cancel")}</button>
          <button type="button" className="primary" disabled={picked.length === 0} onClick={go} data-testid="compare-go">
            {t("segments.compareGo", { n: picked.length + 1 })}
          </button>
        </>
      }
    >
      <p className="muted small">{t("segments.compareExplain")}</p>
      <input className="full" placeholder={t("segments.filter")} value={q} onChange={(e) => setQ(e.target.value)} />
      {list.error && <ErrorBox error={list.error} />}
      {!list.data && !list.error && <Loading />}
      {list.data && others.length === 0 && <Empty>{t("segments.none")}</Empty>}
      <div className="check-list" data-testid="compare-list">
        {others.map((s) => (
          <label key={s.name} className="check-row">
            <input
              type="checkbox"
              checked={picked.includes(s.name)}
              disabled={!picked.includes(s.name) && picked.length >= 7}
              onChange={(e) => setPicked(e.target.checked ? [...picked, s.name] : picked.filter((n) => n !== s.name))}
              data-testid={"compare-pick-" + s.name}
            />
            <span>{s.name}</span>
            <span className="muted small mono">{s.expr}</span>
          </label>
        ))}
      </div>
    </Modal>
  );
}
