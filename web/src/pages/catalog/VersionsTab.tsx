// The versions tab: definition versions (newest first, each with its diff
// from the one before) and the store's data versions with the definition
// version and run that produced them.
import { useState } from "react";
import { useI18n } from "../../i18n";
import { useAsync } from "../../components/useAsync";
import { Empty, ErrorBox, Loading, Panel } from "../../components/ui";
import { tagHistory, type Definition, type DataVersion } from "../../api/catalog";
import { diffDefinitions } from "./helpers";
import type { LoadedTag } from "./TagPage";
import { RunLogModal } from "./RunsTab";

interface HistoryVersion {
  version: number;
  created_at_ms: number;
  created_by: string;
  definition: Definition;
}

export function VersionsTab({ name, data }: { name: string; data: LoadedTag }) {
  const { t, num, time } = useI18n();
  const [open, setOpen] = useState<number | null>(null);
  const [runId, setRunId] = useState<number | null>(null);
  const history = useAsync(
    (signal) => (data.detail ? tagHistory<{ versions: HistoryVersion[] }>(name, signal) : Promise.resolve({ versions: [] })),
    [name, !!data.detail],
  );
  const dataVersions: DataVersion[] = data.detail?.data_versions ?? (data.store?.versions ?? []).map((v) => ({ ...v, definition_version: null, run_id: null }));
  const versions = history.data ? [...history.data.versions].sort((a, b) => b.version - a.version) : [];
  return (
    <div>
      <Panel title={t("tag.defVersions")} testId="definition-versions">
        {history.error ? (
          <ErrorBox error={history.error} onRetry={history.reload} />
        ) : !history.data ? (
          <Loading />
        ) : versions.length === 0 ? (
          <Empty>{t("tag.noDefinition")}</Empty>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th>{t("tag.version")}</th>
                <th>{t("tag.changedBy")}</th>
                <th>{t("tag.changedAt")}</th>
                <th>{t("tag.changes")}</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v, i) => {
                const prev = versions[i + 1];
                const diff = prev ? diffDefinitions(prev.definition, v.definition) : [];
                return (
                  <tr key={v.version} data-testid={"def-version-" + v.version}>
                    <td>v{v.version}</td>
                    <td>{v.created_by}</td>
                    <td>{time(v.created_at_ms)}</td>
                    <td>
                      {!prev ? (
                        <span className="muted">{t("tag.firstVersion")}</span>
                      ) : diff.length === 0 ? (
                        <span className="muted">{t("tag.noChanges")}</span>
                      ) : (
                        <ul className="diff">
                          {diff.map((d) => (
                            <li key={d.path}>
                              <span className="mono">{d.path}</span>: <del>{d.before ?? "∅"}</del> → <ins>{d.after ?? "∅"}</ins>
                            </li>
                          ))}
                        </ul>
                      )}
                      <button className="link" onClick={() => setOpen(open === v.version ? null : v.version)}>
                        {open === v.version ? t("tag.hideJson") : t("tag.showJson")}
                      </button>
                      {open === v.version && <pre className="code-block">{JSON.stringify(v.definition, null, 2)}</pre>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title={t("tag.dataVersions")} testId="data-versions">
        {dataVersions.length === 0 ? (
          <Empty>{t("tag.noData")}</Empty>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th>{t("tag.bizDateCol")}</th>
                <th className="num">{t("catalog.col.users")}</th>
                <th className="num">{t("tag.bytes")}</th>
                <th>{t("tag.publishedAt")}</th>
                <th>{t("tag.defVersionCol")}</th>
                <th>{t("tag.runCol")}</th>
              </tr>
            </thead>
            <tbody>
              {[...dataVersions]
                .sort((a, b) => b.date.localeCompare(a.date))
                .map((v) => (
                  <tr key={v.date}>
                    <td>{v.date}</td>
                    <td className="num">{num(v.users)}</td>
                    <td className="num">{num(v.bytes)}</td>
                    <td>{v.published_unix ? time(v.published_unix * 1000) : "—"}</td>
                    <td>{v.definition_version !== null ? "v" + v.definition_version : <span className="muted">{t("tag.csvImport")}</span>}</td>
                    <td>
                      {v.run_id !== null ? (
                        <button className="link" onClick={() => setRunId(v.run_id)}>
                          #{v.run_id}
                        </button>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </Panel>
      {runId !== null && <RunLogModal id={runId} onClose={() => setRunId(null)} />}
    </div>
  );
}
