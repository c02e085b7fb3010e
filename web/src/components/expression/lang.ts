// The segment language (SPEC-data-and-segments.md) as a tree the builder
// can show: a parser for the text the operator types and a printer for the
// tree the builder edits. The parser accepts exactly the grammar of the
// spec; anything it cannot read is left to the server, which names the
// position (the builder then keeps the text and says "edited as text").
//
//   expr      := or_expr
//   or_expr   := and_expr ( OR and_expr )*
//   and_expr  := not_expr ( AND not_expr )*
//   not_expr  := NOT not_expr | '(' expr ')' | predicate
//   predicate := tagref | tagref cmp literal | tagref [NOT] IN (...)
//              | tagref [NOT] BETWEEN lit AND lit | tagref IS [NOT] NULL
//              | tagref CONTAINS ANY|ALL (...) | SEGMENT('name') | ALL
//   tagref    := name [ '@' YYYY-MM-DD ]
//   literal   := 'string' | number | TRUE | FALSE | DAYS_AGO(n)

export type Literal =
  // `typed`: read from text, so '' is the empty string the user wrote, not
  // a value still to be picked.
  | { kind: "str"; v: string; typed?: boolean }
  // `v`: the number as written, never a JavaScript float: the server compares
  // it exactly whatever precision the tag holds (age > 30.5 on an int tag,
  // 1.005 on a decimal:2 tag), so every digit must reach it.
  | { kind: "num"; v: string }
  | { kind: "bool"; v: boolean }
  | { kind: "days"; n: number };

export type CondOp =
  | "is" // a bare bool tag: true
  | "="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "IN"
  | "NOT IN"
  | "BETWEEN"
  | "NOT BETWEEN"
  | "IS NULL"
  | "IS NOT NULL"
  | "CONTAINS ANY"
  | "CONTAINS ALL";

export interface CondNode {
  kind: "cond";
  id: number;
  not: boolean;
  tag: string; // "" while the operator has not picked one
  type?: string; // the tag's type ("enum", "decimal:2", ...) when known
  at?: string; // tag@DATE
  op: CondOp;
  values: Literal[];
}

export interface SegmentNode {
  kind: "segment";
  id: number;
  not: boolean;
  name: string;
}

export interface AllNode {
  kind: "all";
  id: number;
  not: boolean;
}

export interface GroupNode {
  kind: "group";
  id: number;
  not: boolean;
  op: "AND" | "OR";
  items: ExprNode[];
}

export type ExprNode = CondNode | SegmentNode | AllNode | GroupNode;

let nextId = 1;
export const newId = () => nextId++;

export class ParseError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

// ---- tokens -------------------------------------------------------------

type Tok =
  | { t: "id"; v: string; pos: number } // identifier or keyword
  | { t: "str"; v: string; pos: number }
  | { t: "num"; v: string; pos: number }
  | { t: "date"; v: string; pos: number } // after '@' without quotes
  | { t: "op"; v: string; pos: number } // ( ) , = != <> < <= > >= @
  | { t: "end"; v: ""; pos: number };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const pos = i;
    if (c === "'") {
      let v = "";
      i++;
      for (;;) {
        if (i >= s.length) throw new ParseError("unterminated string", pos);
        if (s[i] === "'") {
          if (s[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += s[i++];
      }
      out.push({ t: "str", v, pos });
      continue;
    }
    const prev = out[out.length - 1];
    if (prev && prev.t === "op" && prev.v === "@" && /\d/.test(c)) {
      const m = /^\d{4}-\d{2}-\d{2}/.exec(s.slice(i));
      if (!m) throw new ParseError("bad date", pos);
      out.push({ t: "date", v: m[0], pos });
      i += m[0].length;
      continue;
    }
    if (/[0-9]/.test(c) || (c === "-" && /[0-9]/.test(s[i + 1] ?? ""))) {
      const m = /^-?\d+(\.\d+)?/.exec(s.slice(i))!;
      out.push({ t: "num", v: m[0], pos });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i))!;
      out.push({ t: "id", v: m[0], pos });
      i += m[0].length;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (two === "!=" || two === "<>" || two === "<=" || two === ">=") {
      out.push({ t: "op", v: two, pos });
      i += 2;
      continue;
    }
    if ("(),=<>@".includes(c)) {
      out.push({ t: "op", v: c, pos });
      i++;
      continue;
    }
    throw new ParseError(`unexpected character '${c}'`, pos);
  }
  out.push({ t: "end", v: "", pos: s.length });
  return out;
}

