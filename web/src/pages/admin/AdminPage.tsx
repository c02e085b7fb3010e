// Administration (#/admin?tab=tokens|sources, admin role): API tokens (list,
// create with a role — the secret is shown once with a copy button —,
// revoke) and SQL sources (list, add/edit with a write-only password, test
// the connection, delete).
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";
import { navigate } from "../../app/router";
import { Tabs } from "../../components/ui";
import { TokensTab } from "./TokensTab";
import { SourcesTab } from "./SourcesTab";

export default function AdminPage({ route }: PageProps) {
  const { t } = useI18n();
  const tab = route.query.get("tab") === "sources" ? "sources" : "tokens";
  return (
    <div data-testid="admin-page">
      <h2>{t("admin.title")}</h2>
      <Tabs
        tabs={[
          { key: "tokens", label: t("admin.tokens") },
          { key: "sources", label: t("admin.sources") },
        ]}
        active={tab}
        onChange={(k) => navigate(["admin"], { tab: k === "tokens" ? undefined : k })}
      />
      {tab === "tokens" ? <TokensTab /> : <SourcesTab />}
    </div>
  );
}
