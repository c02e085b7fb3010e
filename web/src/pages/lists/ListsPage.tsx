// The ListsPage page (area: lists).
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";

export default function ListsPage(_: PageProps) {
  const { t } = useI18n();
  return <h2>{t("lists.title")}</h2>;
}
