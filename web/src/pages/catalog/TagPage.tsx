// One tag (#/tags/{name}?tab=): header with the lifecycle buttons the role
// allows, then tabs: overview (definition, value distribution, users over
// time), versions, runs, quality, usage & lineage. A tag that was only
// imported (no catalog definition yet) shows what the store knows and an
// invitation to describe it.
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";
import { useSession } from "../../app/session";
import { ApiError } from "../../api/client";
import { href, navigate } from "../../app/router";
import { useAsync } from "../../components/useAsync";
import { ErrorBox, Loading, StatusBadge, Tabs } from "../../components/ui";
import { getCatalogTag, type TagDetail } from "../../api/catalog";
import { getTag } from "../../api/tags";
import { ProducerLabel, StaleFlag, TypeLabel } from "./labels";
import { Lifecycle } from "./Lifecycle";
import { OverviewTab, type StoreTag } from "./OverviewTab";
import { VersionsTab } from "./VersionsTab";
import { RunsTab } from "./RunsTab";
import { QualityTab } from "./QualityTab";
import { UsageTab } from "./UsageTab";

type TabKey = "overview" | "versions" | "runs" | "quality" | "usage";
const TABS: TabKey[] = ["overview", "versions", "runs", "quality", "usage"];

export interface LoadedTag {
  store: StoreTag | null; // GET /tags/{name}: null while the tag has no data
  detail: TagDetail | null; // GET /catalog/tags/{name}: null without a definition
}

async function loadTag(name: string, signal: AbortSignal): Promise<LoadedTag> {
  const orNull = async <T,>(p: Promise<T>): Promise<T | null> => {
    try {
      return await p;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  };
  const [store, detail] = await Promise.all([
    orNull(getTag<StoreTag>(name, signal)),
    orNull(getCatalogTag<TagDetail>(name, signal)),
  ]);
  if (!store && !detail) throw new ApiError(404, "not_found", "");
  return { store, detail };
}

export default function TagPage({ route }: PageProps) {
  const { t, title } = useI18n();
  const session = useSession();
  const name = route.parts[1] ?? "";
  const tabParam = route.query.get("tab") as TabKey | null;
  const tab: TabKey = tabParam && TABS.includes(tabParam) ? tabParam : "overview";
  const tag = useAsync((signal) => loadTag(name, signal), [name]);

  if (tag.error) {
    const notFound = tag.error instanceof ApiError && tag.error.status === 404;
    return (
      <div>
        <p>
          <a href={href(["catalog"])}>← {t("catalog.title")}</a>
        </p>
        <ErrorBox error={notFound ? new Error(tag.error.message || t("tag.notFound", { name })) : tag.error} onRetry={notFound ? undefined : tag.reload} />
      </div>
    );
  }
  if (!tag.data) return <Loading />;
  const { store, detail } = tag.data;
  const def = detail?.definition;
  const type = def?.type ?? store?.type ?? "";
  const status = detail?.status ?? store?.status;
  const tagTitle = title(def?.title ?? store?.title, name);

  return (
    <div data-testid="tag-page">
      <p className="crumbs">
        <a href={href(["catalog"])}>{t("catalog.title")}</a>
        {def?.category && (
          <>
            {" / "}
            <a href={href(["catalog"], { category: def.category })}>{def.category}</a>
          </>
        )}
      </p>
      <div className="page-head">
        <div>
          <h2 data-testid="tag-title">
            {tagTitle} <span className="mono muted small">{name}</span>
          </h2>
          <div className="row small">
            <TypeLabel type={type} />
            {def && <ProducerLabel kind={def.producer?.kind ?? ""} />}
            {status && <StatusBadge status={status} />}
            {detail && <span className="muted">{t("tag.defVersion", { v: detail.version })}</span>}
            {detail && <StaleFlag stale={detail.stale} />}
            {def?.personal && <span className="badge personal">{t("catalog.personal")}</span>}
          </div>
        </div>
        <div className="row">
          {detail && <Lifecycle name={name} status={detail.status} onChanged={tag.reload} />}
          {session.can("operator") && (
            <a className="button" href={href(["editor", name])} data-testid="tag-edit">
              {detail ? t("tag.edit") : t("tag.describe")}
            </a>
          )}
        </div>
      </div>
      {!detail && <div className="notice">{t("tag.noDefinition")}</div>}
      <Tabs
        tabs={TABS.map((k) => ({ key: k, label: t(("tag.tab." + k) as "tag.tab.overview") }))}
        active={tab}
        onChange={(k) => navigate(["tags", name], { tab: k === "overview" ? undefined : k })}
      />
      {tab === "overview" && <OverviewTab name={name} data={tag.data} />}
      {tab === "versions" && <VersionsTab name={name} data={tag.data} />}
      {tab === "runs" && <RunsTab name={name} detail={detail} onChanged={tag.reload} />}
      {tab === "quality" && <QualityTab name={name} />}
      {tab === "usage" && <UsageTab name={name} detail={detail} />}
    </div>
  );
}
