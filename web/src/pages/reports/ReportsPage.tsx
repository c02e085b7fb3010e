// The ReportsPage page (area: reports).
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";

export default function ReportsPage(_: PageProps) {
  const { t } = useI18n();
  return <h2>{t("reports.title")}</h2>;
}
