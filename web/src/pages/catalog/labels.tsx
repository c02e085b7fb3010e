// Display helpers shared by the catalog, tag, editor and quality pages.
import { useI18n } from "../../i18n";

export function TypeLabel({ type }: { type: string }) {
  const { t } = useI18n();
  const [base, scale] = type.split(":");
  const known = ["bool", "enum", "set", "int", "decimal", "date"].includes(base);
  const label = known ? t(("type." + base) as "type.bool") : base;
  return <span title={type}>{scale ? `${label}(${scale})` : label}</span>;
}

export function ProducerLabel({ kind }: { kind: string }) {
  const { t } = useI18n();
  const known = ["sql", "list", "composite", "external", "import", "realtime", "behavior"].includes(kind);
  return <span>{known ? t(("catalog.producer." + kind) as "catalog.producer.sql") : kind}</span>;
}

export function RunState({ state }: { state: string }) {
  const { t } = useI18n();
  const cls = state === "succeeded" ? "ok" : state === "failed" || state === "rejected" ? "bad" : state === "running" || state === "queued" ? "run" : "";
  const known = ["queued", "running", "succeeded", "failed", "rejected", "cancelled"].includes(state);
  return (
    <span className={"badge " + cls} data-testid="run-state">
      {known ? t(("catalog.run." + state) as "catalog.run.queued") : state}
    </span>
  );
}

export function Passed({ passed }: { passed: boolean }) {
  const { t } = useI18n();
  return <span className={"badge " + (passed ? "ok" : "bad")}>{passed ? t("catalog.quality.passed") : t("catalog.quality.failed")}</span>;
}

export function StaleFlag({ stale }: { stale: boolean }) {
  const { t } = useI18n();
  return stale ? (
    <span className="badge warn" data-testid="stale-flag">
      {t("catalog.stale")}
    </span>
  ) : null;
}
