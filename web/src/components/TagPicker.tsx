// Picks one tag by searching the catalog (GET /catalog/tags?q=&limit=20):
// never the whole catalog, so it stays quick with thousands of tags. Shows
// each tag's title, name and type. Also: a cache of tag facts (type, title)
// by name, for pages that meet tag names in expressions.
import { useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { useI18n } from "../i18n";
import { useDebounced } from "./useAsync";
import { listCatalogTags } from "../api/catalog";
import { getTag } from "../api/tags";

export interface TagInfo {
  name: string;
  type: string; // "enum", "decimal:2", ...
  title?: { zh?: string; en?: string } | null;
  status?: string;
  category?: string | null;
}

const cache = new Map<string, Promise<TagInfo | null>>();
let limitSupported = true;

// Searches the catalog: up to `limit` tags whose name or title holds q.
export async function searchTags(q: string, limit = 20, signal?: AbortSignal): Promise<TagInfo[]> {
  const run = async (withLimit: boolean) => {
    const r = await listCatalogTags<{ tags: TagInfo[] }>({ q: q || undefined, limit: withLimit ? limit : undefined }, signal);
    return r.tags.slice(0, limit);
  };
  if (limitSupported) {
    try {
      return await run(true);
    } catch (e) {
      // A server without the `limit` parameter answers 400: ask without it.
      if (!(e instanceof ApiError && e.status === 400 && e.message.includes("limit"))) throw e;
      limitSupported = false;
    }
  }
  return run(false);
}

// One tag's type and title (GET /tags/{name}), null for a tag the caller
// cannot see. Cached per name.
export function tagInfo(name: string): Promise<TagInfo | null> {
  let p = cache.get(name);
  if (!p) {
    p = getTag<Omit<TagInfo, "name">>(name).then(
      (d): TagInfo => ({ name, type: d.type, title: d.title ?? null, status: d.status, category: d.category }),
      () => null,
    );
    cache.set(name, p);
    p.then((v) => v === null && cache.delete(name));
  }
  return p;
}

export function rememberTag(t: TagInfo): void {
  if (t.name && t.type) cache.set(t.name, Promise.resolve(t));
}

// The facts of several tags, loaded in the background (empty until known).
export function useTagInfos(names: string[]): Record<string, TagInfo | null | undefined> {
  const [infos, setInfos] = useState<Record<string, TagInfo | null | undefined>>({});
  const key = names.join(",");
  useEffect(() => {
    let live = true;
    for (const n of names) {
      if (!n) continue;
      tagInfo(n).then((i) => live && setInfos((prev) => (prev[n] === i ? prev : { ...prev, [n]: i })));
    }
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return infos;
}

// "decimal:2" → the translated type family name.
export function useTypeLabel(): (type: string | undefined) => string {
  const { t } = useI18n();
  return (type) => {
    const base = (type ?? "").split(":")[0];
    return ["bool", "enum", "set", "int", "decimal", "date"].includes(base) ? t(("type." + base) as "type.bool") : (type ?? "?");
  };
}

export function TagPicker({
  value,
  onChange,
  types,
  placeholder,
  testId = "tag-picker",
  autoFocus,
}: {
  value?: string;
  onChange: (tag: TagInfo) => void;
  types?: string[]; // allowed type families ("int", "decimal", ...); all when absent
  placeholder?: string;
  testId?: string;
  autoFocus?: boolean;
}) {
  const { t, title } = useI18n();
  const typeLabel = useTypeLabel();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState("");
  const dq = useDebounced(q, 200);
  const [items, setItems] = useState<TagInfo[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [hi, setHi] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const infos = useTagInfos(value ? [value] : []);
  const current = value ? infos[value] : undefined;
  const typesKey = types?.join(",") ?? "";

  useEffect(() => {
    if (!open) return;
    const ctl = new AbortController();
    setBusy(true);
    searchTags(dq, types ? 50 : 20, ctl.signal).then(
      (r) => {
        const list = types ? r.filter((x) => types.includes(x.type.split(":")[0])).slice(0, 20) : r;
        list.forEach(rememberTag);
        setItems(list);
        setHi(0);
        setError(undefined);
        setBusy(false);
      },
      (e) => {
        if (ctl.signal.aborted) return;
        setError(e instanceof Error ? e.message : String(e));
        setBusy(false);
      },
    );
    return () => ctl.abort();
  }, [dq, open, typesKey]);

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onDoc);
    return () => document.removeEventListener("mousedown", onDoc);
  }, [open]);

  const pick = (tag: TagInfo) => {
    onChange(tag);
    setOpen(false);
    setQ("");
  };

  const shown = value ? (current ? `${title(current.title, value)}${current.title ? " · " + value : ""}` : value) : "";

  return (
    <div className="tagpicker" ref={box} data-testid={testId}>
      <input
        className="tagpicker-input"
        value={open ? q : shown}
        placeholder={placeholder ?? t("expr.pickTag")}
        autoFocus={autoFocus}
        onFocus={() => setOpen(true)}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            setHi((h) => Math.min(h + 1, items.length - 1));
            e.preventDefault();
          } else if (e.key === "ArrowUp") {
            setHi((h) => Math.max(h - 1, 0));
            e.preventDefault();
          } else if (e.key === "Enter") {
            if (items[hi]) pick(items[hi]);
            e.preventDefault();
          } else if (e.key === "Escape") setOpen(false);
        }}
        data-testid={testId + "-input"}
      />
      {open && (
        <div className="tagpicker-menu" role="listbox" data-testid={testId + "-menu"}>
          {error && <div className="tagpicker-note error">{error}</div>}
          {!error && busy && items.length === 0 && <div className="tagpicker-note">{t("common.loading")}</div>}
          {!error && !busy && items.length === 0 && <div className="tagpicker-note">{t("expr.noTags")}</div>}
          {items.map((tag, i) => (
            <button
              type="button"
              key={tag.name}
              role="option"
              aria-selected={i === hi}
              className={"tagpicker-item" + (i === hi ? " hi" : "")}
              onMouseEnter={() => setHi(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(tag)}
              data-testid={testId + "-option-" + tag.name}
            >
              <span className="tp-title">{title(tag.title, tag.name)}</span>
              <span className="tp-name">{tag.name}</span>
              <span className="tp-type">{typeLabel(tag.type)}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

// Several tags: chips of the chosen ones (removable) and a picker to add one.
export function TagMultiPicker({
  value,
  onChange,
  types,
  max,
  testId = "tags-picker",
}: {
  value: string[];
  onChange: (tags: string[]) => void;
  types?: string[];
  max?: number;
  testId?: string;
}) {
  const { t, title } = useI18n();
  const infos = useTagInfos(value);
  return (
    <div className="tagmulti" data-testid={testId}>
      {value.map((name) => (
        <span className="chip" key={name} data-testid={testId + "-chip-" + name}>
          {title(infos[name]?.title, name)}
          <button type="button" className="link" onClick={() => onChange(value.filter((n) => n !== name))} aria-label={t("expr.remove")}>
            ×
          </button>
        </span>
      ))}
      {(max === undefined || value.length < max) && (
        <TagPicker
          types={types}
          placeholder={t("expr.addTag")}
          onChange={(tag) => !value.includes(tag.name) && onChange([...value, tag.name])}
          testId={testId + "-add"}
        />
      )}
    </div>
  );
}

// Saves text as a file through a Blob link (exports).
export function downloadText(text: string, filename: string, type = "text/csv;charset=utf-8"): void {
  const blob = new Blob([text], { type });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
