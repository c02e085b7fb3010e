// The catalog (/api/v1/catalog/...): tag definitions and their lifecycle,
// runs, quality checks, usage, categories, SQL sources and previews. Body
// and answer types come from src/server/openapi.json (see route.ts); the
// interfaces below are the pages' narrower view of the answers (fields the
// document leaves optional or does not describe), passed as T.
import { ApiError } from "./client";
import { call, type Answer, type Loosely, type Body, type Query, type Schema } from "./route";

export interface Title {
  zh?: string;
  en?: string;
}

export interface CatalogItem {
  name: string;
  type: string;
  status: NonNullable<Schema<"CatalogTagSummary">["status"]>;
  version: number;
  category: string | null;
  title: Title;
  owner: string;
  producer: string;
  schedule: string | null;
  personal?: boolean;
  latest: { date: string; users: number } | null;
  stale: boolean;
  updated_at_ms: number;
  updated_by: string;
}

export interface Run {
  id: number;
  tag: string;
  biz_date: string;
  definition_version: number;
  trigger: string;
  state: string;
  attempt: number;
  requested_by: string;
  queued_at_ms: number;
  started_at_ms: number | null;
  finished_at_ms: number | null;
  rows: number | null;
  users: number | null;
  error: string | null;
  log?: string;
}

export interface DataVersion {
  date: string;
  users: number;
  bytes: number;
  published_unix?: number;
  definition_version: number | null;
  run_id: number | null;
}

export interface Dependents {
  composite_tags: string[];
  saved_segments: string[];
}

export type Definition = Record<string, any>;
// A definition as PUT /catalog/tags/{name} takes it.
export type TagDefinition = Definition & Schema<"TagDefinition">;

export interface TagDetail {
  name: string;
  status: string;
  version: number;
  definition: Definition;
  created_at_ms: number;
  created_by: string;
  updated_at_ms: number;
  updated_by: string;
  stale: boolean;
  data_versions: DataVersion[];
  last_run: Run | null;
  dependents: Dependents;
}

export interface QualityCheck {
  run_id: number;
  biz_date: string;
  at_ms: number;
  check: string;
  passed: boolean;
  observed: number | null;
  bound: number | null;
  message: string;
}

export interface Category {
  id: number;
  parent_id: number | null;
  name: string;
  path: string;
  title_en: string;
  tags: number;
  total_tags: number;
  children: Category[];
}


type TagsAnswer = Answer<"/api/v1/catalog/tags", "get">;
// Tag definitions (filtered; paged with limit and offset).
export const listCatalogTags = <T extends Loosely<TagsAnswer> = TagsAnswer>(query: Query<"/api/v1/catalog/tags", "get"> = {}, signal?: AbortSignal) =>
  call("get", "/api/v1/catalog/tags", { query, signal }) as Promise<T>;

type TagAnswer = Answer<"/api/v1/catalog/tags/{name}", "get">;
export const getCatalogTag = <T extends Loosely<TagAnswer> = TagAnswer>(name: string, signal?: AbortSignal) =>
  call("get", "/api/v1/catalog/tags/{name}", { path: { name }, signal }) as Promise<T>;

type PutTagAnswer = Answer<"/api/v1/catalog/tags/{name}", "put">;
// Creates or changes a definition; with dryRun only checks it and answers the diff.
export const putCatalogTag = <T extends Loosely<PutTagAnswer> = PutTagAnswer>(name: string, definition: Body<"/api/v1/catalog/tags/{name}", "put">, dryRun = false) =>
  call("put", "/api/v1/catalog/tags/{name}", { path: { name }, query: { dry_run: dryRun || undefined }, body: definition }) as Promise<T>;

type HistoryAnswer = Answer<"/api/v1/catalog/tags/{name}/history", "get">;
export const tagHistory = <T extends Loosely<HistoryAnswer> = HistoryAnswer>(name: string, signal?: AbortSignal) =>
  call("get", "/api/v1/catalog/tags/{name}/history", { path: { name }, signal }) as Promise<T>;

