// The catalog API as the catalog, tag, editor and quality pages read it:
// answer types and the paged tag list (server paging with limit/offset when
// the server takes them, else one request paged in the browser).
import { ApiError, get, qs } from "../../api/client";

export interface Title {
  zh?: string;
  en?: string;
}

export interface CatalogItem {
  name: string;
  type: string;
  status: string;
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

const typeMatches = (itemType: string, want?: string) => !want || itemType === want || (want === "decimal" && itemType.startsWith("decimal"));

export async function fetchCatalog(query: CatalogQuery, signal?: AbortSignal): Promise<CatalogPage> {
  const base = { q: query.q, category: query.category, status: query.status, include_offline: query.includeOffline || undefined };
  if (serverPaging !== false) {
    try {
      const type = query.type === "decimal" ? undefined : query.type;
      const a = await get<{ tags: CatalogItem[]; total?: number }>(
        "/catalog/tags" + qs({ ...base, type, limit: query.limit, offset: query.offset }),
        { signal },
      );
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
  const a = await get<{ tags: CatalogItem[] }>("/catalog/tags" + qs(base), { signal });
  const all = a.tags.filter((t) => typeMatches(t.type, query.type));
  return { tags: all.slice(query.offset, query.offset + query.limit), total: all.length, serverPaged: false };
}

// The categories as a flat list of paths (for pickers), depth-first.
export function flattenCategories(cats: Category[], out: Category[] = []): Category[] {
  for (const c of cats) {
    out.push(c);
    flattenCategories(c.children, out);
  }
  return out;
}

// "2026-11-24" for a millisecond time, local.
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// Flattens a JSON value into "a.b[0].c" → printable leaves, for diffs.
export function flatten(value: unknown, prefix = "", out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : Object.entries(value as object).map(([k, v]) => ["." + k, v] as const);
    if (entries.length === 0) out[prefix || "."] = Array.isArray(value) ? "[]" : "{}";
    for (const [k, v] of entries) flatten(v, prefix ? prefix + k : k.replace(/^\./, ""), out);
  } else {
    out[prefix] = JSON.stringify(value);
  }
  return out;
}

export interface DiffLine {
  path: string;
  before?: string;
  after?: string;
}

export function diffDefinitions(a: unknown, b: unknown): DiffLine[] {
  const fa = flatten(a ?? {});
  const fb = flatten(b ?? {});
  const keys = Array.from(new Set([...Object.keys(fa), ...Object.keys(fb)])).sort();
  return keys.filter((k) => fa[k] !== fb[k]).map((k) => ({ path: k, before: fa[k], after: fb[k] }));
}
