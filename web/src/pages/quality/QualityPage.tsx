// The QualityPage page (area: quality).
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";

export default function QualityPage(_: PageProps) {
  const { t } = useI18n();
  return <h2>{t("quality.title")}</h2>;
}
