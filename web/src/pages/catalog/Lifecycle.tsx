// The lifecycle buttons of a tag by role (operator+): publish a draft, take
// a published tag offline, restore an offline one. Taking offline a tag that
// others read answers 409 with the dependents; an admin may then force it.
import { useState } from "react";
import { useI18n } from "../../i18n";
import { useSession } from "../../app/session";
import { ApiError } from "../../api/client";
import { href } from "../../app/router";
import { Modal } from "../../components/ui";
import { changeTagStatus, type Dependents } from "../../api/catalog";

export function Lifecycle({ name, status, onChanged }: { name: string; status: string; onChanged: () => void }) {
  const { t } = useI18n();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [blocked, setBlocked] = useState<{ message: string; dependents: Dependents } | null>(null);
  const [confirmOffline, setConfirmOffline] = useState(false);
  if (!session.can("operator")) return null;

  const act = async (action: "publish" | "offline" | "restore", force = false) => {
    setBusy(true);
    setError(undefined);
    try {
      await changeTagStatus(name, action, force);
      setBlocked(null);
      setConfirmOffline(false);
      onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.detail.dependents) {
        setConfirmOffline(false);
        setBlocked({ message: e.message, dependents: e.detail.dependents as Dependents });
      } else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {status === "draft" && (
        <button className="primary" disabled={busy} onClick={() => act("publish")} data-testid="tag-publish">
          {t("tag.publish")}
        </button>
      )}
      {status === "published" && (
        <button className="danger" disabled={busy} onClick={() => setConfirmOffline(true)} data-testid="tag-offline">
          {t("tag.offline")}
        </button>
      )}
      {status === "offline" && (
        <button disabled={busy} onClick={() => act("restore")} data-testid="tag-restore">
          {t("tag.restore")}
        </button>
      )}
      {error && (
        <span className="field-error" role="alert" data-testid="lifecycle-error">
          {error}
        </span>
      )}
      {confirmOffline && (
        <Modal
          title={t("tag.offlineTitle", { name })}
          onClose={() => setConfirmOffline(false)}
          footer={
            <>
              <button onClick={() => setConfirmOffline(false)}>{t("common.cancel")}</button>
              <button className="danger" disabled={busy} onClick={() => act("offline")} data-testid="tag-offline-confirm">
                {t("tag.offline")}
              </button>
            </>
          }
        >
          <p>{t("tag.offlineExplain")}</p>
        </Modal>
      )}
      {blocked && (
        <Modal
          title={t("tag.offlineBlocked")}
          onClose={() => setBlocked(null)}
          footer={
            <>
              <button onClick={() => setBlocked(null)}>{t("common.close")}</button>
              {session.can("admin") && (
                <button className="danger" disabled={busy} onClick={() => act("offline", true)} data-testid="tag-offline-force">
                  {t("tag.offlineForce")}
                </button>
              )}
            </>
          }
        >
          <div data-testid="offline-blocked">
            <p>{t("tag.offlineBlockedExplain")}</p>
            <p className="muted small">{blocked.message}</p>
            {blocked.dependents.composite_tags.length > 0 && (
              <div>
                <strong>{t("tag.lineage.composite")}</strong>
                <ul>
                  {blocked.dependents.composite_tags.map((d) => (
                    <li key={d}>
                      <a href={href(["tags", d])} className="mono" onClick={() => setBlocked(null)}>
                        {d}
                      </a>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {blocked.dependents.saved_segments.length > 0 && (
              <div>
                <strong>{t("tag.lineage.segments")}</strong>
                <ul>
                  {blocked.dependents.saved_segments.map((d) => (
                    <li key={d}>
                      <a href={href(["segments", d])} className="mono" onClick={() => setBlocked(null)}>
                        {d}
                      </a>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {!session.can("admin") && <p className="muted">{t("tag.offlineAskAdmin")}</p>}
          </div>
        </Modal>
      )}
    </>
  );
}
