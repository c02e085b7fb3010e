// The tag category tree with tag counts (GET /catalog/categories): click a
// category to pick it (its path), click "all" to clear. Branches open and
// close; the selected path's ancestors start open.
import { useState } from "react";
import { useI18n } from "../i18n";
import type { Category } from "../api/catalog";

export function CategoryTree({
  categories,
  selected,
  onSelect,
  total,
}: {
  categories: Category[];
  selected: string;
  onSelect: (path: string) => void;
  total?: number;
}) {
  const { t, num } = useI18n();
  return (
    <div className="cat-tree" data-testid="category-tree">
      <button type="button" className={"cat-node" + (selected === "" ? " active" : "")} onClick={() => onSelect("")} data-testid="category-all">
        <span className="cat-name">{t("catalog.allCategories")}</span>
        {total !== undefined && <span className="cat-count">{num(total)}</span>}
      </button>
      {categories.map((c) => (
        <Node key={c.id} cat={c} depth={0} selected={selected} onSelect={onSelect} />
      ))}
    </div>
  );
}

function Node({ cat, depth, selected, onSelect }: { cat: Category; depth: number; selected: string; onSelect: (p: string) => void }) {
  const { num, lang } = useI18n();
  const [open, setOpen] = useState(depth === 0 || selected === cat.path || selected.startsWith(cat.path + "/"));
  const label = lang === "en" && cat.title_en ? cat.title_en : cat.name;
  return (
    <div>
      <div className="cat-row" style={{ paddingLeft: depth * 14 }}>
        {cat.children.length > 0 ? (
          <button type="button" className="cat-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
            {open ? "▾" : "▸"}
          </button>
        ) : (
          <span className="cat-toggle" />
        )}
        <button
          type="button"
          className={"cat-node" + (selected === cat.path ? " active" : "")}
          onClick={() => onSelect(cat.path)}
          data-testid={"category-" + cat.path}
          title={cat.path}
        >
          <span className="cat-name">{label}</span>
          <span className="cat-count">{num(cat.total_tags)}</span>
        </button>
      </div>
      {open && cat.children.map((c) => <Node key={c.id} cat={c} depth={depth + 1} selected={selected} onSelect={onSelect} />)}
    </div>
  );
}
