// The editor's form state and its conversion from and to the definition
// JSON of PUT /catalog/tags/{name} (docs/api.md "Definitions"). Fields the
// form does not show (retention, a list's file, unknown future keys) are
// kept from the loaded definition so a save never drops them. Also maps the
// server's validation message ("tag definition: producer.query: ...") to
// the form field it names.
import type { Definition, TagDefinition } from "../../api/catalog";

export const KINDS = ["sql", "list", "composite", "external", "realtime", "behavior", "import"] as const;
export type Kind = (typeof KINDS)[number];
export const BASE_TYPES = ["bool", "enum", "set", "int", "decimal", "date"] as const;
export const RULES = ["latest", "flag", "count", "sum", "avg", "min", "max", "first_time", "last_time"] as const;
// The quality settings a definition may override (src/produce/quality.cc).
export const QUALITY_RULES = ["min_coverage", "max_coverage", "max_user_change", "max_psi"] as const;
export const OPS = ["=", "!=", ">", ">=", "<", "<="] as const;

export interface WhereRow {
  property: string;
  op: (typeof OPS)[number];
  value: string; // "=": comma-separated values (any of)
}

export interface Form {
  name: string;
  baseType: string;
  scale: string;
  titleZh: string;
  titleEn: string;
  description: string;
  owner: string;
  category: string;
  schedule: string;
  bizDate: "yesterday" | "today";
  personal: boolean;
  quality: Record<string, string>;
  kind: Kind;
  // sql
  source: string;
  query: string;
  timeout: string;
  // composite
  expression: string;
  rules: { value: string; when: string }[];
  elseValue: string;
  // realtime / behavior
  rule: (typeof RULES)[number];
  events: string[];
  start: string[];
  end: string[];
  property: string;
  windowDays: string;
  atLeast: string;
  from: string;
  to: string;
  where: WhereRow[];
  // the loaded definition, for the keys the form does not edit
  base: Definition;
}

export function emptyForm(): Form {
  return {
    name: "",
    baseType: "bool",
    scale: "2",
    titleZh: "",
    titleEn: "",
    description: "",
    owner: "",
    category: "",
    schedule: "",
    bizDate: "yesterday",
    personal: false,
    quality: {},
    kind: "sql",
    source: "",
    query: "",
    timeout: "",
    expression: "",
    rules: [{ value: "", when: "" }],
    elseValue: "",
    rule: "count",
    events: [],
    start: [],
    end: [],
    property: "",
    windowDays: "",
    atLeast: "",
    from: "",
    to: "",
    where: [],
    base: {},
  };
}

const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));

export function fromDefinition(name: string, def: Definition): Form {
  const f = emptyForm();
  const [bt, scale] = String(def.type ?? "bool").split(":");
  const p = def.producer ?? {};
  f.name = name;
  f.baseType = bt;
  if (scale) f.scale = scale;
  f.titleZh = def.title?.zh ?? "";
  f.titleEn = def.title?.en ?? "";
  f.description = def.description ?? "";
  f.owner = def.owner ?? "";
  f.category = def.category ?? "";
  f.schedule = def.schedule ?? "";
  f.bizDate = def.biz_date === "today" ? "today" : "yesterday";
  f.personal = !!def.personal;
  for (const [k, v] of Object.entries(def.quality ?? {})) f.quality[k] = str(v);
  f.kind = (KINDS as readonly string[]).includes(p.kind) ? p.kind : "import";
  f.source = p.source ?? "";
  f.query = p.query ?? "";
  f.timeout = str(p.timeout_seconds);
  f.expression = p.expression ?? "";
  if (Array.isArray(p.rules) && p.rules.length) f.rules = p.rules.map((r: { value: unknown; when: string }) => ({ value: str(r.value), when: r.when ?? "" }));
  f.elseValue = str(p.else);
  if (p.rule) f.rule = p.rule;
  f.events = p.events ?? [];
  f.start = p.start ?? [];
  f.end = p.end ?? [];
  f.property = p.property ?? "";
  f.windowDays = str(p.window_days);
  f.atLeast = str(p.at_least);
  f.from = p.from ?? "";
  f.to = p.to ?? "";
  f.where = Object.entries((p.where ?? {}) as Record<string, unknown>).flatMap(([prop, cond]) => {
    if (Array.isArray(cond)) return [{ property: prop, op: "=" as const, value: cond.join(",") }];
    if (cond !== null && typeof cond === "object")
      return Object.entries(cond as Record<string, unknown>).map(([op, v]) => ({ property: prop, op: op as WhereRow["op"], value: str(v) }));
    return [{ property: prop, op: "=" as const, value: str(cond) }];
  });
  f.base = def;
  return f;
}

