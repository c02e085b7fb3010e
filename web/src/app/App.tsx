// The shell: sign-in until there is a session, then the navigation (only
// the pages the role may open), the language switch, and the current page.
import { Suspense, useState, type FormEvent } from "react";
import { useI18n } from "../i18n";
import { useRoute, href } from "./router";
import { useSessionState, type Session } from "./session";
import { pages } from "../pages/registry";
import { ErrorBox, Loading } from "../components/ui";

function SignIn() {
  const { t } = useI18n();
  const { signIn } = useSessionState();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(token.trim());
    } catch (err) {
      setError(t("login.failed", { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="signin">
      <form onSubmit={submit} className="signin-box">
        <h1>{t("app.name")}</h1>
        <p className="muted">{t("app.tagline")}</p>
        <label className="field">
          <span className="field-label">{t("login.token")}</span>
          <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} placeholder="tl_…" data-testid="login-token" autoFocus />
          <span className="field-hint">{t("login.tokenHint")}</span>
        </label>
        {error && (
          <div className="field-error" role="alert">
            {error}
          </div>
        )}
        <button className="primary" type="submit" disabled={busy || !token.trim()} data-testid="login-submit">
          {t("login.submit")}
        </button>
        <LanguageSwitch />
      </form>
    </div>
  );
}

function LanguageSwitch() {
  const { t, lang, setLang } = useI18n();
  return (
    <button type="button" className="link lang" onClick={() => setLang(lang === "en" ? "zh-CN" : "en")} data-testid="lang-switch">
      {t("common.language")}
    </button>
  );
}

function Shell({ session }: { session: Session }) {
  const { t } = useI18n();
  const route = useRoute();
  const first = route.parts[0] ?? "catalog";
  const page = pages.find((p) => p.path === first);
  const navPages = pages.filter((p) => p.nav && session.can(p.min));
  // A tag's pages belong to the catalog, and so does editing an existing tag
  // (#/editor/{name}); "new tag" is #/editor alone.
  const active = first === "tags" || (first === "editor" && route.parts.length > 1) ? "catalog" : first;
  let body;
  if (!page) body = <ErrorBox error={new Error(t("common.notFound"))} />;
  else if (!session.can(page.min)) body = <ErrorBox error={new Error(t("common.noPermission"))} />;
  else {
    const Page = page.component;
    body = (
      <Suspense fallback={<Loading />}>
        <Page key={first} route={route} />
      </Suspense>
    );
  }
  return (
    <div className="shell">
      <aside className="side">
        <a className="brand" href="#/catalog">
          tagloop
        </a>
        <nav>
          {navPages.map((p) => (
            <a key={p.path} href={href([p.path])} className={p.path === active ? "active" : ""} data-testid={"nav-" + p.path}>
              {t(p.nav!)}
            </a>
          ))}
        </nav>
      </aside>
      <div className="main">
        <header className="top">
          <span className="who" data-testid="who">
            {t("login.as", { name: session.name, role: t(("role." + session.role) as "role.admin") })}
          </span>
          <LanguageSwitch />
          <button className="link" onClick={session.signOut} data-testid="logout">
            {t("login.logout")}
          </button>
        </header>
        <main className="content">{body}</main>
      </div>
    </div>
  );
}

export default function App() {
  const { session, checking } = useSessionState();
  if (checking) return <Loading />;
  return session ? <Shell session={session} /> : <SignIn />;
}
