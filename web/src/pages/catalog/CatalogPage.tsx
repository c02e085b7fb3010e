// The tag catalog (#/catalog?category=&q=&status=&type=&page=): the category
// tree on the left, a search box (server-side `q`, debounced), status and
// type filters and a paged table. A row opens the tag page.
import { useEffect, useState } from "react";
import type { PageProps } from "../registry";
import { useI18n } from "../../i18n";
import { useSession } from "../../app/session";
import { href, navigate } from "../../app/router";
import { useAsync, useDebounced } from "../../components/useAsync";
import { Empty, ErrorBox, Loading, Panel, StatusBadge } from "../../components/ui";
import { CategoryTree } from "../../components/CategoryTree";
import { fetchCatalog, listCategories, type Category } from "../../api/catalog";
import { ProducerLabel, StaleFlag, TypeLabel } from "./labels";

const PAGE_SIZE = 50;
const TYPES = ["bool", "enum", "set", "int", "decimal", "date"];
const STATUSES = ["published", "draft", "offline"];

export default function CatalogPage({ route }: PageProps) {
  const { t, num, title, time } = useI18n();
  const session = useSession();
  const category = route.query.get("category") ?? "";
  const q = route.query.get("q") ?? "";
  const status = route.query.get("status") ?? "";
  const type = route.query.get("type") ?? "";
  const page = Math.max(0, Number(route.query.get("page") ?? "1") - 1);
  const query = { category, q, status, type };
  const go = (change: Partial<typeof query> & { page?: string }) =>
    navigate(["catalog"], { ...query, page: undefined, ...change });

  const [text, setText] = useState(q);
  const debounced = useDebounced(text, 300);
  useEffect(() => {
    if (debounced.trim() !== q) go({ q: debounced.trim() });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);

  const cats = useAsync((signal) => listCategories<{ categories: Category[]; uncategorized_tags: number }>(signal), []);
  const list = useAsync(
    (signal) =>
      fetchCatalog(
        {
          q: q || undefined,
          category: category || undefined,
          status: status || undefined,
          includeOffline: session.can("admin"),
          type: type || undefined,
          limit: PAGE_SIZE,
          offset: page * PAGE_SIZE,
        },
        signal,
      ),
    [q, category, status, type, page],
  );
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1;
  const allTotal = cats.data ? cats.data.categories.reduce((s, c) => s + c.total_tags, 0) + cats.data.uncategorized_tags : undefined;

  return (
    <div>
      <div className="page-head">
        <h2>{t("catalog.title")}</h2>
        {session.can("operator") && (
          <a className="button primary" href={href(["editor"])} data-testid="catalog-new-tag">
            {t("catalog.newTag")}
          </a>
        )}
      </div>
      <div className="split">
        <Panel title={t("catalog.categories")}>
          {cats.error ? (
            <ErrorBox error={cats.error} onRetry={cats.reload} />
          ) : !cats.data ? (
            <Loading />
          ) : (
            <CategoryTree categories={cats.data.categories} selected={category} onSelect={(p) => go({ category: p })} total={allTotal} />
          )}
        </Panel>
        <div>
          <div className="row filters">
            <input
              type="search"
              className="search"
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={t("catalog.searchPlaceholder")}
              data-testid="catalog-search"
            />
            <select value={status} onChange={(e) => go({ status: e.target.value })} data-testid="catalog-status">
              <option value="">{t("catalog.allStatuses")}</option>
              {STATUSES.filter((s) => s !== "offline" || session.can("admin")).map((s) => (
                <option key={s} value={s}>
                  {t(("status." + s) as "status.draft")}
                </option>
              ))}
            </select>
            <select value={type} onChange={(e) => go({ type: e.target.value })} data-testid="catalog-type">
              <option value="">{t("catalog.allTypes")}</option>
              {TYPES.map((ty) => (
                <option key={ty} value={ty}>
                  {t(("type." + ty) as "type.bool")}
                </option>
              ))}
            </select>
            {list.data && (
              <span className="muted" data-testid="catalog-total">
                {t("catalog.total", { n: list.data.total })}
              </span>
            )}
          </div>
          {list.error ? (
            <ErrorBox error={list.error} onRetry={list.reload} />
          ) : !list.data ? (
            <Loading />
          ) : list.data.tags.length === 0 ? (
            <Empty>{t("catalog.noTags")}</Empty>
          ) : (
            <div className={"panel table-wrap" + (list.loading ? " dim" : "")}>
              <table className="data" data-testid="catalog-table">
                <thead>
                  <tr>
                    <th>{t("catalog.col.name")}</th>
                    <th>{t("catalog.col.title")}</th>
                    <th>{t("common.type")}</th>
                    <th>{t("catalog.col.producer")}</th>
                    <th>{t("common.category")}</th>
                    <th>{t("common.status")}</th>
                    <th className="num">{t("catalog.col.users")}</th>
                    <th>{t("catalog.col.lastDate")}</th>
                    <th>{t("common.owner")}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.tags.map((tag) => (
                    <tr key={tag.name} className="clickable" onClick={() => navigate(["tags", tag.name])} data-testid={"catalog-row-" + tag.name}>
                      <td>
                        <a href={href(["tags", tag.name])} className="mono" onClick={(e) => e.stopPropagation()}>
                          {tag.name}
                        </a>
                        {tag.personal && (
                          <span className="badge personal" title={t("catalog.personalHint")}>
                            {t("catalog.personal")}
                          </span>
                        )}
                      </td>
                      <td>{title(tag.title, "—")}</td>
                      <td>
                        <TypeLabel type={tag.type} />
                      </td>
                      <td>
                        <ProducerLabel kind={tag.producer} />
                      </td>
                      <td className="muted nowrap">{tag.category ?? t("catalog.uncategorized")}</td>
                      <td>
                        <StatusBadge status={tag.status} />
                      </td>
                      <td className="num">{tag.latest ? num(tag.latest.users) : "—"}</td>
                      <td className="nowrap" title={t("catalog.updatedBy", { who: tag.updated_by, when: time(tag.updated_at_ms) })}>
                        {tag.latest?.date ?? "—"} <StaleFlag stale={tag.stale} />
                      </td>
                      <td>{tag.owner || "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {list.data && pages > 1 && (
            <div className="row pager" data-testid="catalog-pager">
              <button disabled={page === 0} onClick={() => go({ page: String(page) })} data-testid="catalog-prev">
                {t("catalog.prev")}
              </button>
              <span>{t("catalog.pageOf", { page: page + 1, pages })}</span>
              <button disabled={page + 1 >= pages} onClick={() => go({ page: String(page + 2) })} data-testid="catalog-next">
                {t("catalog.next")}
              </button>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
