// The AdminPage page (area: admin).
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";

export default function AdminPage(_: PageProps) {
  const { t } = useI18n();
  return <h2>{t("admin.title")}</h2>;
}
