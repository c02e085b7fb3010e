// Helpers of the catalog, tag and editor pages: the category tree as a
// flat list, dates of times, and the diff of two definitions.
import type { Category } from "../../api/catalog";

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
