// Helpers shared by the insight, reports and lists pages: the segment an
// insight call is about, combining expressions, drill-down links and the
// TGI cell.
import { href } from "../../app/router";
import { DateInput } from "../../components/ui";
import { useI18n } from "../../i18n";
import { parseExpr, quote } from "../../components/expression/lang";

// What an insight call is about: an expression or a saved segment.
export interface Target {
  expr?: string;
  segment?: string;
}

export const targetBody = (t: Target) => (t.segment ? { segment: t.segment } : { expr: t.expr ?? "ALL" });
export const targetExpr = (t: Target) => (t.segment ? `SEGMENT(${quote(t.segment)})` : (t.expr ?? "ALL"));

// Whether `text` needs parentheses as an operand of AND (only a top-level OR,
// or text the builder cannot read).
function needsParens(text: string): boolean {
  try {
    const n = parseExpr(text);
    return n.kind === "group" && !n.not && n.op === "OR";
  } catch {
    return true;
  }
}

// a AND b, parenthesised where needed; ALL on either side drops out.
export function andExpr(a: string, b: string): string {
  const wrap = (s: string) => (needsParens(s) ? `(${s})` : s);
  if (!a.trim() || /^\s*ALL\s*$/i.test(a)) return b;
  if (!b.trim() || /^\s*ALL\s*$/i.test(b)) return a;
  return `${wrap(a)} AND ${wrap(b)}`;
}

export const insightHref = (expr: string, asOf?: string, tab?: string) => href(["insight"], { expr, as_of: asOf, tab });
export const segmentHref = (expr: string, asOf?: string) => href(["segments"], { expr, as_of: asOf });

// Links that open the insight of an expression or start a segment from it.
export function DrillLinks({ expr, asOf, testId }: { expr: string; asOf?: string; testId?: string }) {
  const { t } = useI18n();
  return (
    <span className="drill">
      <a href={insightHref(expr, asOf)} title={expr} data-testid={testId ? testId + "-insight" : undefined}>
        {t("insight.drill")}
      </a>
      <a href={segmentHref(expr, asOf)} title={expr} data-testid={testId ? testId + "-segment" : undefined}>
        {t("insight.toSegment")}
      </a>
    </span>
  );
}

// TGI: 100 = as common as in everyone; > 120 stands out, < 80 is rare.
export function TgiCell({ tgi }: { tgi: number | null | undefined }) {
  const { num } = useI18n();
  if (tgi === null || tgi === undefined) return <td className="num muted">—</td>;
  const cls = tgi > 120 ? "tgi-high" : tgi < 80 ? "tgi-low" : "";
  return (
    <td className={"num " + cls}>
      <span className="tgi-bar" style={{ width: Math.min(60, (tgi / 300) * 60) + "px" }} />
      {num(tgi, 1)}
    </td>
  );
}

export const tgiColor = (tgi: number | null | undefined) => (tgi == null ? "#c0c4cc" : tgi > 120 ? "#d83931" : tgi < 80 ? "#3370ff" : "#8f959e");

// "From … to …" date pickers (history, diff); ids `${testId}-from`, `${testId}-to`.
export function DateRange({ from, to, setFrom, setTo, testId }: { from: string; to: string; setFrom: (v: string) => void; setTo: (v: string) => void; testId: string }) {
  const { t } = useI18n();
  return (
    <>
      <label className="row inline-field">
        <span className="field-label">{t("insight.from")}</span>
        <DateInput value={from} onChange={(v) => v && setFrom(v)} testId={testId + "-from"} />
      </label>
      <label className="row inline-field">
        <span className="field-label">{t("insight.to")}</span>
        <DateInput value={to} onChange={(v) => v && setTo(v)} testId={testId + "-to"} />
      </label>
    </>
  );
}

// How many rows to show: 10, 20, 50 or 100.
export function LimitSelect({ value, onChange, testId }: { value: number; onChange: (n: number) => void; testId: string }) {
  return (
    <select value={value} onChange={(e) => onChange(Number(e.target.value))} data-testid={testId}>
      {[10, 20, 50, 100].map((n) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
    </select>
  );
}
