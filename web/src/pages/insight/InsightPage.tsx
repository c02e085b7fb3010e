// The InsightPage page (area: insight).
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";

export default function InsightPage(_: PageProps) {
  const { t } = useI18n();
  return <h2>{t("insight.title")}</h2>;
}
