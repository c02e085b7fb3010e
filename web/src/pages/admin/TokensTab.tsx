// API tokens: every token (never its secret), a new one with a role (its
// secret shown exactly once, with a copy button), revocation.
import { useState } from "react";
import { useI18n } from "../../i18n";
import { useAsync } from "../../components/useAsync";
import { Empty, ErrorBox, Field, Loading, Modal, Panel } from "../../components/ui";
import { useSession, type Role } from "../../app/session";
import { createToken, listTokens, revokeToken } from "../../api/admin";

interface Token {
  id: number;
  name: string;
  role: Role;
  created_at_ms: number;
  created_by: string;
  last_used_at_ms: number | null;
  revoked_at_ms: number | null;
  active: boolean;
}

const ROLES: Role[] = ["viewer", "analyst", "operator", "admin"];

export function TokensTab() {
  const { t, time } = useI18n();
  const session = useSession();
  const isMine = (tok: Token) => session.tokenId !== undefined && tok.id === session.tokenId;
  const tokens = useAsync((signal) => listTokens<{ tokens: Token[] }>(signal), []);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [error, setError] = useState<string>();
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);

  const create = async () => {
    setError(undefined);
    try {
      const a = await createToken<{ secret?: string; token?: string; name: string }>({ name: name.trim(), role });
      setSecret({ name: a.name ?? name, secret: a.secret ?? a.token ?? "" });
      setCopied(false);
      setCreating(false);
      setName("");
      tokens.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const revoke = async (tok: Token) => {
    // Revoking the token this session uses signs the caller out: ask once more.
    if (isMine(tok) && !window.confirm(t("admin.revokeOwnConfirm"))) return;
    try {
      await revokeToken(tok.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    setRevoking(null);
    if (isMine(tok)) {
      session.signOut();
      return;
    }
    tokens.reload();
  };
  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret.secret);
      setCopied(true);
    } catch {
      // no clipboard API (plain http): copy the selected input text instead
      const input = document.querySelector<HTMLInputElement>("[data-testid=token-secret]");
      input?.select();
      setCopied(document.execCommand("copy"));
    }
  };
  const list = (tokens.data?.tokens ?? []).filter((x) => showRevoked || x.active);
  return (
    <Panel
      title={t("admin.tokens")}
      actions={
        <>
          <label className="check small">
            <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} data-testid="tokens-show-revoked" /> {t("admin.showRevoked")}
          </label>
          <button className="primary" onClick={() => setCreating(true)} data-testid="token-new">
            {t("admin.newToken")}
          </button>
        </>
      }
    >
      {secret && (
        <div className="notice ok" data-testid="token-secret-box">
          <p>
            <strong>{t("admin.secretOnce", { name: secret.name })}</strong>
          </p>
          <div className="row">
            <input className="mono secret" readOnly value={secret.secret} onFocus={(e) => e.target.select()} data-testid="token-secret" />
            <button onClick={copy} data-testid="token-copy">
              {copied ? t("admin.copied") : t("admin.copy")}
            </button>
            <button className="link" onClick={() => setSecret(null)}>
              {t("admin.secretDone")}
            </button>
          </div>
        </div>
      )}
      {error && <div className="field-error">{error}</div>}
      {tokens.error ? (
        <ErrorBox error={tokens.error} onRetry={tokens.reload} />
      ) : !tokens.data ? (
        <Loading />
      ) : list.length === 0 ? (
        <Empty />
      ) : (
        <table className="data" data-testid="tokens-table">
          <thead>
            <tr>
              <th>ID</th>
              <th>{t("common.name")}</th>
              <th>{t("admin.role")}</th>
              <th>{t("admin.created")}</th>
              <th>{t("admin.lastUsed")}</th>
              <th>{t("common.status")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((tok) => (
              <tr key={tok.id} className={isMine(tok) ? "mine" : undefined} data-testid={"token-row-" + tok.id}>
                <td>{tok.id}</td>
                <td>
                  {tok.name}
                  {isMine(tok) && (
                    <span className="badge" title={t("admin.currentTokenHint")} data-testid="token-current">
                      {t("admin.currentToken")}
                    </span>
                  )}
                </td>
                <td>{t(("role." + tok.role) as "role.admin")}</td>
                <td>
                  {time(tok.created_at_ms)} <span className="muted small">{tok.created_by}</span>
                </td>
                <td>{tok.last_used_at_ms ? time(tok.last_used_at_ms) : <span className="muted">{t("admin.never")}</span>}</td>
                <td>{tok.active ? <span className="badge ok">{t("admin.active")}</span> : <span className="badge bad">{t("admin.revokedAt", { when: time(tok.revoked_at_ms ?? 0) })}</span>}</td>
                <td>
                  {tok.active && (
                    <button className="danger" onClick={() => setRevoking(tok)} data-testid={"token-revoke-" + tok.id}>
                      {t("admin.revoke")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && (
        <Modal
          title={t("admin.newToken")}
          onClose={() => setCreating(false)}
          footer={
            <>
              <button onClick={() => setCreating(false)}>{t("common.cancel")}</button>
              <button className="primary" disabled={!name.trim()} onClick={create} data-testid="token-create">
                {t("admin.create")}
              </button>
            </>
          }
        >
          <Field label={t("common.name")} hint={t("admin.tokenNameHint")} error={error}>
            <input value={name} onChange={(e) => setName(e.target.value)} autoFocus data-testid="token-name" />
          </Field>
          <Field label={t("admin.role")} hint={t(("admin.roleHint." + role) as "admin.roleHint.viewer")}>
            <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="token-role">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(("role." + r) as "role.admin")}
                </option>
              ))}
            </select>
          </Field>
        </Modal>
      )}
      {revoking && (
        <Modal
          title={t("admin.revokeTitle", { name: revoking.name })}
          onClose={() => setRevoking(null)}
          footer={
            <>
              <button onClick={() => setRevoking(null)}>{t("common.cancel")}</button>
              <button className="danger" onClick={() => revoke(revoking)} data-testid="token-revoke-confirm">
                {t("admin.revoke")}
              </button>
            </>
          }
        >
          <p>{t("admin.revokeExplain")}</p>
          {isMine(revoking) && (
            <p className="warn-note" data-testid="token-revoke-own">
              {t("admin.revokeOwnWarning")}
            </p>
          )}
        </Modal>
      )}
    </Panel>
  );
}