const KEYWORDS = new Set(["AND", "OR", "NOT", "IN", "BETWEEN", "IS", "NULL", "CONTAINS", "ANY", "ALL", "SEGMENT", "TRUE", "FALSE", "DAYS_AGO"]);

// ---- parser -------------------------------------------------------------

class Parser {
  private i = 0;
  constructor(private toks: Tok[]) {}
  private peek(): Tok {
    return this.toks[this.i];
  }
  private kw(word: string): boolean {
    const t = this.peek();
    if (t.t === "id" && t.v.toUpperCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }
  private isKw(word: string, k = 0): boolean {
    const t = this.toks[this.i + k];
    return !!t && t.t === "id" && t.v.toUpperCase() === word;
  }
  private sym(v: string): boolean {
    const t = this.peek();
    if (t.t === "op" && t.v === v) {
      this.i++;
      return true;
    }
    return false;
  }
  private expectSym(v: string) {
    if (!this.sym(v)) throw new ParseError(`expected '${v}'`, this.peek().pos);
  }
  private expectKw(w: string) {
    if (!this.kw(w)) throw new ParseError(`expected ${w}`, this.peek().pos);
  }

  parseAll(): ExprNode {
    const e = this.orExpr();
    if (this.peek().t !== "end") throw new ParseError("unexpected text", this.peek().pos);
    return e;
  }

  private orExpr(): ExprNode {
    const items = [this.andExpr()];
    while (this.kw("OR")) items.push(this.andExpr());
    return items.length === 1 ? items[0] : { kind: "group", id: newId(), not: false, op: "OR", items };
  }

  private andExpr(): ExprNode {
    const items = [this.notExpr()];
    while (this.kw("AND")) items.push(this.notExpr());
    return items.length === 1 ? items[0] : { kind: "group", id: newId(), not: false, op: "AND", items };
  }

  private notExpr(): ExprNode {
    if (this.kw("NOT")) {
      const e = this.notExpr();
      return { ...e, not: !e.not };
    }
    if (this.sym("(")) {
      const e = this.orExpr();
      this.expectSym(")");
      // Parentheses always make a group, so the tree shows what was written.
      if (e.kind === "group" && !e.not) return e;
      return { kind: "group", id: newId(), not: false, op: "AND", items: [e] };
    }
    return this.predicate();
  }

  private literal(): Literal {
    const t = this.peek();
    if (t.t === "str") {
      this.i++;
      return { kind: "str", v: t.v, typed: true };
    }
    if (t.t === "num") {
      this.i++;
      return { kind: "num", v: t.v };
    }
    if (this.kw("TRUE")) return { kind: "bool", v: true };
    if (this.kw("FALSE")) return { kind: "bool", v: false };
    if (this.kw("DAYS_AGO")) {
      this.expectSym("(");
      const n = this.peek();
      if (n.t !== "num" || !/^\d+$/.test(n.v)) throw new ParseError("expected an integer", n.pos);
      this.i++;
      this.expectSym(")");
      return { kind: "days", n: Number(n.v) };
    }
    throw new ParseError("expected a value", t.pos);
  }

  private list(): Literal[] {
    this.expectSym("(");
    const out = [this.literal()];
    while (this.sym(",")) out.push(this.literal());
    this.expectSym(")");
    return out;
  }

  private predicate(): ExprNode {
    const t = this.peek();
    if (t.t !== "id") throw new ParseError("expected a tag", t.pos);
    if (this.isKw("SEGMENT") && this.toks[this.i + 1]?.t === "op" && this.toks[this.i + 1].v === "(") {
      this.i += 2;
      const s = this.peek();
      if (s.t !== "str") throw new ParseError("expected a segment name in quotes", s.pos);
      this.i++;
      this.expectSym(")");
      return { kind: "segment", id: newId(), not: false, name: s.v };
    }
    if (this.isKw("ALL")) {
      this.i++;
      return { kind: "all", id: newId(), not: false };
    }
    if (KEYWORDS.has(t.v.toUpperCase())) throw new ParseError(`unexpected ${t.v}`, t.pos);
    this.i++;
    const cond: CondNode = { kind: "cond", id: newId(), not: false, tag: t.v, op: "is", values: [] };
    if (this.sym("@")) {
      const d = this.peek();
      if (d.t === "date" || (d.t === "str" && /^\d{4}-\d{2}-\d{2}$/.test(d.v))) {
        this.i++;
        cond.at = d.v;
      } else throw new ParseError("expected a date", d.pos);
    }
    const n = this.peek();
    if (n.t === "op" && ["=", "!=", "<>", "<", "<=", ">", ">="].includes(n.v)) {
      this.i++;
      cond.op = (n.v === "<>" ? "!=" : n.v) as CondOp;
      cond.values = [this.literal()];
      return cond;
    }
    if (this.isKw("NOT") && this.isKw("IN", 1)) {
      this.i += 2;
      cond.op = "NOT IN";
      cond.values = this.list();
      return cond;
    }
    if (this.isKw("NOT") && this.isKw("BETWEEN", 1)) {
      this.i += 2;
      cond.op = "NOT BETWEEN";
      cond.values = [this.literal()];
      this.expectKw("AND");
      cond.values.push(this.literal());
      return cond;
    }
    if (this.kw("IN")) {
      cond.op = "IN";
      cond.values = this.list();
      return cond;
    }
    if (this.kw("BETWEEN")) {
      cond.op = "BETWEEN";
      cond.values = [this.literal()];
      this.expectKw("AND");
      cond.values.push(this.literal());
      return cond;
    }
    if (this.kw("IS")) {
      const not = this.kw("NOT");
      this.expectKw("NULL");
      cond.op = not ? "IS NOT NULL" : "IS NULL";
      return cond;
    }
    if (this.kw("CONTAINS")) {
      if (this.kw("ANY")) cond.op = "CONTAINS ANY";
      else if (this.kw("ALL")) cond.op = "CONTAINS ALL";
      else throw new ParseError("expected ANY or ALL after CONTAINS", this.peek().pos);
      cond.values = this.list();
      return cond;
    }
    return cond; // a bare bool tag
  }
}

// Parses text into a tree; throws ParseError (with a position) otherwise.
export function parseExpr(text: string): ExprNode {
  return new Parser(tokenize(text)).parseAll();
}

// The builder's root is always a group: the parsed expression itself when it
// is a plain group, else a one-item AND group around it. Empty text is an
// empty AND group.
export function parseRoot(text: string): GroupNode {
  if (!text.trim()) return { kind: "group", id: newId(), not: false, op: "AND", items: [] };
  const e = parseExpr(text);
  if (e.kind === "group" && !e.not) return e;
  return { kind: "group", id: newId(), not: false, op: "AND", items: [e] };
}

// ---- printer ------------------------------------------------------------

// A string literal: single quotes, a quote doubled.
export function quote(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

export function printLiteral(l: Literal): string {
  switch (l.kind) {
    case "str":
      return quote(l.v);
    case "num":
      return l.v;
    case "bool":
      return l.v ? "TRUE" : "FALSE";
    case "days":
      return `DAYS_AGO(${l.n})`;
  }
}

// How many values an operator takes: 0, 1, 2 (BETWEEN) or "list".
export function arity(op: CondOp): 0 | 1 | 2 | "list" {
  switch (op) {
    case "is":
    case "IS NULL":
    case "IS NOT NULL":
      return 0;
    case "BETWEEN":
    case "NOT BETWEEN":
      return 2;
    case "IN":
    case "NOT IN":
    case "CONTAINS ANY":
    case "CONTAINS ALL":
      return "list";
    default:
      return 1;
  }
}

// A literal the server can read: a number that is a number, a string that
// is not empty.
const literalOk = (v: Literal) =>
  v.kind === "num" ? /^-?\d+(\.\d+)?$/.test(v.v) : v.kind === "str" ? v.v !== "" || v.typed === true : true;

// A condition is complete when it has a tag and the values its operator needs.
export function complete(c: CondNode): boolean {
  if (!c.tag) return false;
  const a = arity(c.op);
  if (a === 0) return true;
  if (a === "list") return c.values.length > 0 && c.values.every(literalOk);
  return c.values.length === a && c.values.every(literalOk);
}

function printCond(c: CondNode): string {
  const ref = c.tag + (c.at ? "@" + c.at : "");
  switch (arity(c.op)) {
    case 0:
      return c.op === "is" ? ref : `${ref} ${c.op}`;
    case 1:
      return `${ref} ${c.op} ${printLiteral(c.values[0])}`;
    case 2:
      return `${ref} ${c.op} ${printLiteral(c.values[0])} AND ${printLiteral(c.values[1])}`;
    case "list":
      return `${ref} ${c.op} (${c.values.map(printLiteral).join(", ")})`;
  }
}

// Prints a node; incomplete conditions and empty groups print as "" and are
// left out, so a half-built tree still gives valid text. `nested` says the
// node is inside a group (a group of several items then needs parentheses).
export function printNode(n: ExprNode, nested = false): string {
  let body: string;
  let multi = false;
  switch (n.kind) {
    case "cond":
      body = complete(n) ? printCond(n) : "";
      break;
    case "segment":
      body = n.name ? `SEGMENT(${quote(n.name)})` : "";
      break;
    case "all":
      body = "ALL";
      break;
    case "group": {
      const parts = n.items.map((i) => printNode(i, true)).filter(Boolean);
      multi = parts.length > 1;
      body = parts.join(` ${n.op} `);
      // A negated group of one negated item keeps its parentheses: "NOT (NOT a)".
      if ((multi && (nested || n.not)) || (n.not && !multi && body.startsWith("NOT "))) body = `(${body})`;
      break;
    }
  }
  if (!body) return "";
  return n.not ? `NOT ${body}` : body;
}

export function printRoot(root: GroupNode): string {
  return printNode(root, false);
}

// Two texts that differ only in spacing.
export function sameText(a: string, b: string): boolean {
  return a.replace(/\s+/g, " ").trim() === b.replace(/\s+/g, " ").trim();
}

// The tag names an expression reads (for loading their types).
export function tagsOf(n: ExprNode, out = new Set<string>()): Set<string> {
  if (n.kind === "cond" && n.tag) out.add(n.tag);
  if (n.kind === "group") n.items.forEach((i) => tagsOf(i, out));
  return out;
}

// Type family of a tag type: "decimal:2" → "decimal".
export function baseType(type: string | undefined): string {
  return (type ?? "").split(":")[0];
}

// The operators the builder offers for a tag type.
export function opsFor(type: string | undefined): CondOp[] {
  switch (baseType(type)) {
    case "bool":
      return ["is", "=", "IS NULL", "IS NOT NULL"];
    case "enum":
      return ["IN", "NOT IN", "=", "!=", "IS NULL", "IS NOT NULL"];
    case "set":
      return ["CONTAINS ANY", "CONTAINS ALL", "NOT IN", "=", "IS NULL", "IS NOT NULL"];
    case "int":
    case "decimal":
    case "date":
      return ["=", "!=", "<", "<=", ">", ">=", "BETWEEN", "NOT BETWEEN", "IN", "NOT IN", "IS NULL", "IS NOT NULL"];
    default:
      return ["=", "!=", "<", "<=", ">", ">=", "IN", "NOT IN", "BETWEEN", "NOT BETWEEN", "CONTAINS ANY", "CONTAINS ALL", "IS NULL", "IS NOT NULL", "is"];
  }
}