const num = (s: string) => (s.trim() === "" ? undefined : Number(s));
// A where value: numbers as numbers (so amount >= 100 compares numerically), booleans as booleans.
const literal = (s: string): string | number | boolean => {
  const v = s.trim();
  if (v === "true" || v === "false") return v === "true";
  return v !== "" && !isNaN(Number(v)) ? Number(v) : v;
};

export function typeOf(f: Form): string {
  return f.baseType === "decimal" ? `decimal:${f.scale || "2"}` : f.baseType;
}

export function toDefinition(f: Form): TagDefinition {
  const def: Definition = { ...f.base };
  delete def.name;
  def.type = typeOf(f);
  def.title = { zh: f.titleZh.trim(), en: f.titleEn.trim() };
  const set = (k: string, v: unknown) => {
    if (v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) delete def[k];
    else def[k] = v;
  };
  set("description", f.description.trim());
  set("owner", f.owner.trim());
  set("category", f.category.trim());
  set("schedule", f.kind === "external" || f.kind === "import" ? "" : f.schedule.trim());
  def.biz_date = f.bizDate;
  def.personal = f.personal;
  const quality: Record<string, number> = {};
  for (const [k, v] of Object.entries(f.quality)) if (v.trim() !== "") quality[k] = Number(v);
  set("quality", Object.keys(quality).length ? quality : undefined);

  const old = f.base.producer ?? {};
  const p: Record<string, unknown> = { kind: f.kind };
  if (f.kind === "sql") {
    p.source = f.source.trim();
    p.query = f.query;
    if (num(f.timeout) !== undefined) p.timeout_seconds = num(f.timeout);
  } else if (f.kind === "list") {
    if (old.kind === "list" && old.file) p.file = old.file;
  } else if (f.kind === "composite") {
    if (f.baseType === "bool") p.expression = f.expression;
    else {
      p.rules = f.rules.filter((r) => r.value.trim() || r.when.trim()).map((r) => ({ value: r.value.trim(), when: r.when }));
      if (f.elseValue.trim()) p.else = f.elseValue.trim();
    }
  } else if (f.kind === "realtime" || f.kind === "behavior") {
    p.rule = f.rule;
    if (f.rule === "flag") {
      p.start = f.start;
      p.end = f.end;
    } else p.events = f.events;
    if (f.property && ["latest", "sum", "avg", "min", "max"].includes(f.rule)) p.property = f.property;
    if (["count", "sum", "avg", "min", "max"].includes(f.rule)) {
      if (f.kind === "behavior" && (f.from || f.to)) {
        p.from = f.from;
        p.to = f.to;
      } else if (num(f.windowDays) !== undefined) p.window_days = num(f.windowDays);
    }
    if (f.rule === "count" && num(f.atLeast) !== undefined) p.at_least = num(f.atLeast);
    if (old.kind === f.kind && old.map) p.map = old.map;
    const where: Record<string, unknown> = {};
    for (const w of f.where) {
      if (!w.property.trim()) continue;
      if (w.op === "=") {
        const vals = w.value.split(/[,，]/).map((s) => s.trim()).filter(Boolean).map(literal);
        where[w.property] = vals.length === 1 ? vals[0] : vals;
      } else {
        const cur = (where[w.property] && typeof where[w.property] === "object" && !Array.isArray(where[w.property]) ? where[w.property] : {}) as Record<string, unknown>;
        cur[w.op] = literal(w.value);
        where[w.property] = cur;
      }
    }
    if (Object.keys(where).length) p.where = where;
  }
  def.producer = p;
  return def as TagDefinition; // type and producer are set above
}

// "tag definition: producer.rules[1].when: unknown tag ..." → the path
// "producer.rules[1].when" and the message after it. Paths from event rules
// ("producer: window_days: ...") are normalized to "producer.window_days".
export function errorPath(message: string): { path: string; text: string } | null {
  const m = message.match(/^(?:tag )?definition: ([A-Za-z_][\w.\[\]]*): (.*)$/s);
  if (!m) return null;
  let path = m[1];
  let text = m[2];
  if (path === "producer") {
    const inner = text.match(/^([a-z_]+): (.*)$/s);
    if (inner) {
      path = "producer." + inner[1];
      text = inner[2];
    }
  }
  return { path, text };
}

// Which form field shows an error path (the key passed to `err(...)`).
export function fieldOf(path: string): string {
  if (path.startsWith("title")) return "title";
  if (path.startsWith("quality")) return "quality";
  const rule = path.match(/^producer\.rules\[(\d+)\]/);
  if (rule) return `rules.${rule[1]}`;
  if (path.startsWith("producer.")) {
    const key = path.slice("producer.".length).split(/[.\[]/)[0];
    return "producer." + key;
  }
  return path.split(/[.\[]/)[0];
}
