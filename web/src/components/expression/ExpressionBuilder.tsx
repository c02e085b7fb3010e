// The expression builder: a segment built with the mouse as nested AND/OR
// groups of conditions (tag + operator by the tag's type + values), each
// negatable, next to the same segment as editable text. Both ways: the
// builder writes the text; text the operator types is read back into the
// builder when the builder can show it (else it is kept as text and the
// builder says so). The server checks the text (POST /segments/count) and
// its message, with the position, is shown under the text area.
import { useEffect, useMemo, useRef, useState } from "react";
import { ApiError } from "../../api/client";
import { useI18n, type MessageKey } from "../../i18n";
import { localizeServerError } from "../../i18n/serverMessages";
import { TagPicker, useTagInfos, useTypeLabel, rememberTag } from "../TagPicker";
import { useDebounced } from "../useAsync";
import { countSegment, listSegments } from "../../api/segments";
import { tagDistribution } from "../../api/tags";
import {
  arity,
  baseType,
  newId,
  opsFor,
  parseRoot,
  printRoot,
  sameText,
  tagsOf,
  ParseError,
  type CondNode,
  type CondOp,
  type ExprNode,
  type GroupNode,
  type Literal,
} from "./lang";

export interface ExpressionBuilderProps {
  value: string;
  onChange: (expr: string) => void;
  asOf?: string;
  // The server's verdict on `value`, when the page checks it itself (the
  // segments page counts anyway); without it the builder checks the text.
  serverError?: unknown;
  selfValidate?: boolean;
  showText?: boolean;
  testId?: string;
}

const opKey: Record<CondOp, string> = {
  is: "is",
  "=": "eq",
  "!=": "ne",
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
  IN: "in",
  "NOT IN": "notin",
  BETWEEN: "between",
  "NOT BETWEEN": "notbetween",
  "IS NULL": "isnull",
  "IS NOT NULL": "notnull",
  "CONTAINS ANY": "any",
  "CONTAINS ALL": "all",
};

function defaultOp(type: string | undefined): CondOp {
  switch (baseType(type)) {
    case "bool":
      return "is";
    case "enum":
      return "IN";
    case "set":
      return "CONTAINS ANY";
    default:
      return ">=";
  }
}

function emptyCond(): CondNode {
  return { kind: "cond", id: newId(), not: false, tag: "", op: "IN", values: [] };
}

function emptyGroup(op: "AND" | "OR" = "AND"): GroupNode {
  return { kind: "group", id: newId(), not: false, op, items: [emptyCond()] };
}

// Replaces (or with null removes) the node with `id` anywhere in the tree.
function replace(n: ExprNode, id: number, next: ExprNode | null): ExprNode | null {
  if (n.id === id) return next;
  if (n.kind !== "group") return n;
  const items: ExprNode[] = [];
  for (const i of n.items) {
    const r = replace(i, id, next);
    if (r) items.push(r);
  }
  return { ...n, items };
}

// The position in a server or parser message ("... at position 19").
export function errorPosition(err: unknown): number | undefined {
  if (err instanceof ApiError && typeof err.detail.position === "number") return err.detail.position as number;
  if (err instanceof ParseError) return err.position;
  const m = /at position (\d+)/.exec(err instanceof Error ? err.message : "");
  return m ? Number(m[1]) : undefined;
}

// The message of an expression error with the text around its position.
// `position` is a byte offset (UTF-8); it is mapped to characters.
export function ExprError({ text, error, testId = "expr-error" }: { text: string; error: unknown; testId?: string }) {
  const { lang } = useI18n();
  const message = error instanceof Error ? error.message : String(error);
  const local = localizeServerError(lang, error);
  const bytePos = errorPosition(error);
  let at: number | undefined;
  if (bytePos !== undefined) {
    const bytes = new TextEncoder().encode(text);
    at = new TextDecoder().decode(bytes.slice(0, bytePos)).length;
  }
  return (
    <div className="expr-error" role="alert" data-testid={testId}>
      <div>{local ?? message}</div>
      {local && <div className="muted small server-message">{message}</div>}
      {at !== undefined && text && (
        <code className="expr-error-at">
          {text.slice(Math.max(0, at - 30), at)}
          <mark>{text.slice(at, at + 1) || " "}</mark>
          {text.slice(at + 1, at + 30)}
        </code>
      )}
    </div>
  );
}

