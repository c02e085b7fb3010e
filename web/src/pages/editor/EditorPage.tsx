// The EditorPage page (area: editor).
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";

export default function EditorPage(_: PageProps) {
  const { t } = useI18n();
  return <h2>{t("editor.title")}</h2>;
}