// Publishes a draft, takes a tag offline (force: over its dependents, admins) or restores it.
export function changeTagStatus(name: string, action: "publish" | "offline" | "restore", force = false) {
  const path = { name };
  if (action === "publish") return call("post", "/api/v1/catalog/tags/{name}/publish", { path });
  if (action === "restore") return call("post", "/api/v1/catalog/tags/{name}/restore", { path });
  return call("post", "/api/v1/catalog/tags/{name}/offline", { path, query: { force: force || undefined } });
}

type RunsAnswer = Answer<"/api/v1/catalog/tags/{name}/runs", "get">;
// A tag's runs, newest first.
export const tagRuns = <T extends Loosely<RunsAnswer> = RunsAnswer>(name: string, limit: number, signal?: AbortSignal) =>
  call("get", "/api/v1/catalog/tags/{name}/runs", { path: { name }, query: { limit }, signal }) as Promise<T>;

type StartAnswer = Answer<"/api/v1/catalog/tags/{name}/runs", "post">;
// Queues a run (manual, or repair of a date).
export const startRun = <T extends Loosely<StartAnswer> = StartAnswer>(name: string, body: Body<"/api/v1/catalog/tags/{name}/runs", "post">) =>
  call("post", "/api/v1/catalog/tags/{name}/runs", { path: { name }, body }) as Promise<T>;

type BackfillAnswer = Answer<"/api/v1/catalog/tags/{name}/backfill", "post">;
// Queues one run per date from `from` to `to`.
export const backfill = <T extends Loosely<BackfillAnswer> = BackfillAnswer>(name: string, body: Body<"/api/v1/catalog/tags/{name}/backfill", "post">) =>
  call("post", "/api/v1/catalog/tags/{name}/backfill", { path: { name }, body }) as Promise<T>;

type QualityAnswer = Answer<"/api/v1/catalog/tags/{name}/quality", "get">;
// A tag's quality checks, newest first.
export const tagQuality = <T extends Loosely<QualityAnswer> = QualityAnswer>(name: string, limit: number, signal?: AbortSignal) =>
  call("get", "/api/v1/catalog/tags/{name}/quality", { path: { name }, query: { limit }, signal }) as Promise<T>;

type UsageAnswer = Answer<"/api/v1/catalog/tags/{name}/usage", "get">;
export const tagUsage = <T extends Loosely<UsageAnswer> = UsageAnswer>(name: string, signal?: AbortSignal) =>
  call("get", "/api/v1/catalog/tags/{name}/usage", { path: { name }, signal }) as Promise<T>;

type PushAnswer = Answer<"/api/v1/catalog/tags/{name}/values", "post">;
// Pushes values to an external tag.
export const pushValues = <T extends Loosely<PushAnswer> = PushAnswer>(name: string, body: Body<"/api/v1/catalog/tags/{name}/values", "post">) =>
  call("post", "/api/v1/catalog/tags/{name}/values", { path: { name }, body }) as Promise<T>;

type ListAnswer = Answer<"/api/v1/catalog/tags/{name}/list", "put">;
// Uploads a list tag's file (CSV or one id per line) and produces the tag.
export const uploadTagList = <T extends Loosely<ListAnswer> = ListAnswer>(name: string, file: Blob, contentType: "text/csv" | "text/plain") =>
  call("put", "/api/v1/catalog/tags/{name}/list", { path: { name }, query: { run: true }, raw: { body: file, contentType } }) as Promise<T>;

type RunAnswer = Answer<"/api/v1/catalog/runs/{id}", "get">;
// One run with its log.
export const getRun = <T extends Loosely<RunAnswer> = RunAnswer>(id: number, signal?: AbortSignal) =>
  call("get", "/api/v1/catalog/runs/{id}", { path: { id }, signal }) as Promise<T>;

export const cancelRun = (id: number) => call("post", "/api/v1/catalog/runs/{id}/cancel", { path: { id } });

type AllRunsAnswer = Answer<"/api/v1/catalog/runs", "get">;
// Runs of every tag the caller may see, newest first.
export const listRuns = <T extends Loosely<AllRunsAnswer> = AllRunsAnswer>(query: Query<"/api/v1/catalog/runs", "get">, signal?: AbortSignal) =>
  call("get", "/api/v1/catalog/runs", { query, signal }) as Promise<T>;