export default function ExpressionBuilder({ value, onChange, asOf, serverError, selfValidate = true, showText = true, testId = "expr" }: ExpressionBuilderProps) {
  const { t, num } = useI18n();
  const [root, setRoot] = useState<GroupNode>(() => {
    try {
      const r = parseRoot(value);
      // An empty segment starts with one empty condition to fill in.
      return r.items.length ? r : { ...r, items: [emptyCond()] };
    } catch {
      return { kind: "group", id: newId(), not: false, op: "AND", items: [] };
    }
  });
  const [textOnly, setTextOnly] = useState<ParseError | null>(() => {
    try {
      parseRoot(value);
      return null;
    } catch (e) {
      return e instanceof ParseError ? e : new ParseError(String(e), 0);
    }
  });
  const printed = useRef(printRoot(root));

  // Text changed outside the builder (typed, or a new value): read it back.
  useEffect(() => {
    if (sameText(value, printed.current)) return;
    try {
      const r = parseRoot(value);
      printed.current = printRoot(r);
      setRoot(r);
      setTextOnly(null);
    } catch (e) {
      printed.current = value;
      setTextOnly(e instanceof ParseError ? e : new ParseError(String(e), 0));
    }
  }, [value]);

  const update = (next: GroupNode) => {
    setRoot(next);
    const text = printRoot(next);
    printed.current = text;
    setTextOnly(null);
    if (!sameText(text, value)) onChange(text);
  };
  const updateNode = (id: number, next: ExprNode | null) => {
    const r = replace(root, id, next);
    update(r && r.kind === "group" ? r : { kind: "group", id: newId(), not: false, op: "AND", items: [] });
  };

  const names = useMemo(() => [...tagsOf(root)], [root]);
  const infos = useTagInfos(names);

  // Self-check of the text when the page does not pass the server's verdict.
  const checked = useDebounced(value, 400);
  const [own, setOwn] = useState<{ text: string; count?: number; error?: unknown }>();
  useEffect(() => {
    if (!selfValidate || serverError !== undefined || !checked.trim()) {
      setOwn(undefined);
      return;
    }
    const ctl = new AbortController();
    countSegment<{ count: number }>({ expr: checked, as_of: asOf || undefined }, ctl.signal).then(
      (r) => setOwn({ text: checked, count: r.count }),
      (e) => !ctl.signal.aborted && setOwn({ text: checked, error: e }),
    );
    return () => ctl.abort();
  }, [checked, asOf, selfValidate, serverError]);
  const shownError = serverError ?? (own && own.text === value ? own.error : undefined);

  return (
    <div className="expr" data-testid={testId}>
      {textOnly ? (
        <div className="expr-textonly" data-testid={testId + "-textonly"}>
          <span>{t("expr.textOnly")}</span>
          <button type="button" className="link" onClick={() => update({ kind: "group", id: newId(), not: false, op: "AND", items: [emptyCond()] })} data-testid={testId + "-restart"}>
            {t("expr.restart")}
          </button>
        </div>
      ) : (
        <GroupView node={root} root infos={infos} asOf={asOf} onChange={(n) => update(n as GroupNode)} updateNode={updateNode} testId={testId} />
      )}
      {showText && (
        <div className="expr-text">
          <label className="field-label" htmlFor={testId + "-text"}>
            {t("expr.text")}
          </label>
          <textarea
            id={testId + "-text"}
            className="mono"
            rows={3}
            spellCheck={false}
            value={value}
            placeholder={t("expr.textPlaceholder")}
            onChange={(e) => onChange(e.target.value)}
            data-testid={testId + "-text"}
          />
          {shownError !== undefined && shownError !== null && <ExprError text={value} error={shownError} testId={testId + "-error"} />}
          {selfValidate && serverError === undefined && own && own.text === value && own.count !== undefined && (
            <div className="muted" data-testid={testId + "-count"}>
              {t("expr.matches", { n: num(own.count) })}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

type Infos = Record<string, { type: string } | null | undefined>;

function GroupView({
  node,
  root,
  infos,
  asOf,
  onChange,
  updateNode,
  testId,
}: {
  node: GroupNode;
  root?: boolean;
  infos: Infos;
  asOf?: string;
  onChange: (n: ExprNode) => void;
  updateNode: (id: number, n: ExprNode | null) => void;
  testId: string;
}) {
  const { t } = useI18n();
  const add = (n: ExprNode) => onChange({ ...node, items: [...node.items, n] });
  const gid = root ? testId + "-root" : testId + "-group-" + node.id;
  return (
    <div className={"expr-group" + (node.not ? " negated" : "") + (root ? " root" : "")} data-testid={gid}>
      <div className="expr-group-head">
        {node.not && <span className="expr-not">{t("expr.notGroup")}</span>}
        <div className="seg-toggle" role="group">
          {(["AND", "OR"] as const).map((op) => (
            <button type="button" key={op} className={node.op === op ? "on" : ""} onClick={() => onChange({ ...node, op })} data-testid={gid + "-" + op.toLowerCase()}>
              {t(op === "AND" ? "expr.and" : "expr.or")}
            </button>
          ))}
        </div>
        <span className="muted small">{t(node.op === "AND" ? "expr.andHint" : "expr.orHint")}</span>
        <span className="spacer" />
        <button type="button" className="link" onClick={() => onChange({ ...node, not: !node.not })} data-testid={gid + "-negate"}>
          {t(node.not ? "expr.unnegate" : "expr.negate")}
        </button>
        {!root && (
          <button type="button" className="link danger" onClick={() => updateNode(node.id, null)} data-testid={gid + "-remove"}>
            {t("expr.removeGroup")}
          </button>
        )}
      </div>
      <div className="expr-items">
        {node.items.length === 0 && <div className="muted small">{t("expr.emptyGroup")}</div>}
        {node.items.map((item, i) => (
          <div className="expr-item" key={item.id}>
            {i > 0 && <span className={"expr-joiner " + node.op.toLowerCase()}>{t(node.op === "AND" ? "expr.and" : "expr.or")}</span>}
            {item.kind === "group" ? (
              <GroupView node={item} infos={infos} asOf={asOf} onChange={(n) => updateNode(item.id, n)} updateNode={updateNode} testId={testId} />
            ) : (
              <LeafView node={item} index={i} infos={infos} asOf={asOf} onChange={(n) => updateNode(item.id, n)} onRemove={() => updateNode(item.id, null)} testId={gid + "-item-" + i} />
            )}
          </div>
        ))}
      </div>
      <div className="expr-group-add">
        <button type="button" onClick={() => add(emptyCond())} data-testid={gid + "-add-cond"}>
          + {t("expr.addCond")}
        </button>
        <button type="button" onClick={() => add(emptyGroup(node.op === "AND" ? "OR" : "AND"))} data-testid={gid + "-add-group"}>
          + {t("expr.addGroup")}
        </button>
        <button type="button" onClick={() => add({ kind: "segment", id: newId(), not: false, name: "" })} data-testid={gid + "-add-segment"}>
          + {t("expr.addSegment")}
        </button>
      </div>
    </div>
  );
}

function LeafView({
  node,
  infos,
  asOf,
  onChange,
  onRemove,
  testId,
}: {
  node: Exclude<ExprNode, GroupNode>;
  index: number;
  infos: Infos;
  asOf?: string;
  onChange: (n: ExprNode) => void;
  onRemove: () => void;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <div className={"expr-cond" + (node.not ? " negated" : "")} data-testid={testId}>
      <button
        type="button"
        className={"expr-negate" + (node.not ? " on" : "")}
        title={t("expr.negateHint")}
        onClick={() => onChange({ ...node, not: !node.not })}
        data-testid={testId + "-negate"}
      >
        {t("expr.not")}
      </button>
      {node.kind === "cond" && <CondEditor node={node} info={node.tag ? infos[node.tag] : undefined} asOf={asOf} onChange={onChange} testId={testId} />}
      {node.kind === "segment" && <SegmentEditor name={node.name} onChange={(name) => onChange({ ...node, name })} testId={testId} />}
      {node.kind === "all" && <span className="expr-all">{t("expr.all")}</span>}
      <button type="button" className="link danger expr-remove" onClick={onRemove} aria-label={t("expr.remove")} title={t("expr.remove")} data-testid={testId + "-remove"}>
        ×
      </button>
    </div>
  );
}

function opLabel(t: (k: MessageKey) => string, op: CondOp, type: string | undefined): string {
  const base = baseType(type);
  const k = opKey[op];
  if (base === "set" && (k === "eq" || k === "notin")) return t(("expr.op.set." + k) as MessageKey);
  if (base === "date" && ["lt", "le", "gt", "ge"].includes(k)) return t(("expr.op.date." + k) as MessageKey);
  return t(("expr.op." + k) as MessageKey);
}

function CondEditor({ node, info, asOf, onChange, testId }: { node: CondNode; info: { type: string } | null | undefined; asOf?: string; onChange: (n: CondNode) => void; testId: string }) {
  const { t } = useI18n();
  const typeLabel = useTypeLabel();
  const type = node.type ?? info?.type;
  const base = baseType(type);
  const ops = opsFor(type);
  if (!ops.includes(node.op)) ops.unshift(node.op);

  const setOp = (op: CondOp) => {
    const a = arity(op);
    let values = node.values;
    if (a === 0) values = [];
    else if (a === 1 || a === 2) values = values.slice(0, a);
    onChange({ ...node, op, values });
  };

  let opControl;
  if (base === "bool") {
    // One choice: is true / is false / has no value / has a value.
    const cur = node.op === "is" || (node.op === "=" && node.values[0]?.kind === "bool" && node.values[0].v) ? "true" : node.op === "=" ? "false" : node.op === "IS NULL" ? "null" : node.op === "IS NOT NULL" ? "notnull" : "other";
    opControl = (
      <select
        value={cur}
        onChange={(e) => {
          const v = e.target.value;
          if (v === "true") onChange({ ...node, op: "is", values: [] });
          else if (v === "false") onChange({ ...node, op: "=", values: [{ kind: "bool", v: false }] });
          else if (v === "null") onChange({ ...node, op: "IS NULL", values: [] });
          else if (v === "notnull") onChange({ ...node, op: "IS NOT NULL", values: [] });
        }}
        data-testid={testId + "-op"}
      >
        <option value="true">{t("expr.bool.true")}</option>
        <option value="false">{t("expr.bool.false")}</option>
        <option value="null">{t("expr.bool.null")}</option>
        <option value="notnull">{t("expr.bool.notnull")}</option>
        {cur === "other" && <option value="other">{opLabel(t, node.op, type)}</option>}
      </select>
    );
  } else {
    opControl = (
      <select value={node.op} onChange={(e) => setOp(e.target.value as CondOp)} disabled={!node.tag} data-testid={testId + "-op"}>
        {ops.map((op) => (
          <option key={op} value={op}>
            {opLabel(t, op, type)}
          </option>
        ))}
      </select>
    );
  }

  return (
    <>
      <TagPicker
        value={node.tag || undefined}
        onChange={(tag) => {
          rememberTag(tag);
          onChange({ ...node, tag: tag.name, type: tag.type, at: undefined, op: defaultOp(tag.type), values: [] });
        }}
        testId={testId + "-tag"}
      />
      {node.at && (
        <span className="badge" title={t("expr.atHint")}>
          @{node.at}
          <button type="button" className="link" onClick={() => onChange({ ...node, at: undefined })} aria-label={t("expr.remove")}>
            ×
          </button>
        </span>
      )}
      {node.tag && type && <span className="muted small">{typeLabel(type)}</span>}
      {node.tag && info === null && <span className="field-error small">{t("expr.unknownTag")}</span>}
      {node.tag && opControl}
      {node.tag && base !== "bool" && <ValuesEditor node={node} type={type} asOf={asOf} onChange={(values) => onChange({ ...node, values })} testId={testId} />}
    </>
  );
}

function ValuesEditor({ node, type, asOf, onChange, testId }: { node: CondNode; type: string | undefined; asOf?: string; onChange: (v: Literal[]) => void; testId: string }) {
  const { t } = useI18n();
  const a = arity(node.op);
  const base = baseType(type);
  if (a === 0) return null;
  if (base === "enum" || base === "set" || base === "") {
    if (base === "" && node.values.some((v) => v.kind !== "str")) return <RawValues values={node.values} onChange={onChange} testId={testId} />;
    return <CategoryValues tag={node.tag} at={node.at ?? asOf} multi={a === "list"} values={node.values} onChange={onChange} testId={testId} />;
  }
  const one = (i: number) => (
    <ScalarValue key={i} base={base} value={node.values[i]} onChange={(v) => {
      const next = [...node.values];
      next[i] = v;
      onChange(next);
    }} testId={testId + "-value-" + i} />
  );
  if (a === 1) return one(0);
  if (a === 2)
    return (
      <>
        {one(0)}
        <span className="muted">{t("expr.betweenAnd")}</span>
        {one(1)}
      </>
    );
  return <RawValues values={node.values} onChange={onChange} testId={testId} />;
}

// A comma-separated list of numbers or dates (IN on numeric tags).
function RawValues({ values, onChange, testId }: { values: Literal[]; onChange: (v: Literal[]) => void; testId: string }) {
  const { t } = useI18n();
  const show = values.map((v) => (v.kind === "str" ? v.v : v.kind === "num" ? v.v : v.kind === "bool" ? String(v.v) : `DAYS_AGO(${v.n})`)).join(", ");
  const [text, setText] = useState(show);
  useEffect(() => setText((cur) => (cur.split(",").map((s) => s.trim()).filter(Boolean).join(", ") === show ? cur : show)), [show]);
  return (
    <input
      className="expr-list"
      value={text}
      placeholder={t("expr.listPlaceholder")}
      onChange={(e) => {
        setText(e.target.value);
        const parts = e.target.value.split(",").map((s) => s.trim()).filter(Boolean);
        onChange(
          parts.map((p): Literal => {
            const d = /^DAYS_AGO\((\d+)\)$/i.exec(p);
            if (d) return { kind: "days", n: Number(d[1]) };
            if (/^-?\d+(\.\d+)?$/.test(p)) return { kind: "num", v: p };
            return { kind: "str", v: p };
          }),
        );
      }}
      data-testid={testId + "-values"}
    />
  );
}

function ScalarValue({ base, value, onChange, testId }: { base: string; value: Literal | undefined; onChange: (v: Literal) => void; testId: string }) {
  const { t } = useI18n();
  if (base === "date") {
    const mode = value?.kind === "days" ? "days" : "date";
    return (
      <span className="expr-date">
        <select
          value={mode}
          onChange={(e) => onChange(e.target.value === "days" ? { kind: "days", n: 30 } : { kind: "str", v: "" })}
          data-testid={testId + "-mode"}
        >
          <option value="date">{t("expr.date.absolute")}</option>
          <option value="days">{t("expr.date.daysAgo")}</option>
        </select>
        {mode === "days" ? (
          <>
            <input
              type="number"
              min={0}
              className="num-input"
              value={value?.kind === "days" ? value.n : 30}
              onChange={(e) => onChange({ kind: "days", n: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
              data-testid={testId}
            />
            <span className="muted">{t("expr.date.daysAgoUnit")}</span>
          </>
        ) : (
          <input type="date" value={value?.kind === "str" ? value.v : ""} onChange={(e) => onChange({ kind: "str", v: e.target.value })} data-testid={testId} />
        )}
      </span>
    );
  }
  const text = value?.kind === "num" ? value.v : value?.kind === "str" ? value.v : "";
  const bad = text !== "" && !/^-?\d+(\.\d+)?$/.test(text);
  return (
    <input
      className={"num-input" + (bad ? " invalid" : "")}
      inputMode="decimal"
      value={text}
      placeholder={base === "int" ? "0" : "0.00"}
      onChange={(e) => onChange({ kind: "num", v: e.target.value.trim() })}
      title={bad ? t("expr.badNumber") : undefined}
      data-testid={testId}
    />
  );
}

interface DistValue {
  value: string | boolean | null;
  users: number;
}
interface ValueList {
  values: DistValue[];
  // How many less common values were left out (they can still be typed).
  other: number;
}
const distCache = new Map<string, Promise<ValueList>>();
function loadValues(tag: string, asOf?: string): Promise<ValueList> {
  const key = tag + "@" + (asOf ?? "");
  let p = distCache.get(key);
  if (!p) {
    // The tag's 200 most common values, so a tag with very many values never
    // loads them all; the others can be typed.
    p = tagDistribution<{ values?: DistValue[]; other_values?: number }>(tag, { as_of: asOf, max_values: 200 }).then((d) => ({
      values: (d.values ?? []).filter((v) => v.value !== null),
      other: d.other_values ?? 0,
    }));
    p.catch(() => distCache.delete(key));
    distCache.set(key, p);
  }
  return p;
}

// Values of an enum or set tag: chips of the chosen ones and a searchable
// menu of the tag's values with their users (from its distribution).
function CategoryValues({ tag, at, multi, values, onChange, testId }: { tag: string; at?: string; multi: boolean; values: Literal[]; onChange: (v: Literal[]) => void; testId: string }) {
  const { t, num } = useI18n();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState("");
  const [loaded, setAll] = useState<ValueList>();
  const all = loaded?.values;
  const [err, setErr] = useState<string>();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open || loaded) return;
    loadValues(tag, at).then(setAll, (e) => setErr(e instanceof Error ? e.message : String(e)));
  }, [open, tag, at, loaded]);
  useEffect(() => setAll(undefined), [tag, at]);
  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => box.current && !box.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener("mousedown", onDoc);
    return () => document.removeEventListener("mousedown", onDoc);
  }, [open]);
  const chosen = values.map((v) => (v.kind === "str" ? v.v : v.kind === "num" ? v.v : String(v.kind === "bool" ? v.v : v.n)));
  const toggle = (v: string) => {
    if (!multi) {
      onChange([{ kind: "str", v }]);
      setOpen(false);
      return;
    }
    onChange(chosen.includes(v) ? values.filter((_, i) => chosen[i] !== v) : [...values, { kind: "str", v }]);
  };
  const shown = (all ?? []).filter((d) => d.value !== null && typeof d.value === "string" && (!q || d.value.toLowerCase().includes(q.toLowerCase()))).slice(0, 200);
  const exact = q.trim() && !(all ?? []).some((d) => d.value === q.trim());
  return (
    <div className="expr-values" ref={box} data-testid={testId + "-values"}>
      {chosen.map((v, i) => (
        <span key={v + i} className="chip">
          {v}
          <button type="button" className="link" onClick={() => onChange(values.filter((_, j) => j !== i))} aria-label={t("expr.remove")}>
            ×
          </button>
        </span>
      ))}
      <button type="button" className="small" onClick={() => setOpen(!open)} data-testid={testId + "-values-open"}>
        {chosen.length ? t(multi ? "expr.addValue" : "expr.changeValue") : t("expr.pickValue")}
      </button>
      {open && (
        <div className="tagpicker-menu values-menu" data-testid={testId + "-values-menu"}>
          <input autoFocus placeholder={t("expr.searchValue")} value={q} onChange={(e) => setQ(e.target.value)} data-testid={testId + "-values-search"} onKeyDown={(e) => {
            if (e.key === "Enter" && q.trim()) {
              toggle(q.trim());
              setQ("");
              e.preventDefault();
            }
          }} />
          {err && <div className="tagpicker-note error">{err}</div>}
          {!all && !err && <div className="tagpicker-note">{t("common.loading")}</div>}
          {exact && (
            <button type="button" className="tagpicker-item" onClick={() => { toggle(q.trim()); setQ(""); }}>
              <span className="tp-title">{t("expr.useTyped", { v: q.trim() })}</span>
            </button>
          )}
          {shown.map((d) => {
            const v = d.value as string;
            return (
              <button type="button" key={v} className={"tagpicker-item" + (chosen.includes(v) ? " hi" : "")} onClick={() => toggle(v)} data-testid={testId + "-value-option"}>
                {multi && <input type="checkbox" readOnly checked={chosen.includes(v)} tabIndex={-1} />}
                <span className="tp-title">{v}</span>
                <span className="tp-type">{num(d.users)}</span>
              </button>
            );
          })}
          {loaded && loaded.other > 0 && (
            <div className="tagpicker-note muted small" data-testid={testId + "-values-more"}>
              {t("expr.moreValues", { n: loaded.other })}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

// A saved segment by name, with the saved segments as suggestions (analysts
// and above may list them; others type the name).
function SegmentEditor({ name, onChange, testId }: { name: string; onChange: (n: string) => void; testId: string }) {
  const { t } = useI18n();
  const [names, setNames] = useState<string[]>([]);
  const [text, setText] = useState(name);
  useEffect(() => setText(name), [name]);
  useEffect(() => {
    let live = true;
    listSegments<{ segments: { name: string }[] }>().then(
      (r) => live && setNames(r.segments.map((s) => s.name)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const listId = "seglist-" + testId;
  return (
    <>
      <span className="expr-seg-label">{t("expr.segment")}</span>
      <input
        list={listId}
        value={text}
        placeholder={t("expr.segmentPlaceholder")}
        onChange={(e) => {
          setText(e.target.value);
          if (names.includes(e.target.value)) onChange(e.target.value);
        }}
        onBlur={() => text !== name && onChange(text.trim())}
        onKeyDown={(e) => e.key === "Enter" && onChange(text.trim())}
        data-testid={testId + "-segment"}
      />
      <datalist id={listId}>
        {names.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
    </>
  );
}
export { ExpressionBuilder };
