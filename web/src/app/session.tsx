// Who is signed in: the token (kept in sessionStorage, so closing the
// browser signs out), the principal's name, role and token id from GET /me, and
// `can(role)` for showing only what the role allows. The server checks
// every call anyway; hiding is for clarity, not security.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { setToken, setUnauthenticatedHandler } from "../api/client";
import { getMe } from "../api/admin";

export type Role = "viewer" | "analyst" | "operator" | "admin";
const ranks: Record<Role, number> = { viewer: 0, analyst: 1, operator: 2, admin: 3 };

export interface Session {
  name: string;
  role: Role;
  // The id of the token this session signed in with (GET /me's token_id),
  // so the tokens page can mark it; undefined when the server does not say.
  tokenId?: number;
  can: (min: Role) => boolean;
  signOut: () => void;
}

interface SessionState {
  session: Session | null;
  checking: boolean;
  signIn: (token: string) => Promise<void>;
}

const Ctx = createContext<SessionState | null>(null);
const key = "tagloop.token";

export function SessionProvider({ children }: { children: ReactNode }) {
  const [principal, setPrincipal] = useState<{ name: string; role: Role; tokenId?: number } | null>(null);
  const [checking, setChecking] = useState(true);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(key);
    setToken(null);
    setPrincipal(null);
  }, []);

  const signIn = useCallback(async (token: string) => {
    setToken(token);
    try {
      const me = await getMe<{ name: string; role: Role; token_id?: number | null }>();
      sessionStorage.setItem(key, token);
      setPrincipal({ name: me.name, role: me.role, tokenId: typeof me.token_id === "number" ? me.token_id : undefined });
    } catch (e) {
      setToken(null);
      throw e;
    }
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(signOut);
    const saved = sessionStorage.getItem(key);
    if (!saved) {
      setChecking(false);
      return;
    }
    signIn(saved)
      .catch(() => sessionStorage.removeItem(key))
      .finally(() => setChecking(false));
  }, [signIn, signOut]);

  const value = useMemo<SessionState>(() => {
    const session = principal
      ? { ...principal, can: (min: Role) => ranks[principal.role] >= ranks[min], signOut }
      : null;
    return { session, checking, signIn };
  }, [principal, checking, signIn, signOut]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSessionState(): SessionState {
  const v = useContext(Ctx);
  if (!v) throw new Error("useSessionState outside SessionProvider");
  return v;
}

// The signed-in session (pages are only rendered after sign-in).
export function useSession(): Session {
  const s = useSessionState().session;
  if (!s) throw new Error("useSession before sign-in");
  return s;
}