type AllQualityAnswer = Answer<"/api/v1/catalog/quality", "get">;
// Quality checks of every tag the caller may see, newest first.
export const listQuality = <T extends Loosely<AllQualityAnswer> = AllQualityAnswer>(query: Query<"/api/v1/catalog/quality", "get">, signal?: AbortSignal) =>
  call("get", "/api/v1/catalog/quality", { query, signal }) as Promise<T>;

type CategoriesAnswer = Answer<"/api/v1/catalog/categories", "get">;
// The category tree with the number of tags in each.
export const listCategories = <T extends Loosely<CategoriesAnswer> = CategoriesAnswer>(signal?: AbortSignal) =>
  call("get", "/api/v1/catalog/categories", { signal }) as Promise<T>;

type PreviewAnswer = Answer<"/api/v1/catalog/preview", "post">;
// Runs a SQL tag's query read-only: the first rows and a dry-run count.
export const previewQuery = <T extends Loosely<PreviewAnswer> = PreviewAnswer>(body: Body<"/api/v1/catalog/preview", "post">) =>
  call("post", "/api/v1/catalog/preview", { body }) as Promise<T>;

type SourcesAnswer = Answer<"/api/v1/catalog/sources", "get">;
// The SQL sources (never their passwords).
export const listSources = <T extends Loosely<SourcesAnswer> = SourcesAnswer>(signal?: AbortSignal) =>
  call("get", "/api/v1/catalog/sources", { signal }) as Promise<T>;

// Creates or replaces a source (without a password the stored one is kept).
export const putSource = (name: string, body: Body<"/api/v1/catalog/sources/{name}", "put">) =>
  call("put", "/api/v1/catalog/sources/{name}", { path: { name }, body });

export const deleteSource = (name: string) => call("delete", "/api/v1/catalog/sources/{name}", { path: { name } });

type TestAnswer = Answer<"/api/v1/catalog/sources/{name}/test", "post">;
// Connects and runs a trivial query.
export const testSource = <T extends Loosely<TestAnswer> = TestAnswer>(name: string) =>
  call("post", "/api/v1/catalog/sources/{name}/test", { path: { name } }) as Promise<T>;

// The catalog page's list: server paging with limit/offset when the server
// takes them, else one request paged in the browser.
export interface CatalogQuery {
  q?: string;
  category?: string;
  status?: string;
  type?: string;
  includeOffline?: boolean; // admins only (403 for others)
  limit: number;
  offset: number;
}

export interface CatalogPage {
  tags: CatalogItem[];
  total: number;
  serverPaged: boolean;
}

// Unknown until the first answer: a server without limit/offset refuses
// them (400 "unknown query parameter"); then we page in the browser.
let serverPaging: boolean | undefined;

type CatalogTagsQuery = Query<"/api/v1/catalog/tags", "get">;

const typeMatches = (itemType: string, want?: string) => !want || itemType === want || (want === "decimal" && itemType.startsWith("decimal"));

export async function fetchCatalog(query: CatalogQuery, signal?: AbortSignal): Promise<CatalogPage> {
  const base = { q: query.q, category: query.category, status: query.status as CatalogTagsQuery["status"], include_offline: query.includeOffline || undefined };
  if (serverPaging !== false) {
    try {
      // The page's filters come from the address; the server refuses (400) a
      // status or type it does not know, as it did before.
      const type = query.type === "decimal" ? undefined : (query.type as CatalogTagsQuery["type"]);
      const a = await listCatalogTags<{ tags: CatalogItem[]; total?: number }>({ ...base, type, limit: query.limit, offset: query.offset }, signal);
      if (a.total !== undefined) {
        serverPaging = true;
        // decimal:N types are filtered here (the server matches the exact type).
        const tags = a.tags.filter((t) => typeMatches(t.type, query.type));
        return { tags, total: a.total, serverPaged: true };
      }
      serverPaging = false; // parameters accepted but no total: page here
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 400 && /unknown query parameter/.test(e.message))) throw e;
      serverPaging = false;
    }
  }
  const a = await listCatalogTags<{ tags: CatalogItem[] }>(base, signal);
  const all = a.tags.filter((t) => typeMatches(t.type, query.type));
  return { tags: all.slice(query.offset, query.offset + query.limit), total: all.length, serverPaged: false };
}

